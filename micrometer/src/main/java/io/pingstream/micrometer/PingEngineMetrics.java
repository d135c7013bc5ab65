package io.pingstream.micrometer;

import static io.pingstream.micrometer.PingMeterNames.*;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pingstream.EngineStats;
import io.pingstream.IpFamily;
import io.pingstream.PingEngine;
import io.pingstream.SocketMode;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * The engine's own meters: probes in flight, packets dropped by reason, and the socket mode of
 * each family. Bind it once per engine:
 *
 * <pre>{@code
 * new PingEngineMetrics(engine).bindTo(registry);
 * }</pre>
 *
 * <p>The gauges keep a strong reference to the engine, so they report as long as the registry
 * holds them; close the engine and they report its final counts.
 */
public final class PingEngineMetrics implements MeterBinder {

  private final PingEngine engine;

  /** Meters for {@code engine}. */
  public PingEngineMetrics(PingEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder(ENGINE_IN_FLIGHT, engine, e -> e.stats().inFlight())
        .description("Probes waiting for their outcome")
        .strongReference(true)
        .register(registry);
    dropped(registry, "foreign", EngineStats::foreign);
    dropped(registry, "malformed", EngineStats::malformed);
    dropped(registry, "bad_checksum", EngineStats::badChecksums);
    dropped(registry, "late", EngineStats::late);
    dropped(registry, "other_icmp", EngineStats::otherIcmp);
    dropped(registry, "receive_buffer_full", EngineStats::receiveDropped);
    for (IpFamily family : IpFamily.values()) {
      for (SocketMode mode : SocketMode.values()) {
        Gauge.builder(ENGINE_SOCKET, engine, e -> e.socketMode(family).filter(mode::equals).isPresent() ? 1 : 0)
            .description("1 for the socket mode the family uses, 0 otherwise (both 0 until it opens)")
            .tag(TAG_FAMILY, family.name().toLowerCase(Locale.ROOT))
            .tag(TAG_MODE, mode.name().toLowerCase(Locale.ROOT))
            .strongReference(true)
            .register(registry);
      }
    }
  }

  private void dropped(MeterRegistry registry, String reason, ToLongFunction<EngineStats> count) {
    FunctionCounter.builder(ENGINE_DROPPED, engine, e -> count.applyAsLong(e.stats()))
        .description("Packets received and dropped, by reason")
        .tag(TAG_REASON, reason)
        .register(registry);
  }
}
