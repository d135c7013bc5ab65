package io.pingstream.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * Entry point of the Micrometer binding. Two ways in:
 *
 * <pre>{@code
 * // 1. Every probe of an engine, recorded where it happens:
 * PingEngine engine = PingEngine.create(PingOptions.defaults().recorder(PingMetrics.recorder(registry)));
 * new PingEngineMetrics(engine).bindTo(registry);
 *
 * // 2. Any stream of results, as an operator:
 * results.transform(PingMetrics.record(registry)).subscribe();
 * }</pre>
 *
 * <p>Use one way per stream of probes: both at once count each probe twice. Both ways may meter
 * different streams in one registry: the operator takes the {@code ping.rtt} histogram settings
 * of the registry's recorders ({@link #record(MeterRegistry)}).
 */
public final class PingMetrics {

  private PingMetrics() {}

  /**
   * A recorder with {@link PingMeterOptions#defaults()}.
   *
   * @throws IllegalArgumentException when a recorder made before for {@code registry} asked for a
   *     {@code ping.rtt} histogram, another start of it or SLO buckets; see {@link #recorder(MeterRegistry, PingMeterOptions)}
   */
  public static MicrometerPingRecorder recorder(MeterRegistry registry) {
    return recorder(registry, PingMeterOptions.defaults());
  }

  /**
   * A recorder that makes per-target meters in {@code registry} as {@code options} say.
   *
   * <p>The first recorder made for a registry settles how every recorder of it makes {@code
   * ping.rtt}: with or without a {@link PingMeterOptions#percentileHistogram(boolean) percentile
   * histogram} and from which {@link PingMeterOptions#minimumExpectedRtt(Duration) RTT}, with
   * which {@link PingMeterOptions#serviceLevelObjectives(Duration...) SLO buckets}. It stays so for as long as the registry lives, its targets removed or not: a
   * Prometheus registry cannot scrape a timer that is a histogram for some targets and a summary
   * for others (each scrape would throw), nor can {@code histogram_quantile} sum targets whose
   * buckets differ. A composite registry also settles it for the registries it holds when the
   * recorder is made, since the meters made through it are made in each of them. Without a
   * histogram, where it would start makes no difference.
   *
   * @throws IllegalArgumentException when a recorder made before for {@code registry} asked for
   *     other {@code ping.rtt} settings; the message names both
   */
  public static MicrometerPingRecorder recorder(MeterRegistry registry, PingMeterOptions options) {
    return new MicrometerPingRecorder(registry, options);
  }

  /**
   * An operator that records each result of a {@code Flux} with a default recorder, but for the
   * {@code ping.rtt} histogram settings: it takes those of the recorders made before for {@code
   * registry} (the engine's, say), so that it can meter a stream of its own in the same registry.
   * When it is the first, it settles the defaults (no histogram) for later ones. To give it
   * options of its own: {@code record(recorder(registry, options))}.
   */
  public static Function<Flux<PingResult>, Flux<PingResult>> record(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    PingMeterOptions defaults = PingMeterOptions.defaults();
    return record(recorder(registry, RttDistribution.pinnedOr(registry, RttDistribution.of(defaults)).applyTo(defaults)));
  }

  /**
   * An operator that records each result passing through, then passes it on unchanged; signals,
   * demand and cancellation are untouched. Each non-duplicate result also counts as a sent probe.
   * Operators may be assembled per request: recorders of one registry share its meters.
   *
   * <p>It never removes a target's meters, as it cannot know when a target leaves: with targets
   * that come and go, give the engine the recorder instead (the Reactor API's dynamic streams
   * report removals to it), or call {@link MicrometerPingRecorder#targetRemoved} yourself.
   */
  public static Function<Flux<PingResult>, Flux<PingResult>> record(MicrometerPingRecorder recorder) {
    Objects.requireNonNull(recorder, "recorder");
    return results -> results.doOnNext(result -> {
      if (result.outcome() != PingOutcome.DUPLICATE) {
        recorder.recordSent(result.target());
      }
      recorder.recordResult(result);
    });
  }
}
