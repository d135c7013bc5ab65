package io.pingstream.reactor;

import io.pingstream.IpFamily;
import io.pingstream.PingEngine;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.reactivestreams.Subscription;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/** Sends probes through a {@link PingEngine}. */
final class EngineProber implements Prober {

  private final PingEngine engine;
  private final Scheduler blocking;
  private final Sinks.Empty<Void> closed = Sinks.empty();
  private final AtomicBoolean watchingClose = new AtomicBoolean();
  /** Per family, the open under way: {@link #opening}. */
  private final AtomicReferenceArray<Mono<Void>> opening = new AtomicReferenceArray<>(IpFamily.values().length);

  EngineProber(PingEngine engine, Scheduler blocking) {
    this.engine = engine;
    this.blocking = blocking;
  }

  @Override
  public Mono<PingResult> probe(InetAddress target, ProbeSettings settings) {
    // suppressCancel = false: cancelling the Mono cancels the future, which the engine forgets.
    Mono<PingResult> send = Mono.fromFuture(() -> engine.ping(target, settings), false);
    // Paced streams assemble a probe per tick, with the socket long open: skip the check then.
    return engine.socketMode(IpFamily.of(target)).isPresent() ? send : prepare(target).then(send);
  }

  @Override
  public CompletableFuture<PingResult> send(InetAddress target, ProbeSettings settings) {
    // The engine's own future, with no Mono around it, once the socket is open.
    return engine.socketMode(IpFamily.of(target)).isPresent() ? engine.ping(target, settings) : Prober.super.send(target, settings);
  }

  @Override
  public boolean isClosed() {
    return engine.isClosed();
  }

  /**
   * Completes when the engine's {@link PingEngine#results() results} do: when it closes, or its
   * receive thread ended on its own, which closes it too. Watched through one subscriber for the
   * pinger's life, without demand: from then on the engine offers each result to its sink,
   * which drops it for want of demand (without subscribers the engine skips the sink).
   */
  @Override
  public Mono<Void> closed() {
    if (!watchingClose.get() && watchingClose.compareAndSet(false, true)) {
      engine.results().subscribe(new BaseSubscriber<PingResult>() {
        @Override
        protected void hookOnSubscribe(Subscription subscription) {
          // no demand: only the end matters
        }

        @Override
        protected void hookFinally(SignalType type) {
          closed.tryEmitEmpty();
        }
      });
    }
    return closed.asMono();
  }

  @Override
  public Mono<Void> prepare(InetAddress target) {
    return Mono.defer(() -> {
      IpFamily family = IpFamily.of(target);
      if (engine.socketMode(family).isPresent() || engine.isClosed()) {
        return Mono.empty();
      }
      return opening(family);
    });
  }

  /**
   * The family's socket being opened, one open shared by everyone who waits for it; once it has
   * failed, the next {@link #prepare} tries again. Opening may block (in a namespace, on a helper
   * thread that is joined): never on the subscriber's thread, which may be a non-blocking Reactor
   * thread. An open per waiter made a {@code pingAll} of n new targets queue n opens, and when
   * they failed, each failure after the one that failed the stream was logged as dropped.
   */
  private Mono<Void> opening(IpFamily family) {
    int index = family.ordinal();
    while (true) {
      Mono<Void> current = opening.get(index);
      if (current != null) {
        return current;
      }
      Sinks.Empty<Void> outcome = Sinks.empty();
      Mono<Void> open = outcome.asMono();
      if (opening.compareAndSet(index, null, open)) {
        Runnable task = () -> {
          try {
            engine.open(family);
            opening.set(index, null);
            outcome.tryEmitEmpty();
          } catch (Throwable failure) {
            opening.set(index, null);
            outcome.tryEmitError(failure);
            Exceptions.throwIfJvmFatal(failure);
          }
        };
        try {
          blocking.schedule(task);
        } catch (RuntimeException rejected) { // e.g. the scheduler was disposed
          opening.set(index, null);
          outcome.tryEmitError(rejected);
        }
        return open;
      }
    }
  }
}
