package io.pingstream.internal.engine;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Monotonic send timestamps that are unique per engine, so each one also names its probe, and
 * their wall-clock equivalent. Not API.
 */
final class ProbeClock {

  private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
  private final long nanoBase = System.nanoTime();
  private final Instant wallBase = Instant.now();

  /** {@link System#nanoTime()}, bumped by at least 1 past the previous timestamp. */
  long next() {
    long now = System.nanoTime();
    while (true) {
      long previous = last.get();
      long candidate = Math.max(now, previous + 1);
      if (last.compareAndSet(previous, candidate)) {
        return candidate;
      }
    }
  }

  Instant toInstant(long nanoTime) {
    return wallBase.plusNanos(nanoTime - nanoBase);
  }
}
