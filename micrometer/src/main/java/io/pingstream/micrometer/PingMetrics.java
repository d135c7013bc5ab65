package io.pingstream.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
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
 * <p>Use one way per stream of probes: both at once count each probe twice.
 */
public final class PingMetrics {

  private PingMetrics() {}

  /** A recorder with {@link PingMeterOptions#defaults()}. */
  public static MicrometerPingRecorder recorder(MeterRegistry registry) {
    return recorder(registry, PingMeterOptions.defaults());
  }

  /** A recorder that makes per-target meters in {@code registry} as {@code options} say. */
  public static MicrometerPingRecorder recorder(MeterRegistry registry, PingMeterOptions options) {
    return new MicrometerPingRecorder(registry, options);
  }

  /** An operator that records each result of a {@code Flux} with a default recorder. */
  public static Function<Flux<PingResult>, Flux<PingResult>> record(MeterRegistry registry) {
    return record(recorder(registry));
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
