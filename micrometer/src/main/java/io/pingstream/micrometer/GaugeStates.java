package io.pingstream.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state behind each target's gauges, one per registry and target. A registry hands every
 * recorder the gauge registered first, which reads the state it was registered with: a second
 * recorder of the same registry (an operator assembled per request, two engines) must update
 * that state, not its own. Weakly keyed by registry; a target's state leaves with its meters.
 */
final class GaugeStates {

  /** The loss window and the latest reply TTL (-1 before the first reply) of one target. */
  record TargetState(LossWindow loss, AtomicInteger replyTtl) {}

  private static final Map<MeterRegistry, ConcurrentMap<Tags, TargetState>> BY_REGISTRY =
      Collections.synchronizedMap(new WeakHashMap<>());

  private GaugeStates() {}

  /** The state of the target with {@code tags} in {@code registry}, made with {@code lossWindow} if new. */
  static TargetState of(MeterRegistry registry, Tags tags, int lossWindow) {
    return states(registry).computeIfAbsent(tags, t -> new TargetState(new LossWindow(lossWindow), new AtomicInteger(-1)));
  }

  /** Forgets the state of a target whose meters left {@code registry}. */
  static void remove(MeterRegistry registry, Tags tags) {
    states(registry).remove(tags);
  }

  private static ConcurrentMap<Tags, TargetState> states(MeterRegistry registry) {
    return BY_REGISTRY.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
  }
}
