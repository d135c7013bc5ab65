package io.pingstream.reactor;

import io.pingstream.AddressText;
import io.pingstream.PingResult;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a series of probes of one target came to, the superset of what fping, pro-bing and
 * icmplib print: probes sent and answered, loss, and min / avg / max / standard deviation /
 * jitter / median / any percentile of the round-trip times. Immutable.
 *
 * <p>Over a whole finite stream, per target:
 *
 * <pre>{@code
 * Map<InetAddress, PingStatistics> summary = pinger.pingAll(targets, Duration.ofSeconds(1), 10)
 *     .as(PingStatistics::collect)
 *     .block();
 * }</pre>
 *
 * <p>Over the last 20 results of each target, updated with every result:
 *
 * <pre>{@code
 * pinger.pingAll(targets, StreamOptions.every(Duration.ofSeconds(1)))
 *     .transform(results -> PingStatistics.sliding(results, 20))
 *     .subscribe(stats -> log.info("{}", stats));
 * }</pre>
 *
 * <p>For one summary per minute, collect each window: {@code
 * results.window(Duration.ofMinutes(1)).concatMap(PingStatistics::collect)}.
 *
 * <p>Definitions: every result but a {@link io.pingstream.PingOutcome#DUPLICATE duplicate}
 * counts as sent, including {@link io.pingstream.PingOutcome#ERROR errors} (the probe was
 * attempted and got no reply). RTT figures use replies only and are
 * empty without replies. The standard deviation is the population one (as ping's {@code mdev});
 * jitter is the mean absolute difference between consecutive replies' RTTs, in arrival order;
 * percentiles interpolate linearly between the closest ranks, so the median of an even number
 * of RTTs is the mean of the two middle ones. Durations are rounded to the nanosecond.
 */
public final class PingStatistics {

  private final InetAddress target;
  private final long sent;
  private final long timeouts;
  private final long errors;
  private final long duplicates;
  /** Reply RTTs in nanoseconds, ascending. */
  private final long[] sorted;
  private final double mean;
  private final double stddev;
  private final double jitter;

  private PingStatistics(InetAddress target, RttTally tally) {
    this.target = target;
    this.sent = tally.sent;
    this.timeouts = tally.timeouts;
    this.errors = tally.errors;
    this.duplicates = tally.duplicates;
    long[] rtts = tally.rtts();
    this.mean = mean(rtts);
    this.stddev = stddev(rtts, mean);
    this.jitter = jitter(rtts);
    Arrays.sort(rtts);
    this.sorted = rtts;
  }

  /**
   * The statistics of {@code results}, all of which must be results of {@code target}.
   *
   * @throws IllegalArgumentException when a result is of another target
   */
  public static PingStatistics of(InetAddress target, Iterable<PingResult> results) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(results, "results");
    var tally = new RttTally();
    for (PingResult result : results) {
      Objects.requireNonNull(result, "results must not contain null");
      if (!result.target().equals(target)) {
        throw new IllegalArgumentException(
            "results must all be of target " + AddressText.of(target) + ", one is of " + AddressText.of(result.target()));
      }
      tally.add(result);
    }
    return new PingStatistics(target, tally);
  }

  /**
   * Collects a finite stream of results into statistics per target.
   *
   * <p>The {@code Mono} emits once, when {@code results} completes, a map in the order the
   * targets first appeared, then completes; it emits on the thread that completed {@code
   * results}. An error of {@code results} is relayed instead. It requests {@code results}
   * unbounded. It keeps every RTT until then (8 bytes a reply), so it suits finite streams or
   * windows of an infinite one, not an infinite stream itself: use {@link #sliding} there.
   * Cancelling it cancels {@code results}.
   *
   * <p>The map's keys are {@code InetAddress}es, whose {@code equals} ignores an IPv6 scope: a
   * link-local address probed on two interfaces ({@code fe80::1%eth0}, {@code fe80::1%eth1})
   * shares one entry. {@link #sliding} keeps them apart.
   */
  public static Mono<Map<InetAddress, PingStatistics>> collect(Publisher<PingResult> results) {
    Objects.requireNonNull(results, "results");
    return Flux.from(results)
        .collect(LinkedHashMap<InetAddress, RttTally>::new, (tallies, result) -> tallies.computeIfAbsent(result.target(), t -> new RttTally()).add(result))
        .map(tallies -> {
          Map<InetAddress, PingStatistics> statistics = new LinkedHashMap<>();
          tallies.forEach((target, tally) -> statistics.put(target, new PingStatistics(target, tally)));
          return Collections.unmodifiableMap(statistics);
        });
  }

  /**
   * Statistics over a sliding window: for every result, the statistics of the last {@code
   * window} results of its target (fewer at the start).
   *
   * <p>Emits one {@code PingStatistics} per result of {@code results}, on the thread that
   * emitted that result, and completes or fails when {@code results} does. It requests from
   * {@code results} what it is requested, one for one, so backpressure passes through. It keeps
   * the last {@code window} results of each target seen, until cancelled or terminated; each
   * emission sorts the window, so keep windows in the hundreds.
   *
   * @param window the number of results per target, at least 1
   */
  public static Flux<PingStatistics> sliding(Publisher<PingResult> results, int window) {
    Objects.requireNonNull(results, "results");
    Checks.inRange("window", window, 1, Integer.MAX_VALUE);
    return Flux.defer(() -> {
      // Per subscription, touched only by its serialized onNext signals.
      Map<TargetKey, ArrayDeque<PingResult>> windows = new HashMap<>();
      return Flux.from(results).map(result -> {
        ArrayDeque<PingResult> last = windows.computeIfAbsent(TargetKey.of(result.target()), t -> new ArrayDeque<>());
        last.addLast(result);
        if (last.size() > window) {
          last.removeFirst();
        }
        return of(result.target(), last);
      });
    });
  }

  /** The target these statistics are about. */
  public InetAddress target() {
    return target;
  }

  /** Probes counted: replies, timeouts and errors. */
  public long sent() {
    return sent;
  }

  /** Probes answered. */
  public long received() {
    return sorted.length;
  }

  /** Probes that timed out. */
  public long timeouts() {
    return timeouts;
  }

  /** Probes that failed, such as a refused send. */
  public long errors() {
    return errors;
  }

  /**
   * Extra replies to probes that already had one ({@link io.pingstream.PingOutcome#DUPLICATE}
   * results): they count neither as sent nor as RTTs. Only {@link
   * io.pingstream.PingEngine#results()} carries duplicates; the Pinger's streams, built on one
   * outcome per probe, do not, so their statistics show 0.
   */
  public long duplicates() {
    return duplicates;
  }

  /** The share of probes without a reply, in [0, 1]; 0 when nothing was sent. */
  public double lossRatio() {
    return sent == 0 ? 0 : (double) (sent - received()) / sent;
  }

  /** The shortest RTT; empty without replies. */
  public Optional<Duration> min() {
    return sorted.length == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(sorted[0]));
  }

  /** The mean RTT; empty without replies. */
  public Optional<Duration> avg() {
    return sorted.length == 0 ? Optional.empty() : Optional.of(nanos(mean));
  }

  /** The longest RTT; empty without replies. */
  public Optional<Duration> max() {
    return sorted.length == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(sorted[sorted.length - 1]));
  }

  /** The population standard deviation of the RTTs; empty without replies. */
  public Optional<Duration> stddev() {
    return sorted.length == 0 ? Optional.empty() : Optional.of(nanos(stddev));
  }

  /**
   * The mean absolute difference between the RTTs of consecutive replies, in arrival order;
   * empty with fewer than two replies.
   */
  public Optional<Duration> jitter() {
    return sorted.length < 2 ? Optional.empty() : Optional.of(nanos(jitter));
  }

  /** The median RTT, {@code percentile(50)}; empty without replies. */
  public Optional<Duration> median() {
    return percentile(50);
  }

  /**
   * The {@code p}-th percentile of the RTTs, interpolated linearly between the closest ranks
   * ({@code percentile(0)} is the min, {@code percentile(100)} the max); empty without replies.
   *
   * @param p in [0, 100]
   */
  public Optional<Duration> percentile(double p) {
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("p must be in [0, 100], was " + p);
    }
    if (sorted.length == 0) {
      return Optional.empty();
    }
    double rank = p / 100 * (sorted.length - 1);
    int below = (int) Math.floor(rank);
    int above = (int) Math.ceil(rank);
    return Optional.of(nanos(sorted[below] + (rank - below) * (sorted[above] - sorted[below])));
  }

  private static double mean(long[] rtts) {
    double sum = 0;
    for (long rtt : rtts) {
      sum += rtt;
    }
    return rtts.length == 0 ? 0 : sum / rtts.length;
  }

  private static double stddev(long[] rtts, double mean) {
    double squares = 0;
    for (long rtt : rtts) {
      squares += (rtt - mean) * (rtt - mean);
    }
    return rtts.length == 0 ? 0 : Math.sqrt(squares / rtts.length);
  }

  private static double jitter(long[] rttsInArrivalOrder) {
    double sum = 0;
    for (int i = 1; i < rttsInArrivalOrder.length; i++) {
      sum += Math.abs(rttsInArrivalOrder[i] - rttsInArrivalOrder[i - 1]);
    }
    return rttsInArrivalOrder.length < 2 ? 0 : sum / (rttsInArrivalOrder.length - 1);
  }

  private static Duration nanos(double nanos) {
    return Duration.ofNanos(Math.round(nanos));
  }

  /** Like ping's summary: {@code 127.0.0.1: 10 sent, 9 received, 10.0% loss, rtt min/avg/max/stddev = ...}. */
  @Override
  public String toString() {
    var text = new StringBuilder(AddressText.of(target)).append(": ").append(sent).append(" sent, ")
        .append(received()).append(" received, ").append(String.format(Locale.ROOT, "%.1f", lossRatio() * 100)).append("% loss");
    if (sorted.length > 0) {
      text.append(", rtt min/avg/max/stddev = ").append(millis(sorted[0])).append('/').append(millis(mean)).append('/')
          .append(millis(sorted[sorted.length - 1])).append('/').append(millis(stddev)).append(" ms, median ")
          .append(millis(percentile(50).orElseThrow().toNanos())).append(" ms");
      if (sorted.length > 1) {
        text.append(", jitter ").append(millis(jitter)).append(" ms");
      }
    }
    return text.toString();
  }

  private static String millis(double nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
