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
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The targets of a running multi-target stream. Each new set of targets is compared with the
 * running ones: removed targets are told to stop, added ones get a start offset. A target added
 * again while its removal is not reported yet (its last probe's outcome still being recorded)
 * starts once it is, so that the report never removes what the new stream recorded. Not
 * thread-safe: updates come one at a time, in the order of the target sets.
 */
final class TargetSet {

  private final Duration interval;
  private final Map<TargetKey, Start> running = new HashMap<>();
  /** Removed targets whose removal is not reported yet; emptied from the reporting threads. */
  private final Map<TargetKey, Sinks.Empty<Void>> leaving = new ConcurrentHashMap<>();

  TargetSet(Duration interval) {
    this.interval = interval;
  }

  /**
   * Stops the targets missing from {@code targets} and returns the targets to start, in the order
   * of {@code targets}, without duplicates. The {@code k} targets added by one update start at
   * offsets {@code j * interval / k}, spreading their probes evenly over the interval. Targets
   * are told apart as {@link TargetKey}s: by scope too, an IPv4-mapped address as its IPv4 one.
   */
  List<Start> update(Collection<? extends InetAddress> targets) {
    Objects.requireNonNull(targets, "targets");
    Set<TargetKey> wanted = new LinkedHashSet<>();
    for (InetAddress target : targets) {
      wanted.add(TargetKey.of(Objects.requireNonNull(target, "targets must not contain null")));
    }
    var stopped = running.entrySet().iterator();
    while (stopped.hasNext()) {
      var entry = stopped.next();
      if (!wanted.contains(entry.getKey())) {
        stopped.remove();
        leave(entry.getKey(), entry.getValue());
      }
    }
    List<TargetKey> added = new ArrayList<>();
    for (TargetKey target : wanted) {
      if (!running.containsKey(target)) {
        added.add(target);
      }
    }
    List<Start> starts = new ArrayList<>(added.size());
    for (int j = 0; j < added.size(); j++) {
      TargetKey target = added.get(j);
      Sinks.Empty<Void> previous = leaving.get(target);
      var start = new Start(target.address(), interval.multipliedBy(j).dividedBy(added.size()), Sinks.one(),
          previous == null ? Mono.empty() : previous.asMono(), Sinks.empty());
      running.put(target, start);
      starts.add(start);
    }
    return starts;
  }

  private void leave(TargetKey target, Start start) {
    Sinks.Empty<Void> reported = start.reported();
    leaving.put(target, reported);
    reported.asMono().subscribe(null, null, () -> leaving.remove(target, reported));
    start.stopSignal().tryEmitValue(Boolean.TRUE);
  }

  /** The targets running now. */
  List<InetAddress> running() {
    return running.values().stream().map(Start::target).toList();
  }

  /**
   * A target to start.
   *
   * @param target the address
   * @param offset when its first probe is due, from now
   * @param stopSignal emits when the target is removed
   * @param after completes when the target's previous stream, if it was removed just before, has
   *     reported its removal: the new stream starts then
   * @param reported to complete once this stream's removal is reported
   */
  record Start(InetAddress target, Duration offset, Sinks.One<Boolean> stopSignal, Mono<Void> after, Sinks.Empty<Void> reported) {

    /** Emits when the target is removed. */
    Mono<Boolean> stop() {
      return stopSignal.asMono();
    }
  }
}
