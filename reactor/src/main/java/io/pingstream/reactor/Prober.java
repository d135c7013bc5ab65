package io.pingstream.reactor;

import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/**
 * Sends one probe per subscription. The seam between the pacing logic and the engine: tests
 * pass a fake driven by virtual time, the {@link Pinger} passes an {@link EngineProber}.
 */
@FunctionalInterface
interface Prober {

  /**
   * A cold {@code Mono} that sends a probe when subscribed and emits its result; cancelling it
   * forgets the probe. It fails with a {@link io.pingstream.TargetRefusedException} when the
   * prober refuses the target before sending anything (as {@link
   * io.pingstream.PingEngine#ping(InetAddress, ProbeSettings)} refuses the unspecified address,
   * multicast, the IPv4 limited broadcast and unscoped link-local IPv6).
   */
  Mono<PingResult> probe(InetAddress target, ProbeSettings settings);

  /**
   * Sends a probe now, as subscribing to {@link #probe} would, and returns its outcome as a
   * future (completed with null if the probe's {@code Mono} completes empty); cancelling the
   * future cancels the probe before the future completes ({@link ProbeFuture}). Paced streams
   * send this way: it costs less per probe than subscribing to a {@code Mono}.
   *
   * <p>The future fails with a {@link io.pingstream.TargetRefusedException} when the prober
   * refuses the target, as {@link #probe} does; paced streams make that failure, and only that
   * one, an {@link io.pingstream.PingOutcome#ERROR} result of sequence -1 rather than a failure
   * of the stream.
   */
  default CompletableFuture<PingResult> send(InetAddress target, ProbeSettings settings) {
    return ProbeFuture.of(probe(target, settings));
  }

  /**
   * Gets ready to probe {@code target} (opens its socket), so that a stream's probes all leave
   * from its clock, in order. Completes empty; may fail as a probe would.
   */
  default Mono<Void> prepare(InetAddress target) {
    return Mono.empty();
  }

  /**
   * Whether the prober is closed for good. A paced stream then fails at its next tick, as its
   * next probe would: also a stream that sends nothing for want of demand.
   */
  default boolean isClosed() {
    return false;
  }

  /**
   * Completes once the prober is closed for good ({@link #isClosed()} is then true), at once if it
   * is already; never by default. A multi-target stream whose target sets may still change
   * watches it, since it may have no target left to tick.
   */
  default Mono<Void> closed() {
    return Mono.never();
  }
}
