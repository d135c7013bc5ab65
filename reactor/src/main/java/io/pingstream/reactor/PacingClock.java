package io.pingstream.reactor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * Fires the ticks of many paced streams from one timer. Each wake-up fires every tick that is
 * due, and wake-ups come at most once per {@code slack}: N targets at one probe per second cost
 * about {@code 1 s / slack} wake-ups a second instead of N, and their probes leave in batches, so
 * the engine's receive thread also wakes once per batch rather than once per reply.
 *
 * <p>A tick fires at its due time or at most {@code slack} later; due times advance by the
 * interval, not from the firing time, so the average rate is exact. Ticks, and tasks given to
 * {@link #execute}, run one at a time on one worker of the scheduler; a ticker's ticks come in
 * order and never overlap.
 */
final class PacingClock {

  /** The longest delay that batching may add to a tick. */
  static final Duration MAX_SLACK = Duration.ofMillis(10);

  private final Timebase time;
  private final Scheduler.Worker worker;
  private final long slackNanos;

  // Guarded by this.
  private final TimingWheel wheel;
  private long lastWake = Long.MIN_VALUE / 2;
  private long wakeAt = Long.MAX_VALUE;
  /** Identifies the one wake-up that is current; earlier ones that were overtaken do nothing. */
  private long wakeId;

  // Confined to the worker.
  private final List<Ticker> firing = new ArrayList<>();

  PacingClock(Timebase time, Duration slack) {
    this.time = time;
    this.worker = time.scheduler().createWorker();
    this.slackNanos = slack.toNanos();
    if (Long.bitCount(slackNanos) != 1) {
      throw new IllegalArgumentException("slack must be a power of two nanoseconds, was " + slack);
    }
    this.wheel = new TimingWheel(Long.numberOfTrailingZeros(slackNanos));
  }

  /**
   * The batching slack for streams with {@code interval}: an eighth of the interval, at most
   * {@link #MAX_SLACK}, rounded down to a power of two nanoseconds so that streams of similar
   * intervals share a clock.
   */
  static Duration slack(Duration interval) {
    long nanos = Math.min(MAX_SLACK.toNanos(), interval.toNanos() / 8);
    return Duration.ofNanos(Long.highestOneBit(Math.max(1, nanos)));
  }

  /**
   * Calls {@code tick} every {@code interval} on the clock's worker, first after {@code offset},
   * until the returned ticker is cancelled.
   */
  Ticker schedule(Duration offset, Duration interval, Tick tick) {
    var ticker = new Ticker(interval.toNanos(), tick);
    synchronized (this) {
      long now = time.now();
      ticker.due = now + offset.toNanos();
      wheel.add(ticker, now);
      scheduleWake();
    }
    return ticker;
  }

  /** Tickers held, for tests: a cancelled one stays until its slot comes round (one interval). */
  synchronized int tickers() {
    return wheel.size();
  }

  /** Runs {@code task} on the clock's worker, after any tick that runs now. */
  void execute(Runnable task) {
    worker.schedule(task);
  }

  // Guarded by this.
  private void scheduleWake() {
    if (wheel.isEmpty()) {
      return;
    }
    long at = Math.max(wheel.earliestDue(), lastWake + slackNanos);
    if (at < wakeAt) {
      // The wake-up scheduled before stays and finds itself overtaken: disposing it could
      // interrupt a thread that is firing ticks.
      wakeAt = at;
      long id = ++wakeId;
      worker.schedule(() -> wake(id), Math.max(0, at - time.now()), TimeUnit.NANOSECONDS);
    }
  }

  private void wake(long id) {
    long now;
    synchronized (this) {
      if (id != wakeId) {
        return;
      }
      now = time.now();
      lastWake = now;
      wakeAt = Long.MAX_VALUE;
      wheel.takeDue(now, firing);
    }
    try {
      for (Ticker ticker : firing) {
        if (!ticker.cancelled) {
          ticker.fire(now);
        }
      }
    } finally {
      // Even after a fatal error from a tick: the other streams' tickers go back on the clock.
      synchronized (this) {
        for (Ticker ticker : firing) {
          if (!ticker.cancelled) {
            wheel.add(ticker, now);
          }
        }
        scheduleWake();
      }
      firing.clear();
    }
  }

  /** What a ticker runs. */
  @FunctionalInterface
  interface Tick {

    /**
     * One tick, on the clock's worker.
     *
     * @param missed ticks that came due since the last one and were not fired, as after a pause
     *     of the JVM longer than the interval; they are not fired late, in a burst
     */
    void fire(long missed);
  }

  /** The ticks of one stream. */
  static final class Ticker {

    private final long intervalNanos;
    /** Null once cancelled: the wheel may hold a cancelled ticker until its slot comes round. */
    private volatile @Nullable Tick tick;
    // Guarded by the clock, except in fire, while the wheel does not hold the ticker.
    long due;
    /** The next ticker in the same slot of the wheel. */
    Ticker next;
    volatile boolean cancelled;

    private Ticker(long intervalNanos, Tick tick) {
      this.intervalNanos = intervalNanos;
      this.tick = tick;
    }

    /** Stops the ticks: none fires after this returns, unless one is firing now. */
    void cancel() {
      cancelled = true;
      tick = null;
    }

    private void fire(long now) {
      long missed = (now - due) / intervalNanos;
      due += (missed + 1) * intervalNanos;
      Tick current = tick;
      if (current == null) {
        return;
      }
      try {
        current.fire(missed);
      } catch (Throwable error) {
        // One stream's failure must not stop the others' clock.
        Exceptions.throwIfJvmFatal(error);
        cancel();
        Operators.onErrorDropped(error, Context.empty());
      }
    }
  }
}
