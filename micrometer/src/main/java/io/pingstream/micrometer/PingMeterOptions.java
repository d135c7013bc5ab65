package io.pingstream.micrometer;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.pingstream.AddressText;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * How per-target meters are made: extra tags, the loss window, the RTT histogram and the target
 * label. Immutable; each setter returns a validated copy.
 *
 * <pre>{@code
 * PingMeterOptions options = PingMeterOptions.defaults()
 *     .tags(Tags.of("site", "paris"))
 *     .lossWindow(300)
 *     .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100));
 * }</pre>
 */
public final class PingMeterOptions {

  private static final List<String> RESERVED_KEYS =
      List.of(PingMeterNames.TAG_TARGET, PingMeterNames.TAG_NAME, PingMeterNames.TAG_FAMILY, PingMeterNames.TAG_KIND);

  /** Default number of latest outcomes the loss gauge is computed over. */
  public static final int DEFAULT_LOSS_WINDOW = 100;
  /** Largest loss window. */
  public static final int MAX_LOSS_WINDOW = 100_000;
  /**
   * Default smallest RTT the {@code ping.rtt} percentile histogram tells apart, 100 us: LAN RTTs
   * fall above it. Micrometer's own default for timers, 1 ms, would put them all in one bucket.
   */
  public static final Duration DEFAULT_MINIMUM_EXPECTED_RTT = Duration.ofNanos(100_000);
  /** Largest {@link #minimumExpectedRtt(Duration)}. */
  public static final Duration MAX_MINIMUM_EXPECTED_RTT = Duration.ofSeconds(1);

  private static final PingMeterOptions DEFAULTS =
      new PingMeterOptions(
          Tags.empty(), DEFAULT_LOSS_WINDOW, false, new Duration[0], DEFAULT_MINIMUM_EXPECTED_RTT, PingMeterOptions::hostNameOrAddress);

  private final Tags tags;
  private final int lossWindow;
  private final boolean percentileHistogram;
  private final Duration[] serviceLevelObjectives;
  private final Duration minimumExpectedRtt;
  private final Function<InetAddress, String> label;

  private PingMeterOptions(
      Tags tags,
      int lossWindow,
      boolean percentileHistogram,
      Duration[] serviceLevelObjectives,
      Duration minimumExpectedRtt,
      Function<InetAddress, String> label) {
    this.tags = tags;
    this.lossWindow = lossWindow;
    this.percentileHistogram = percentileHistogram;
    this.serviceLevelObjectives = serviceLevelObjectives;
    this.minimumExpectedRtt = minimumExpectedRtt;
    this.label = label;
  }

  /**
   * No extra tags, a 100-probe loss window, no histogram (from 100 us when turned on), host names
   * as labels.
   */
  public static PingMeterOptions defaults() {
    return DEFAULTS;
  }

  /** Tags added to every per-target meter. */
  public Tags tags() {
    return tags;
  }

  /**
   * A copy with these extra tags on every per-target meter.
   *
   * @throws IllegalArgumentException for a key the meters set themselves ({@code target}, {@code
   *     name}, {@code family}, {@code kind}), which would silently replace the tag
   */
  public PingMeterOptions tags(Iterable<Tag> tags) {
    Objects.requireNonNull(tags, "tags");
    Tags checked = Tags.of(tags);
    for (Tag tag : checked) {
      if (RESERVED_KEYS.contains(tag.getKey())) {
        throw new IllegalArgumentException("tag key '" + tag.getKey() + "' is set by the meters themselves; reserved: " + RESERVED_KEYS);
      }
    }
    return new PingMeterOptions(checked, lossWindow, percentileHistogram, serviceLevelObjectives, minimumExpectedRtt, label);
  }

  /** How many of a target's latest outcomes {@code ping.loss} is computed over. */
  public int lossWindow() {
    return lossWindow;
  }

  /**
   * A copy with another loss window: {@code ping.loss} is the ratio of timeouts and errors
   * among the target's last {@code probes} outcomes, like blackbox_exporter users compute with
   * {@code avg_over_time(probe_success[..])}.
   *
   * @param probes in [1, {@value #MAX_LOSS_WINDOW}]
   */
  public PingMeterOptions lossWindow(int probes) {
    if (probes < 1 || probes > MAX_LOSS_WINDOW) {
      throw new IllegalArgumentException("lossWindow must be in [1, " + MAX_LOSS_WINDOW + "], was " + probes);
    }
    return new PingMeterOptions(tags, probes, percentileHistogram, serviceLevelObjectives, minimumExpectedRtt, label);
  }

