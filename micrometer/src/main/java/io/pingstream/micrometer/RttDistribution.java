package io.pingstream.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What {@code ping.rtt} publishes besides its count, sum and max: a percentile histogram and
 * where it starts, SLO buckets. Pinned per registry by the first recorder made for it, and kept for as long as the
 * registry lives, as {@link GaugeStates} keeps the loss window: every recorder of a registry
 * must register the timer alike, whichever target it makes it for and whenever. A Prometheus
 * registry cannot scrape a name that is a histogram for some targets and a summary for others
 * (Micrometer 1.13+ throws a {@code ClassCastException} on every scrape from then on), and
 * {@code histogram_quantile} across targets needs the same buckets in each.
 *
 * @param percentileHistogram as {@link PingMeterOptions#percentileHistogram()}
 * @param serviceLevelObjectives as {@link PingMeterOptions#serviceLevelObjectives()}, sorted,
 *     without repeats (Micrometer makes one bucket of each value)
 * @param minimumExpectedRtt as {@link PingMeterOptions#minimumExpectedRtt()}
 */
record RttDistribution(boolean percentileHistogram, List<Duration> serviceLevelObjectives, Duration minimumExpectedRtt) {

  private static final Map<MeterRegistry, RttDistribution> BY_REGISTRY = Collections.synchronizedMap(new WeakHashMap<>());

  static RttDistribution of(PingMeterOptions options) {
    return new RttDistribution(
        options.percentileHistogram(),
        Arrays.stream(options.serviceLevelObjectives()).distinct().sorted().toList(),
        // Only a percentile histogram has buckets from it: without one it makes no difference.
        options.percentileHistogram() ? options.minimumExpectedRtt() : PingMeterOptions.DEFAULT_MINIMUM_EXPECTED_RTT);
  }

  /**
   * The distribution a recorder of {@code registry} should ask for to be accepted: the one pinned
   * in it or, for a composite, in a registry it holds; {@code otherwise} when none is. Pins
   * nothing: {@link #require} does, with the recorder.
   */
  static RttDistribution pinnedOr(MeterRegistry registry, RttDistribution otherwise) {
    synchronized (BY_REGISTRY) {
      for (MeterRegistry each : withMembers(registry, new ArrayList<>())) {
        RttDistribution pinned = BY_REGISTRY.get(each);
        if (pinned != null) {
          return pinned;
        }
      }
      return otherwise;
    }
  }

  /**
   * Pins {@code options}' distribution in {@code registry} and, for a composite, in the registries
   * it holds now: a meter made through a composite is made in each of them, where a recorder of
   * one of them may have pinned another.
   *
   * @throws IllegalArgumentException when another one is pinned in one of them; then none is pinned
   */
  static void require(MeterRegistry registry, PingMeterOptions options) {
    RttDistribution wanted = of(options);
    List<MeterRegistry> registries = withMembers(registry, new ArrayList<>());
    synchronized (BY_REGISTRY) {
      for (MeterRegistry each : registries) {
        RttDistribution pinned = BY_REGISTRY.get(each);
        if (pinned != null && !pinned.equals(wanted)) {
          throw conflict(pinned, wanted);
        }
      }
      registries.forEach(each -> BY_REGISTRY.putIfAbsent(each, wanted));
    }
  }

  private static List<MeterRegistry> withMembers(MeterRegistry registry, List<MeterRegistry> into) {
    into.add(registry);
    if (registry instanceof CompositeMeterRegistry composite) {
      composite.getRegistries().forEach(member -> withMembers(member, into));
    }
    return into;
  }

  private static IllegalArgumentException conflict(RttDistribution pinned, RttDistribution wanted) {
    return new IllegalArgumentException("ping.rtt in this registry is made with " + pinned
        + " by the recorder made first; these options ask for " + wanted
        + ": every recorder of a registry must ask for the same (a Prometheus scrape fails on a timer "
        + "that is a histogram for some targets and not for others); give them the same options, "
        + "or record a Flux with PingMetrics.record(registry), which takes the registry's");
  }

  /** {@code options} with this distribution instead of their own. */
  PingMeterOptions applyTo(PingMeterOptions options) {
    return options.percentileHistogram(percentileHistogram)
        .serviceLevelObjectives(serviceLevelObjectives.toArray(Duration[]::new))
        .minimumExpectedRtt(minimumExpectedRtt);
  }

  @Override
  public String toString() {
    return "percentileHistogram=" + percentileHistogram + ", serviceLevelObjectives=" + serviceLevelObjectives
        + ", minimumExpectedRtt=" + minimumExpectedRtt;
  }
}
