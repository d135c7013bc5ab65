package io.pingstream.internal.engine;

import io.pingstream.PingResult;
import io.pingstream.internal.engine.Counters.Event;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The probes waiting for their outcome, keyed by token, and their deadlines. Not API.
 *
 * <p>Senders register probes from any thread. Deadlines live in one {@link DeadlineQueue} per
 * distinct timeout (there are few), each ordered by construction; the receive loop expires what
 * is due and wakes only when a new deadline comes before the one it sleeps until, so there is no
 * timer per probe. A probe leaves the table as soon as it has its outcome.
 */
final class ProbeTable {

  final ProbeClock clock = new ProbeClock();
  private final Counters counters;
  /** Where every outcome goes: the recorder and the results flux. */
  private final Consumer<PingResult> publisher;
  private final ConcurrentHashMap<Long, PendingProbe> byToken = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, DeadlineQueue> deadlines = new ConcurrentHashMap<>();
  /**
   * Deadline queues the table keeps, empty or not. Beyond them it drops each queue that is empty
   * (but the last one used): a caller whose every probe has its own timeout would otherwise leave
   * a queue behind per probe. With more timeouts in steady use than this, a queue that empties is
   * made again by the next probe that needs it.
   */
  static final int KEPT_QUEUES = 8;
  /** The queue of the last timeout used: most probes share one, and this spares a lookup. */
  private volatile @Nullable DeadlineQueue lastQueue;
  /** Receive loop only: tokens taken from the deadline queues, per turn. */
  private final long[] due = new long[1024];
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
    try {
      byToken.put(probe.token, probe);
    } catch (Throwable e) { // e.g. no memory for the map's node: the probe is not in the table
      inFlight.decrementAndGet();
      throw e;
    }
  }

  /**
   * Hands a sent probe's deadline to the receive loop.
   *
   * @return true when the loop must be woken to honour it
   */
  boolean schedule(PendingProbe probe) {
    long timeout = probe.settings.timeout().toNanos();
    DeadlineQueue queue = lastQueue;
    if (queue == null || queue.timeoutNanos != timeout) {
      queue = queueFor(timeout);
    }
    while (!queue.add(probe.token)) {
      deadlines.remove(timeout, queue); // retired by the receive loop as we took it
      queue = queueFor(timeout);
    }
    return probe.token + timeout < wakeAt;
  }

  private DeadlineQueue queueFor(long timeout) {
    DeadlineQueue queue = deadlines.computeIfAbsent(timeout, DeadlineQueue::new);
    lastQueue = queue;
    return queue;
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
    byToken.remove(probe.token, probe);
    counters.add(event);
    inFlight.decrementAndGet();
    try {
      publisher.accept(result);
    } finally {
      probe.settle(result); // whatever the publisher threw, the probe is no longer in the table
    }
    return true;
  }

  /** Drops a probe whose future is being cancelled (it has claimed itself). */
  void cancelled(PendingProbe probe) {
    byToken.remove(probe.token, probe);
    inFlight.decrementAndGet();
  }

  /**
   * Completes a probe exceptionally, e.g. on close, unless it is already done; also one that
   * failed before it was registered.
   */
  void abort(PendingProbe probe, Throwable cause) {
    if (probe.claim()) {
      if (byToken.remove(probe.token, probe)) { // else it was never registered
        inFlight.decrementAndGet();
      }
      probe.fail(cause);
    }
  }

  /** Completes a probe whose send failed with {@code result}. */
  void failed(PendingProbe probe, PingResult result) {
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
   * Times out the probes due at {@code now} and returns the next deadline, or {@link
   * Long#MAX_VALUE} when none is pending.
   */
  long expire(long now, Consumer<PendingProbe> onTimeout) {
    long next = Long.MAX_VALUE;
    for (DeadlineQueue queue : deadlines.values()) {
      int taken;
      do {
        taken = queue.takeDue(now, due);
        for (int i = 0; i < taken; i++) {
          PendingProbe probe = byToken.get(due[i]);
          if (probe != null) { // else answered, failed or cancelled already
            onTimeout.accept(probe);
          }
        }
      } while (taken == due.length);
      long queueNext = queue.nextDeadline();
      if (queueNext == Long.MAX_VALUE && deadlines.size() > KEPT_QUEUES && queue != lastQueue && queue.retireIfEmpty()) {
        deadlines.remove(queue.timeoutNanos, queue);
      }
      next = Math.min(next, queueNext);
    }
    return next;
  }

  /** How many deadline queues the table holds, for tests. */
  int deadlineQueues() {
    return deadlines.size();
  }

  /**
   * Records the deadline the loop is about to sleep until.
   *
   * @return false if an earlier deadline arrived meanwhile, so the loop must not sleep yet
   */
  boolean sleepUntil(long deadline) {
    wakeAt = deadline;
    // Senders add, then read wakeAt; we write wakeAt, then look again: one of us sees the other.
    for (DeadlineQueue queue : deadlines.values()) {
      if (queue.nextDeadline() < deadline) {
        return false;
      }
    }
    return true;
  }

  /** Aborts every probe with {@code cause}, for close. */
  void abortAll(Throwable cause) {
    for (PendingProbe probe : byToken.values()) {
      abort(probe, cause);
    }
    deadlines.values().forEach(DeadlineQueue::clear);
  }
}
