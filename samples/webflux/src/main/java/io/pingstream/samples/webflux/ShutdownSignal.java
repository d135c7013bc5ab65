package io.pingstream.samples.webflux;

import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Completes when the app begins to shut down, before the web server's graceful shutdown waits
 * for open requests (a lifecycle of the default phase stops before it): an endless stream that
 * ends then lets the server stop at once, where it would wait out its grace period (30 s).
 */
public final class ShutdownSignal implements SmartLifecycle {

  /** The signal of the current run: a context started again after a stop gets a fresh one. */
  private volatile Sinks.Empty<Void> stopping = Sinks.empty();
  private volatile boolean stopped;
  private volatile boolean running;

  /** Completes at shutdown. */
  public Mono<Void> asMono() {
    return stopping.asMono();
  }

  @Override
  public void start() {
    if (stopped) { // only then: streams served before this (late) phase started hold the sink
      stopping = Sinks.empty();
      stopped = false;
    }
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    stopped = true;
    stopping.tryEmitEmpty();
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
