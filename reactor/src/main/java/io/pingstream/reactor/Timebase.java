package io.pingstream.reactor;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import reactor.core.scheduler.Scheduler;

/**
 * Where paced streams take their time from: a scheduler to wait on and a monotonic clock in
 * nanoseconds to measure with.
 *
 * <p>{@link Scheduler#now} is the wall clock with millisecond resolution on Reactor's real
 * schedulers: a clock step would stall the pacing or burst it. So the clock is {@link
 * System#nanoTime()}, except on reactor-test's virtual time, whose own clock is the only one that
 * moves there.
 *
 * @param scheduler runs the timers
 * @param nanoTime monotonic now, in nanoseconds
 */
record Timebase(Scheduler scheduler, LongSupplier nanoTime) {

  private static final String VIRTUAL_TIME = "reactor.test.scheduler.VirtualTimeScheduler";

  /** The timebase of {@code scheduler}. */
  static Timebase of(Scheduler scheduler) {
    if (unwrap(scheduler).getClass().getName().equals(VIRTUAL_TIME)) {
      return new Timebase(scheduler, () -> scheduler.now(TimeUnit.NANOSECONDS));
    }
    return new Timebase(scheduler, System::nanoTime);
  }

  /**
   * The scheduler behind Reactor's cached ones: under virtual time, {@code Schedulers.parallel()}
   * is a cache entry that wraps the virtual-time scheduler.
   */
  private static Scheduler unwrap(Scheduler scheduler) {
    Scheduler current = scheduler;
    while (current instanceof Supplier<?> cache && cache.get() instanceof Scheduler inner && inner != current) {
      current = inner;
    }
    return current;
  }

  /** Now, in nanoseconds of an arbitrary origin. */
  long now() {
    return nanoTime.getAsLong();
  }
}
