package io.pingstream.internal.engine;

import io.pingstream.PingResult;
import io.pingstream.internal.engine.Counters.Event;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The probes waiting for a reply, keyed by token, and their deadlines. Not API.
 *
 * <p>Senders register probes from any thread. The receive loop owns the deadline heap: new
 * deadlines reach it through a lock-free queue, and it wakes only when the earliest deadline
 * moves earlier, so there is no timer per probe. A replied probe stays in the table until its
 * deadline so that a second reply is recognised as a duplicate.
 */
final class ProbeTable {

  final ProbeClock clock = new ProbeClock();
  private final Counters counters;
  /** Where every outcome goes: the recorder and the results flux. */
  private final Consumer<PingResult> publisher;
  private final ConcurrentHashMap<Long, PendingProbe> byToken = new ConcurrentHashMap<>();
  private final Queue<PendingProbe> newDeadlines = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<PendingProbe> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
  private final AtomicLong inFlight = new AtomicLong();
  /** The deadline the receive loop sleeps until; earlier ones must wake it. */
  private volatile long wakeAt = Long.MAX_VALUE;

  ProbeTable(Counters counters, Consumer<PingResult> publisher) {
    this.counters = counters;
    this.publisher = publisher;
  }

  /** Publishes a stamped probe so that its reply can find it. */
  void register(PendingProbe probe) {
    inFlight.incrementAndGet();
    byToken.put(probe.token, probe);
  }

  /**
   * Hands a sent probe's deadline to the receive loop.
   *
   * @return true when the loop must be woken to honour it
   */
  boolean schedule(PendingProbe probe) {
    probe.deadline = probe.token + probe.settings.timeout().toNanos();
    newDeadlines.add(probe);
    return probe.deadline < wakeAt;
  }

  /**
   * Completes a probe with {@code result}, unless another outcome (e.g. a cancel) got there
   * first. Counts {@code event} and publishes the result before completing the future, so that
   * whoever sees the future done also sees the outcome in the counters and metrics.
   *
   * @return whether this call decided the outcome
   */
  boolean complete(PendingProbe probe, PingResult result, Event event) {
    if (!probe.claim()) {
      return false;
    }
    counters.add(event);
    inFlight.decrementAndGet();
    publisher.accept(result);
    probe.complete(result);
    return true;
  }

  /** Drops a probe whose future is being cancelled (it has claimed itself). */
  void cancelled(PendingProbe probe) {
    byToken.remove(probe.token, probe);
    inFlight.decrementAndGet();
  }

  /** Completes a probe exceptionally, e.g. on close, unless it is already done. */
  void abort(PendingProbe probe, Throwable cause) {
    byToken.remove(probe.token, probe);
    if (probe.claim()) {
      inFlight.decrementAndGet();
      probe.completeExceptionally(cause);
    }
  }

  /** Drops a probe whose send failed, completing it with {@code result}. */
  void failed(PendingProbe probe, PingResult result) {
    byToken.remove(probe.token, probe);
    complete(probe, result, Event.SEND_ERROR);
  }

  PendingProbe find(long token) {
    return byToken.get(token);
  }

  long inFlight() {
    return inFlight.get();
  }

  // ---- receive loop only ----

  /**
   * Moves new deadlines into the heap, times out the probes due at {@code now} and returns the
   * next deadline, or {@link Long#MAX_VALUE} when none is pending.
   */
  long expire(long now, Consumer<PendingProbe> onTimeout) {
    for (PendingProbe probe; (probe = newDeadlines.poll()) != null; ) {
      deadlines.add(probe);
    }
    for (PendingProbe head; (head = deadlines.peek()) != null && head.deadline <= now; ) {
      deadlines.poll();
      byToken.remove(head.token, head);
      if (!head.isDone()) {
        onTimeout.accept(head);
      }
    }
    PendingProbe head = deadlines.peek();
    return head == null ? Long.MAX_VALUE : head.deadline;
  }

  /**
   * Records the deadline the loop is about to sleep until.
   *
   * @return false if a deadline arrived meanwhile, so the loop must not sleep yet
   */
  boolean sleepUntil(long deadline) {
    wakeAt = deadline;
    return newDeadlines.isEmpty();
  }

  /** Aborts every probe with {@code cause}, for close. */
  void abortAll(Throwable cause) {
    for (PendingProbe probe : byToken.values()) {
      abort(probe, cause);
    }
    deadlines.clear();
    newDeadlines.clear();
  }
}
