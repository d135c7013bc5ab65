package io.pingstream.micrometer;

import static io.pingstream.micrometer.PingMeterNames.*;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pingstream.EngineStats;
import io.pingstream.IpFamily;
import io.pingstream.PingEngine;
import io.pingstream.SocketMode;
import java.util.ArrayList;
import java.util.List;
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
 * <p>A registry keeps one meter of a name and tags, the first registered: a second engine bound
 * with the same tags would get the first one's meters and report nothing of its own. Give each
 * engine of a registry tags of its own, as Micrometer's binders take them:
 *
 * <pre>{@code
 * new PingEngineMetrics(monitoring, Tags.of("engine", "monitoring")).bindTo(registry);
 * new PingEngineMetrics(onDemand, Tags.of("engine", "on_demand")).bindTo(registry);
 * }</pre>
 *
 * <p>The gauges keep a strong reference to the engine, so they report as long as the registry
 * holds them; close the engine and they report its final counts. They stay until removed: an
 * application that retires engines (one per tenant, say) closes their meters with them, as
 * Micrometer's own closeable binders do.
 *
 * <pre>{@code
 * engine.close();
 * metrics.close(); // removes the meters it registered from every registry it was bound to
 * }</pre>
 */
public final class PingEngineMetrics implements MeterBinder, AutoCloseable {

  private static final List<String> RESERVED_KEYS = List.of(TAG_REASON, TAG_FAMILY, TAG_MODE);

  private final PingEngine engine;
  private final Tags tags;
  /** What {@link #bindTo} registered, for {@link #close}. */
  private final List<Registered> registered = new ArrayList<>();

  /** Meters for {@code engine}, the one engine of the registries it is bound to. */
  public PingEngineMetrics(PingEngine engine) {
    this(engine, Tags.empty());
  }

  /**
   * Meters for {@code engine}, with {@code tags} on each: tags that tell it from the other
   * engines bound to the same registry.
   *
   * @throws IllegalArgumentException for a key the meters set themselves ({@code reason}, {@code
   *     family}, {@code mode}), which would silently replace the tag
   */
  public PingEngineMetrics(PingEngine engine, Iterable<Tag> tags) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    for (Tag tag : this.tags) {
      if (RESERVED_KEYS.contains(tag.getKey())) {
        throw new IllegalArgumentException("tag key '" + tag.getKey() + "' is set by the meters themselves; reserved: " + RESERVED_KEYS);
      }
    }
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    keep(registry, Gauge.builder(ENGINE_IN_FLIGHT, engine, e -> e.stats().inFlight())
        .description("Probes waiting for their outcome")
        .tags(tags)
        .strongReference(true)
        .register(registry));
    dropped(registry, "foreign", EngineStats::foreign);
    dropped(registry, "malformed", EngineStats::malformed);
    dropped(registry, "bad_checksum", EngineStats::badChecksums);
    dropped(registry, "late", EngineStats::late);
    dropped(registry, "other_icmp", EngineStats::otherIcmp);
    dropped(registry, "receive_buffer_full", EngineStats::receiveDropped);
    for (IpFamily family : IpFamily.values()) {
      for (SocketMode mode : SocketMode.values()) {
        keep(registry, Gauge.builder(ENGINE_SOCKET, engine, e -> e.socketMode(family).filter(mode::equals).isPresent() ? 1 : 0)
            .description("1 for the socket mode the family uses, 0 otherwise (both 0 until it opens)")
            .tags(tags)
            .tag(TAG_FAMILY, family.name().toLowerCase(Locale.ROOT))
            .tag(TAG_MODE, mode.name().toLowerCase(Locale.ROOT))
            .strongReference(true)
            .register(registry));
      }
    }
  }

  private void dropped(MeterRegistry registry, String reason, ToLongFunction<EngineStats> count) {
    keep(registry, FunctionCounter.builder(ENGINE_DROPPED, engine, e -> count.applyAsLong(e.stats()))
        .description("Packets received and dropped, by reason")
        .tags(tags)
        .tag(TAG_REASON, reason)
        .register(registry));
  }

  /**
   * Removes the meters this binder registered from every registry it was bound to, and lets go
   * of them (their gauges hold the engine). Idempotent; binding again registers them anew.
   */
  @Override
  public void close() {
    List<Registered> bound;
    synchronized (registered) {
      bound = List.copyOf(registered);
      registered.clear();
    }
    bound.forEach(each -> each.registry.remove(each.meter));
  }

  private void keep(MeterRegistry registry, Meter meter) {
    synchronized (registered) {
      registered.add(new Registered(registry, meter));
    }
  }

  private record Registered(MeterRegistry registry, Meter meter) {}
}
