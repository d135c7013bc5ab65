package io.pingstream.reactor;

import io.pingstream.ProbeSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * How a paced stream probes its targets: the interval between two probes of one target, how many
 * probes per target, and optional limits shared by all targets of one stream. Immutable; each
 * setter validates its argument (an {@link IllegalArgumentException} names the option, the value
 * and the allowed range) and returns a copy.
 *
 * <pre>{@code
 * StreamOptions options = StreamOptions.every(Duration.ofMillis(500))
 *     .count(10)
 *     .rateLimit(200)     // at most 200 probes per second over all targets
 *     .maxInFlight(1000); // at most 1000 probes waiting for their reply
 * pinger.pingAll(targets, options).subscribe(System.out::println);
 * }</pre>
 *
 * @see Pinger#stream(java.net.InetAddress, StreamOptions)
 * @see Pinger#pingAll(java.util.Collection, StreamOptions)
 */
public final class StreamOptions {

  /** Shortest interval: below a millisecond timers only add jitter. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(1);
  /** Longest interval. */
  public static final Duration MAX_INTERVAL = Duration.ofDays(1);
  /** Highest rate limit, in probes per second. */
  public static final int MAX_RATE = 1_000_000;
  /** Highest in-flight limit. */
  public static final int MAX_IN_FLIGHT = 1_000_000;

  private static final StreamOptions DEFAULTS = new StreamOptions(Duration.ofSeconds(1), 0, 0, 0, null);

  private final Duration interval;
  /** 0: until cancelled. */
  private final long count;
  /** 0: no limit. */
  private final int rateLimit;
  /** 0: no limit. */
  private final int maxInFlight;
  private final @Nullable ProbeSettings probeSettings;

  private StreamOptions(Duration interval, long count, int rateLimit, int maxInFlight, @Nullable ProbeSettings probeSettings) {
    this.interval = interval;
    this.count = count;
    this.rateLimit = rateLimit;
    this.maxInFlight = maxInFlight;
    this.probeSettings = probeSettings;
  }

  /**
   * The defaults: one probe per target per second, until cancelled, no rate or in-flight limit,
   * the {@link Pinger}'s probe settings.
   */
  public static StreamOptions defaults() {
    return DEFAULTS;
  }

  /** The defaults with another interval: {@code defaults().interval(interval)}. */
  public static StreamOptions every(Duration interval) {
    return DEFAULTS.interval(interval);
  }

  /** The time between two probes of one target. */
  public Duration interval() {
    return interval;
  }

  /**
   * A copy with another interval.
   *
   * @param interval in [{@link #MIN_INTERVAL 1 ms}, {@link #MAX_INTERVAL 1 day}]
   */
  public StreamOptions interval(Duration interval) {
    return new StreamOptions(Checks.inRange("interval", interval, MIN_INTERVAL, MAX_INTERVAL), count, rateLimit, maxInFlight, probeSettings);
  }

  /** How many probes each target gets before its stream completes; empty for until cancelled. */
  public OptionalLong count() {
    return count == 0 ? OptionalLong.empty() : OptionalLong.of(count);
  }

  /**
   * A copy that sends {@code count} probes per target, then completes that target's stream.
   *
   * @param count in [1, {@value Long#MAX_VALUE}]
   */
  public StreamOptions count(long count) {
    return new StreamOptions(interval, Checks.inRange("count", count, 1, Long.MAX_VALUE), rateLimit, maxInFlight, probeSettings);
  }

  /** The most probes per second the stream sends over all its targets, if limited. */
  public OptionalInt rateLimit() {
    return rateLimit == 0 ? OptionalInt.empty() : OptionalInt.of(rateLimit);
  }

  /**
   * A copy that sends at most {@code probesPerSecond} probes per second over all targets of the
   * stream, spaced {@code 1 s / probesPerSecond} apart. When the targets ask for more, a target
   * whose probe is due waits for its turn, first come first served, and its probes that come due
   * meanwhile are skipped: every target keeps being probed, less often, and nothing piles up.
   *
   * @param probesPerSecond in [1, {@value #MAX_RATE}]
   */
  public StreamOptions rateLimit(int probesPerSecond) {
    return new StreamOptions(interval, count, Checks.inRange("rateLimit", probesPerSecond, 1, MAX_RATE), maxInFlight, probeSettings);
  }

  /** The most probes of the stream that wait for their reply at once, if limited. */
  public OptionalInt maxInFlight() {
    return maxInFlight == 0 ? OptionalInt.empty() : OptionalInt.of(maxInFlight);
  }

  /**
   * A copy that keeps at most {@code maxInFlight} probes of the stream waiting for their reply. A
   * target whose turn comes while the limit is reached waits for a free slot, first come first
   * served; its probes due meanwhile are skipped.
   *
   * @param maxInFlight in [1, {@value #MAX_IN_FLIGHT}]
   */
  public StreamOptions maxInFlight(int maxInFlight) {
    return new StreamOptions(interval, count, rateLimit, Checks.inRange("maxInFlight", maxInFlight, 1, MAX_IN_FLIGHT), probeSettings);
  }

  /** Timeout, size and TTL of each probe; empty for the {@link Pinger}'s defaults. */
  public Optional<ProbeSettings> probeSettings() {
    return Optional.ofNullable(probeSettings);
  }

  /** A copy whose probes use {@code probeSettings} instead of the {@link Pinger}'s defaults. */
  public StreamOptions probeSettings(ProbeSettings probeSettings) {
    Objects.requireNonNull(probeSettings, "probeSettings");
    return new StreamOptions(interval, count, rateLimit, maxInFlight, probeSettings);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof StreamOptions other
        && interval.equals(other.interval) && count == other.count && rateLimit == other.rateLimit
        && maxInFlight == other.maxInFlight && Objects.equals(probeSettings, other.probeSettings);
  }

  @Override
  public int hashCode() {
    return Objects.hash(interval, count, rateLimit, maxInFlight, probeSettings);
  }

  @Override
  public String toString() {
    return "StreamOptions{interval=" + interval + ", count=" + (count == 0 ? "unbounded" : count)
        + ", rateLimit=" + (rateLimit == 0 ? "none" : rateLimit + "/s")
        + ", maxInFlight=" + (maxInFlight == 0 ? "none" : maxInFlight)
        + ", probeSettings=" + (probeSettings == null ? "pinger's" : probeSettings) + "}";
  }
}
