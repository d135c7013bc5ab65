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
 * that state, not its own. A target's meters are registered and removed under its registry's
 * lock ({@link #lock}), with its state. Weakly keyed by registry.
 */
final class GaugeStates {

  /** One target's loss window and latest reply TTL, until its meters leave the registry. */
  static final class TargetState {
    final LossWindow loss;
    /** -1 before the first reply. */
    final AtomicInteger replyTtl = new AtomicInteger(-1);
    /** Set once the meters left the registry, by whichever recorder removed them. */
    private volatile boolean removed;

    TargetState(int lossWindow) {
      loss = new LossWindow(lossWindow);
    }

    boolean isRemoved() {
      return removed;
    }
  }

  private static final Map<MeterRegistry, ConcurrentMap<Tags, TargetState>> BY_REGISTRY =
      Collections.synchronizedMap(new WeakHashMap<>());

  private GaugeStates() {}

  /** What to hold while registering or removing a target's meters in {@code registry}. */
  static Object lock(MeterRegistry registry) {
    return states(registry);
  }

  /** Under {@link #lock}: the live state of the target with {@code tags}, made if there is none. */
  static TargetState of(MeterRegistry registry, Tags tags, int lossWindow) {
    return states(registry).computeIfAbsent(tags, t -> new TargetState(lossWindow));
  }

  /** Under {@link #lock}, once the target's meters left {@code registry}: the state is done. */
  static void removed(MeterRegistry registry, Tags tags, TargetState state) {
    state.removed = true;
    states(registry).remove(tags, state);
  }

  private static ConcurrentMap<Tags, TargetState> states(MeterRegistry registry) {
    return BY_REGISTRY.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
  }
}
