package io.pingstream.reactor;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The targets of a running multi-target stream. Each new set of targets is compared with the
 * running ones: removed targets are told to stop, added ones get a start offset. Not thread-safe:
 * updates come one at a time, in the order of the target sets.
 */
final class TargetSet {

  private final Duration interval;
  private final Map<InetAddress, Sinks.One<Boolean>> running = new HashMap<>();

  TargetSet(Duration interval) {
    this.interval = interval;
  }

  /**
   * Stops the targets missing from {@code targets} and returns the targets to start, in the order
   * of {@code targets}, without duplicates. The {@code k} targets added by one update start at
   * offsets {@code j * interval / k}, spreading their probes evenly over the interval.
   */
  List<Start> update(Collection<? extends InetAddress> targets) {
    Objects.requireNonNull(targets, "targets");
    Set<InetAddress> wanted = new LinkedHashSet<>();
    for (InetAddress target : targets) {
      wanted.add(Objects.requireNonNull(target, "targets must not contain null"));
    }
    var stopped = running.entrySet().iterator();
    while (stopped.hasNext()) {
      var entry = stopped.next();
      if (!wanted.contains(entry.getKey())) {
        stopped.remove();
        entry.getValue().tryEmitValue(Boolean.TRUE);
      }
    }
    List<InetAddress> added = new ArrayList<>();
    for (InetAddress target : wanted) {
      if (!running.containsKey(target)) {
        added.add(target);
      }
    }
    List<Start> starts = new ArrayList<>(added.size());
    for (int j = 0; j < added.size(); j++) {
      Sinks.One<Boolean> stop = Sinks.one();
      running.put(added.get(j), stop);
      starts.add(new Start(added.get(j), interval.multipliedBy(j).dividedBy(added.size()), stop.asMono()));
    }
    return starts;
  }

  /** The targets running now. */
  Set<InetAddress> running() {
    return Set.copyOf(running.keySet());
  }

  /**
   * A target to start.
   *
   * @param target the address
   * @param offset when its first probe is due, from now
   * @param stop emits when the target is removed
   */
  record Start(InetAddress target, Duration offset, Mono<Boolean> stop) {}
}
