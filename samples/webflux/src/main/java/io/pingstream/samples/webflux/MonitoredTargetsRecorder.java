package io.pingstream.samples.webflux;

import io.micrometer.core.instrument.MeterRegistry;
import io.pingstream.PingRecorder;
import io.pingstream.PingResult;
import io.pingstream.micrometer.PingMeterOptions;
import io.pingstream.micrometer.PingMetrics;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The engine's recorder: passes on only the probes of the addresses the {@link TargetMonitor}
 * watches, so that the app's series are those of its configured targets (a client's ping of a
 * configured address counts in its series too). A client's ping of any other host adds no
 * series; without this, every address ever asked for would keep one for as long as the app runs.
 *
 * <p>Each record is passed on under the map's lock for its address, the same lock {@link
 * #forget} takes: a probe recorded while its address is forgotten cannot bring the series back
 * after they were removed.
 */
public final class MonitoredTargetsRecorder implements PingRecorder {

  private static final Function<InetAddress, String> DEFAULT_NAME = PingMeterOptions.defaults().label();

  private final PingRecorder meters;
  /**
   * The watched addresses, each with the name the monitor resolved it from. Keyed by address,
   * whose {@code equals} ignores an IPv6 scope: a probe counts only if its scope matches too.
   */
  private final ConcurrentHashMap<InetAddress, Watched> monitored;

  /** A watched address, as the monitor pings it (with its scope), and its name. */
  private record Watched(InetAddress address, String name) {

    boolean isProbed(InetAddress target) {
      return scope(target) == scope(address); // else ::1%7 would add series for every 7
    }

    private static int scope(InetAddress address) {
      return address instanceof Inet6Address v6 ? v6.getScopeId() : 0;
    }
  }

  /** Passes the monitored targets' probes on to {@code meters} as they are; see {@link #metering}. */
  MonitoredTargetsRecorder(PingRecorder meters) {
    this(meters, new ConcurrentHashMap<>());
  }

  private MonitoredTargetsRecorder(PingRecorder meters, ConcurrentHashMap<InetAddress, Watched> monitored) {
    this.meters = Objects.requireNonNull(meters, "meters");
    this.monitored = monitored;
  }

  /**
   * Meters in {@code registry} whose {@code name} tag is the name the monitor pings an address
   * by, whoever's probe creates them: a client pinging a configured address by another name
   * does not rename its series.
   */
  public static MonitoredTargetsRecorder metering(MeterRegistry registry) {
    var monitored = new ConcurrentHashMap<InetAddress, Watched>();
    Function<InetAddress, String> name = address -> {
      Watched watched = monitored.get(address);
      return watched != null ? watched.name() : DEFAULT_NAME.apply(address);
    };
    return new MonitoredTargetsRecorder(PingMetrics.recorder(registry, PingMeterOptions.defaults().label(name)), monitored);
  }

  /** Starts metering {@code targets}; called before their first probe is sent. */
  void monitor(Collection<InetAddress> targets) {
    targets.forEach(target -> monitored.put(target, new Watched(target, DEFAULT_NAME.apply(target))));
  }

  /** Whether {@code target}'s probes are metered. */
  boolean isMonitored(InetAddress target) {
    Watched watched = monitored.get(target);
    return watched != null && watched.isProbed(target);
  }

  @Override
  public void recordSent(InetAddress target) {
    monitored.computeIfPresent(target, (address, watched) -> {
      if (watched.isProbed(target)) {
        meters.recordSent(watched.address());
      }
      return watched;
    });
  }

  @Override
  public void recordResult(PingResult result) {
    monitored.computeIfPresent(result.target(), (address, watched) -> {
      if (watched.isProbed(result.target())) {
        meters.recordResult(result);
      }
      return watched;
    });
  }

  /** Stops metering {@code target} and removes its series; a result of it recorded later adds none. */
  void forget(InetAddress target) {
    monitored.computeIfPresent(target, (address, watched) -> {
      meters.targetRemoved(watched.address());
      return null;
    });
  }

  /** Stops metering every address and removes their series. */
  void forgetAll() {
    monitored.keySet().forEach(this::forget);
  }

  /**
   * A stream reports that it stopped pinging {@code target}: its series go, unless the monitor
   * watches the address (still, or again: a name that moved away and back), whose stream feeds
   * them; {@link #forget} removes those.
   */
  @Override
  public void targetRemoved(InetAddress target) {
    monitored.compute(target, (address, watched) -> {
      if (watched == null) {
        meters.targetRemoved(address);
      }
      return watched;
    });
  }
}
