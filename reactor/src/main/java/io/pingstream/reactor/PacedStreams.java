package io.pingstream.reactor;

import io.pingstream.EngineClosedException;
import io.pingstream.PingRecorder;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Paces probes by the clock: one stream per target, merged for a set of targets that may change.
 * Knows nothing of sockets (probes go through a {@link Prober}) and takes time from shared {@link
 * PacingClocks}, so tests drive it with virtual time.
 *
 * <p>Per target, a {@link TargetStream}: a {@link PacingClock} ticks every interval; each tick
 * starts a probe at once, without waiting for earlier probes to finish, unless the target's
 * window of undelivered probes is full (then the tick waits, one at most, and later ones are
 * skipped and counted). With a rate or in-flight limit, a tick first asks the {@link Admission}
 * for a permit, one request at a time. Results come in send order. {@link MergeStreams} merges
 * the targets. While the target sets may still change, the merge also watches the prober's
 * {@link Prober#closed() closing}, which no target may be left to notice at a tick.
 */
final class PacedStreams {

  /**
   * Upper bound of the per-target window, for long timeouts at short intervals: reached when the
   * timeout exceeds 1,022 intervals, and then a target whose probes wait out their timeout skips
   * ticks whatever the demand (documented in {@link Pinger#skippedProbes()}).
   */
  static final int MAX_WINDOW = 1024;

  private final Prober prober;
  private final ProbeSettings defaultSettings;
  private final PacingClocks clocks;
  private final LongAdder skipped;
  private final PingRecorder recorder;

  PacedStreams(Prober prober, ProbeSettings defaultSettings, PacingClocks clocks, LongAdder skipped, PingRecorder recorder) {
    this.prober = prober;
    this.defaultSettings = defaultSettings;
    this.clocks = clocks;
    this.skipped = skipped;
    this.recorder = recorder;
  }

  /**
   * How many probes of one target may be sent and not yet delivered: enough for every probe that
   * can still be waiting for its reply when the next one is due (timeout / interval), plus the new
   * one, plus one for a timeout that fires a little after its deadline.
   */
  static int window(Duration timeout, Duration interval) {
    long waiting = (timeout.toNanos() + interval.toNanos() - 1) / interval.toNanos();
    return (int) Math.min(MAX_WINDOW, waiting + 2);
  }

  /** Streams every target of every set, starting and stopping targets as the sets change. */
  Flux<PingResult> pingAll(Publisher<? extends Collection<? extends InetAddress>> targetSets, StreamOptions options) {
    ProbeSettings settings = options.probeSettings().orElse(defaultSettings);
    return Flux.defer(() -> {
      // Per subscription: limits are shared by this subscription's targets only.
      var admission = new Admission(options.rateLimit().orElse(0), options.maxInFlight().orElse(0), clocks.time());
      var targets = new TargetSet(options.interval());
      Flux<Flux<PingResult>> streams = Flux.<Collection<? extends InetAddress>>from(targetSets)
          // While sets may still come, closing fails the Flux at once: there may be no target
          // left to notice it at a tick (all finished their count, or the set is empty).
          .takeUntilOther(prober.closed().thenReturn(Boolean.TRUE))
          .concatWith(Mono.defer(() -> prober.isClosed() ? Mono.error(new EngineClosedException()) : Mono.empty()))
          .concatMapIterable(targets::update)
          .doOnError(error -> admission.close())
          .map(start -> target(start, options, settings, admission));
      // Every target stream runs until it completes; each holds at most one result in the merge,
      // keeping the buffering in the target streams, which skip probes rather than buffer more.
      return new MergeStreams<>(streams)
          // Runs before the cancellation goes up to the target streams.
          .doOnCancel(admission::close);
    });
  }

  /** The paced stream of one target: it ends when the target leaves its set. */
  private Flux<PingResult> target(TargetSet.Start start, StreamOptions options, ProbeSettings settings, Admission admission) {
    int window = window(settings.timeout(), options.interval());
    PacingClock clock = clocks.forInterval(options.interval());
    long count = options.count().orElse(Long.MAX_VALUE);
    return new TargetStream(prober, start, settings, clock, options.interval(), count, window,
        admission.limits() ? admission : null, skipped, recorder);
  }
}
