package io.pingstream.reactor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Admits the probes of one stream under its rate limit and in-flight limit, first come first
 * served.
 *
 * <p>Each target stream has a {@link Lane} and asks for at most one admission at a time, so the
 * queue holds at most one request per target: when the limits bite, targets take turns instead
 * of the earliest ones starving the others, and nothing piles up. A permit is held from
 * admission until the probe's result (or cancellation) and counts against the in-flight limit.
 *
 * <p>The rate limit spaces admissions {@code 1 s / rate} apart and earns no burst while idle.
 * Time comes from the stream's {@link Timebase}, so virtual time drives it in tests.
 */
final class Admission {

  private final long periodNanos;
  private final int maxInFlight;
  private final Timebase time;

  // Guarded by this.
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private int inFlight;
  private long nextSlot = Long.MIN_VALUE;
  private boolean wakeupScheduled;
  private boolean closed;

  /**
   * @param rateLimit probes per second, 0 for none
   * @param maxInFlight permits held at once, 0 for none
   */
  Admission(int rateLimit, int maxInFlight, Timebase time) {
    this.periodNanos = rateLimit == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rateLimit;
    this.maxInFlight = maxInFlight == 0 ? Integer.MAX_VALUE : maxInFlight;
    this.time = time;
  }

  /** Whether there is any limit to apply; without one, streams need not ask. */
  boolean limits() {
    return periodNanos > 0 || maxInFlight < Integer.MAX_VALUE;
  }

  /** A lane for one target stream; close it when the stream ends. */
  Lane lane() {
    return new Lane();
  }

  /**
   * Admits nothing more. Called when the whole stream is torn down, before its target streams are
   * cancelled one by one: the slots the first ones free must not go to the others' waiters.
   */
  void close() {
    synchronized (this) {
      closed = true;
      queue.clear();
    }
  }

  /** Permits held now. */
  synchronized int inFlight() {
    return inFlight;
  }

  private void drain() {
    List<Grant> granted = new ArrayList<>();
    synchronized (this) {
      while (!closed && !queue.isEmpty() && inFlight < maxInFlight) {
        if (periodNanos > 0) {
          long now = time.now();
          if (nextSlot != Long.MIN_VALUE && now < nextSlot) {
            scheduleWakeup(nextSlot - now);
            break;
          }
          // A wakeup that comes a little late keeps the average rate; after a pause, start afresh.
          boolean late = nextSlot != Long.MIN_VALUE && now - nextSlot < periodNanos;
          nextSlot = (late ? nextSlot : now) + periodNanos;
        }
        Waiter waiter = queue.poll();
        Permit permit = new Permit(waiter.lane);
        waiter.lane.held.add(permit);
        inFlight++;
        granted.add(new Grant(waiter.sink, permit));
      }
    }
    // Outside the lock: granting runs the subscriber's code, which sends the probe.
    granted.forEach(grant -> grant.sink().success(grant.permit()));
  }

  private void scheduleWakeup(long delayNanos) {
    if (!wakeupScheduled) {
      wakeupScheduled = true;
      time.scheduler().schedule(this::wakeup, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void wakeup() {
    synchronized (this) {
      wakeupScheduled = false;
    }
    drain();
  }

  /** Frees a permit. Drains on the timer, not here: this runs on the engine's receive thread. */
  private void release(Permit permit) {
    boolean waiting;
    synchronized (this) {
      if (permit.released) {
        return;
      }
      permit.released = true;
      permit.lane.held.remove(permit);
      inFlight--;
      waiting = !queue.isEmpty();
    }
    if (waiting) {
      time.scheduler().schedule(this::drain);
    }
  }

  /** One target stream's access to the admission. */
  final class Lane {

    // Guarded by Admission.this.
    private final Set<Permit> held = new HashSet<>();
    private boolean closed;

    private Lane() {}

    /**
     * A {@code Mono} that joins the queue when requested (not merely subscribed: a stream without
     * demand must not hold a slot) and emits a permit once admitted. Cancelling it leaves the
     * queue.
     */
    Mono<Permit> admit() {
      return Mono.create(sink -> {
        Waiter waiter = new Waiter(this, sink);
        sink.onCancel(() -> withdraw(waiter));
        sink.onRequest(n -> enqueue(waiter));
      });
    }

    private void enqueue(Waiter waiter) {
      synchronized (Admission.this) {
        if (waiter.queued || closed || Admission.this.closed) {
          return;
        }
        waiter.queued = true;
        queue.add(waiter);
      }
      drain();
    }

    private void withdraw(Waiter waiter) {
      synchronized (Admission.this) {
        queue.remove(waiter);
      }
    }

    /**
     * Leaves the queue and frees the permits this lane still holds, including one granted while
     * the stream was being cancelled and never used.
     */
    void close() {
      List<Permit> leftover;
      synchronized (Admission.this) {
        closed = true;
        queue.removeIf(waiter -> waiter.lane == this);
        leftover = new ArrayList<>(held);
      }
      leftover.forEach(Permit::release);
    }
  }

  /** The right to have one probe in flight; release it once the probe is done. */
  final class Permit {

    private final Lane lane;
    // Guarded by Admission.this.
    private boolean released;

    private Permit(Lane lane) {
      this.lane = lane;
    }

    /** Frees the slot. Idempotent. */
    void release() {
      Admission.this.release(this);
    }
  }

  private record Grant(MonoSink<Permit> sink, Permit permit) {}

  private final class Waiter {

    final Lane lane;
    final MonoSink<Permit> sink;
    // Guarded by Admission.this.
    boolean queued;

    Waiter(Lane lane, MonoSink<Permit> sink) {
      this.lane = lane;
      this.sink = sink;
    }
  }
}
