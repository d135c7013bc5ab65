package io.pingstream.samples.webflux;

import io.pingstream.PingRecorder;
import io.pingstream.PingResult;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's recorder: passes on only the probes of the addresses the {@link TargetMonitor}
 * watches, so that the app's meters are those of its configured targets. A client's ping of
 * any other host adds no series; without this, every address ever asked for would keep one for
 * as long as the app runs.
 */
public final class MonitoredTargetsRecorder implements PingRecorder {

  private final PingRecorder meters;
  private final Set<InetAddress> monitored = ConcurrentHashMap.newKeySet();

  /** Records the monitored targets' probes with {@code meters}. */
  public MonitoredTargetsRecorder(PingRecorder meters) {
    this.meters = Objects.requireNonNull(meters, "meters");
  }

  /** Starts metering {@code targets}; called before their first probe is sent. */
  void monitor(Collection<InetAddress> targets) {
    monitored.addAll(targets);
  }

  /** Whether {@code target}'s probes are metered. */
  boolean isMonitored(InetAddress target) {
    return monitored.contains(target);
  }

  @Override
  public void recordSent(InetAddress target) {
    if (monitored.contains(target)) {
      meters.recordSent(target);
    }
  }

  @Override
  public void recordResult(PingResult result) {
    if (monitored.contains(result.target())) {
      meters.recordResult(result);
    }
  }

  /** Stops metering {@code target} and removes its series; a late result of it adds none. */
  void forget(InetAddress target) {
    monitored.remove(target);
    meters.targetRemoved(target);
  }

  /**
   * A stream reports that it stopped pinging {@code target}: its series go, unless the monitor
   * watches the address again meanwhile (a name that moved away and back), whose new stream
   * feeds them.
   */
  @Override
  public void targetRemoved(InetAddress target) {
    if (!monitored.contains(target)) {
      meters.targetRemoved(target);
    }
  }
}
