package io.pingstream.reactor;

import io.pingstream.PingRecorder;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Paces probes by the clock: one stream per target, merged for a set of targets that may change.
 * Knows nothing of sockets (probes go through a {@link Prober}) and takes time from a {@link
 * Scheduler}, so tests drive it with virtual time.
 *
 * <p>Per target: {@code interval} ticks; a tick asks the {@link Admission} for a permit (one
 * request at a time, so a tick that comes while the previous one still waits is skipped and
 * counted); each permit starts a probe at once, without waiting for earlier probes to finish;
 * results are re-ordered into send order with a bounded window of probes in flight.
 */
final class PacedStreams {

  /** Upper bound of the per-target window, for long timeouts at short intervals. */
  static final int MAX_WINDOW = 1024;
  /** Groups of targets, each merged by its own flatMap: about sqrt of the largest target sets. */
  private static final int BUCKETS = 256;

  private final Prober prober;
  private final ProbeSettings defaultSettings;
  private final Scheduler timer;
  private final LongAdder skipped;
  private final PingRecorder recorder;

  PacedStreams(Prober prober, ProbeSettings defaultSettings, Scheduler timer, LongAdder skipped, PingRecorder recorder) {
    this.prober = prober;
    this.defaultSettings = defaultSettings;
    this.timer = timer;
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
      var admission = new Admission(options.rateLimit().orElse(0), options.maxInFlight().orElse(0), timer);
      var targets = new TargetSet(options.interval());
      return Flux.from(targetSets)
          .concatMapIterable(targets::update)
          .doOnError(error -> admission.close())
          // flatMap scans all its running inner streams as it drains; with 100,000 targets that
          // would cost O(targets) per result. Buckets keep each flatMap small.
          .groupBy(start -> bucket(start.target()))
          // Every target stream runs until it completes, so no concurrency limit; prefetch 1 keeps
          // the buffering in the target streams, which skip probes rather than buffer more.
          .flatMap(bucket -> bucket.flatMap(start -> removable(start, target(start.target(), start.offset(), options, settings, admission)
                  .doOnError(error -> admission.close())),
              Integer.MAX_VALUE, 1), Integer.MAX_VALUE, 1)
          // Runs before the cancellation goes up to the target streams.
          .doOnCancel(admission::close);
    });
  }

  /** One of {@link #BUCKETS} groups of targets, spread by address. */
  private static int bucket(InetAddress target) {
    return Math.floorMod(target.hashCode() * 0x9E3779B9, BUCKETS);
  }

  /**
   * Ends a target's stream when the target leaves the set, and then, once its probes in flight
   * are cancelled, tells the recorder, so that metrics drop the target's series.
   */
  private Flux<PingResult> removable(TargetSet.Start start, Flux<PingResult> stream) {
    var removed = new AtomicBoolean();
    return stream
        .takeUntilOther(start.stop().doOnNext(stop -> removed.set(true)))
        .doFinally(signal -> {
          if (removed.get()) {
            recorder.targetRemoved(start.target());
          }
        });
  }

  /** The paced stream of one target; its first probe is due after {@code offset}. */
  Flux<PingResult> target(InetAddress target, Duration offset, StreamOptions options, ProbeSettings settings, Admission admission) {
    int window = window(settings.timeout(), options.interval());
    // Opening the socket first keeps it off the clock: otherwise the first probe would leave
    // late, from another thread, and could overtake the second.
    return prober.prepare(target).thenMany(Flux.defer(() -> {
      Admission.Lane lane = admission.lane();
      Flux<Admission.Permit> permits = Flux.interval(offset, options.interval(), timer)
          // The only place where probes are dropped: a tick that finds the previous one still
          // waiting (for demand, the rate limit or an in-flight slot) is skipped, not queued.
          .onBackpressureDrop(tick -> skipped.increment())
          .concatMap(tick -> lane.admit(), 0);
      if (options.count().isPresent()) {
        permits = permits.take(options.count().getAsLong());
      }
      return permits
          .flatMapSequential(permit -> probe(target, settings, permit), window, 1)
          .doFinally(signal -> lane.close());
    }));
  }

  private Mono<PingResult> probe(InetAddress target, ProbeSettings settings, Admission.Permit permit) {
    return Mono.defer(() -> prober.probe(target, settings)).doFinally(signal -> permit.release());
  }
}
