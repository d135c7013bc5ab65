package io.pingstream.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.pingstream.PingOutcome;
import io.pingstream.PingRecorder;
import io.pingstream.PingResult;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link PingRecorder} that keeps per-target meters in a {@link MeterRegistry}: the RTT timer,
 * counters of sends, replies, timeouts, errors by kind and duplicates, the loss gauge and the
 * latest reply TTL. Names and tags are in {@link PingMeterNames}.
 *
 * <p>Each target has its own series: watch the cardinality. Meters of a target disappear when
 * {@link #targetRemoved(InetAddress)} is called (the Reactor API's dynamic target streams do
 * it), so that long-running applications with changing targets do not leak series. To meter only
 * some of an engine's targets, give the engine a recorder that passes on only theirs. A filter
 * such as {@code MeterFilter.maximumAllowableTags("ping", "target", 10_000, MeterFilter.deny())}
 * caps the series too, but it counts every address it ever saw, removed or not: once full, it
 * refuses new ones for good.
 *
 * <p>Recorders of one registry share its series (and the state of its gauges, whose loss window
 * is the first recorder's): a target's series removed through one recorder are gone for all, and
 * the next probe any of them records makes them again. They must also make {@code ping.rtt}
 * alike, for every target: the first recorder made for a registry settles, for as long as the
 * registry lives, whether its timer publishes a percentile histogram, from which RTT, and which
 * SLO buckets; a later one whose options ask for others is refused (see {@link
 * PingMetrics#recorder(MeterRegistry, PingMeterOptions)}). A Prometheus scrape fails on a timer
 * that is a histogram for some targets and not for others.
 *
 * <pre>{@code
 * MicrometerPingRecorder recorder = PingMetrics.recorder(registry);
 * PingEngine engine = PingEngine.create(PingOptions.defaults().recorder(recorder));
 * }</pre>
 */
public final class MicrometerPingRecorder implements PingRecorder {

  private final MeterRegistry registry;
  private final PingMeterOptions options;
  private final ConcurrentMap<Target, TargetMeters> targets = new ConcurrentHashMap<>();

  MicrometerPingRecorder(MeterRegistry registry, PingMeterOptions options) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.options = Objects.requireNonNull(options, "options");
    RttDistribution.require(registry, options);
  }

  @Override
  public void recordSent(InetAddress target) {
    meters(target).sent();
  }

  @Override
  public void recordResult(PingResult result) {
    if (result.outcome() == PingOutcome.DUPLICATE) {
      // A duplicate comes at any time after its reply, even after the target was removed: it
      // must not bring the target's series back.
      TargetMeters meters = targets.get(Target.of(result.target()));
      if (meters != null && !meters.isRemoved()) {
        meters.record(result);
      }
      return;
    }
    meters(result.target()).record(result);
  }

  @Override
  public void targetRemoved(InetAddress target) {
    // Under the map's lock for the target: a send recorded meanwhile waits, then registers new
    // meters, where it would otherwise get the old ones back from the registry, just before they
    // leave it.
    targets.computeIfPresent(Target.of(target), (t, removed) -> {
      removed.remove();
      return null;
    });
  }

  /**
   * How many targets have meters through this recorder: those it made or found in the registry,
   * less those removed since, through it or another recorder of the registry. Forgets the latter.
   */
  public int targetCount() {
    // Removes only entries still holding removed meters: one replaced meanwhile stays.
    targets.values().removeIf(TargetMeters::isRemoved);
    return targets.size();
  }

  private TargetMeters meters(InetAddress address) {
    Target target = Target.of(address);
    TargetMeters meters = targets.get(target);
    if (meters != null && !meters.isRemoved()) {
      return meters;
    }
    // New, or removed by another recorder of the registry: these meters would no longer count.
    return targets.compute(target, (t, old) -> old != null && !old.isRemoved() ? old : new TargetMeters(registry, address, options));
  }

  /**
   * A target as a key: {@link Inet6Address#equals} ignores the scope, yet {@code fe80::1%eth0}
   * and {@code fe80::1%eth1} are two targets with two series.
   */
  private record Target(InetAddress address, int scope) {

    static Target of(InetAddress address) {
      return new Target(address, address instanceof Inet6Address v6 ? v6.getScopeId() : 0);
    }
  }
}