  /** Whether {@code ping.rtt} publishes a percentile histogram. */
  public boolean percentileHistogram() {
    return percentileHistogram;
  }

  /**
   * A copy that makes {@code ping.rtt} publish a percentile histogram (Prometheus {@code
   * ping_rtt_seconds_bucket}), for {@code histogram_quantile} across targets. Every recorder of a
   * registry must ask for the same: see {@link
   * PingMetrics#recorder(io.micrometer.core.instrument.MeterRegistry, PingMeterOptions)}.
   */
  public PingMeterOptions percentileHistogram(boolean enabled) {
    return new PingMeterOptions(tags, lossWindow, enabled, serviceLevelObjectives, minimumExpectedRtt, label);
  }

  /** The smallest RTT the {@code ping.rtt} percentile histogram tells apart. */
  public Duration minimumExpectedRtt() {
    return minimumExpectedRtt;
  }

  /**
   * A copy whose {@code ping.rtt} percentile histogram starts at {@code rtt}: its first bucket
   * holds every RTT up to it, which {@code histogram_quantile} cannot tell apart. The default, 100
   * us, suits LAN targets; 10 us tells loopback and same-host RTTs apart too. Every bucket is a
   * Prometheus series of every target: up to Micrometer's 30 s top, it makes 85 of them (with
   * {@code +Inf}) from 100 us, 100 from 10 us, 69 from its own default of 1 ms. No effect without
   * {@link #percentileHistogram(boolean)}; every recorder of a registry must ask for the same.
   *
   * @param rtt in (0, 1 s]
   */
  public PingMeterOptions minimumExpectedRtt(Duration rtt) {
    Objects.requireNonNull(rtt, "rtt");
    if (rtt.isNegative() || rtt.isZero() || rtt.compareTo(MAX_MINIMUM_EXPECTED_RTT) > 0) {
      throw new IllegalArgumentException("minimumExpectedRtt must be in (0, " + MAX_MINIMUM_EXPECTED_RTT + "], was " + rtt);
    }
    return new PingMeterOptions(tags, lossWindow, percentileHistogram, serviceLevelObjectives, rtt, label);
  }

  /** The RTT buckets published as service-level objectives. */
  public Duration[] serviceLevelObjectives() {
    return serviceLevelObjectives.clone();
  }

  /**
   * A copy that publishes {@code ping.rtt} buckets at these RTTs (each positive). Every recorder
   * of a registry must ask for the same.
   */
  public PingMeterOptions serviceLevelObjectives(Duration... objectives) {
    Objects.requireNonNull(objectives, "objectives");
    for (Duration objective : objectives) {
      if (objective == null || objective.isNegative() || objective.isZero()) {
        throw new IllegalArgumentException("serviceLevelObjectives must be positive durations, was " + Arrays.toString(objectives));
      }
    }
    return new PingMeterOptions(tags, lossWindow, percentileHistogram, objectives.clone(), minimumExpectedRtt, label);
  }

  /** How the {@code name} tag of a target is chosen. */
  public Function<InetAddress, String> label() {
    return label;
  }

  /**
   * A copy that names targets with {@code label} (the {@code name} tag), e.g. from your
   * inventory. The default is the host name the address was resolved from, else the address; it
   * never does a reverse DNS lookup.
   */
  public PingMeterOptions label(Function<InetAddress, String> label) {
    Objects.requireNonNull(label, "label");
    return new PingMeterOptions(tags, lossWindow, percentileHistogram, serviceLevelObjectives, minimumExpectedRtt, label);
  }

  /** The host name an address carries (without a lookup), else its literal. */
  static String hostNameOrAddress(InetAddress address) {
    String text = address.toString(); // "name/literal", or "/literal" without a name
    int slash = text.indexOf('/');
    return slash > 0 ? text.substring(0, slash) : AddressText.of(address);
  }
}
