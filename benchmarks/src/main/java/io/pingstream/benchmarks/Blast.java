package io.pingstream.benchmarks;

import io.pingstream.EngineStats;
import io.pingstream.PingEngine;
import io.pingstream.PingResult;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Sends probes round-robin over targets from one thread as fast as {@code ping()} (or {@code
 * pingEach()}) returns, keeping at most {@code window} unanswered, and waits for every outcome. Shared by {@link
 * Burst} and {@link Scale}.
 */
final class Blast {

  /** What one blast measured; engine counters are deltas over the blast. */
  record Outcome(int probes, long replies, long timeouts, long errors, long wallNanos, long receiveDropped, long late) {

    long lost() {
      return probes - replies;
    }

    double repliesPerSecond() {
      return replies / (wallNanos / 1e9);
    }
  }

  private Blast() {}

  /**
   * @param window most probes unanswered at once; 0 for no limit
   * @param maxWaitSeconds how long to wait for the last outcome after the last send
   */
  static Outcome run(PingEngine engine, InetAddress[] targets, int probes, int window, int maxWaitSeconds)
      throws InterruptedException {
    return run(engine, targets, probes, window, 1, maxWaitSeconds);
  }

  /**
   * @param batch probes per call: 1 calls {@code ping()} per probe, more {@code pingEach()}
   */
  static Outcome run(PingEngine engine, InetAddress[] targets, int probes, int window, int batch, int maxWaitSeconds)
      throws InterruptedException {
    var permits = new Semaphore(Math.max(window, 0));
    var done = new CountDownLatch(probes);
    var tally = new OutcomeTally();
    EngineStats before = engine.stats();
    long start = System.nanoTime();
    BiConsumer<PingResult, Throwable> onOutcome = (result, error) -> {
      tally.count(result, error);
      if (window > 0) {
        permits.release();
      }
      done.countDown();
    };
    var chunk = new ArrayList<InetAddress>(batch);
    for (int i = 0; i < probes; ) {
      int n = Math.min(batch, probes - i);
      if (window > 0) {
        n = Math.min(n, window);
        if (!permits.tryAcquire(n, maxWaitSeconds, TimeUnit.SECONDS)) {
          System.err.println("blast: no outcome for " + maxWaitSeconds + " s with the window full; stopped at probe " + i);
          break;
        }
      }
      if (n == 1) {
        engine.ping(targets[i % targets.length]).whenComplete(onOutcome);
      } else {
        chunk.clear();
        for (int k = 0; k < n; k++) {
          chunk.add(targets[(i + k) % targets.length]);
        }
        for (var future : engine.pingEach(chunk)) {
          future.whenComplete(onOutcome);
        }
      }
      i += n;
    }
    if (!done.await(maxWaitSeconds, TimeUnit.SECONDS)) {
      System.err.println("blast: " + done.getCount() + " probes without an outcome after " + maxWaitSeconds + " s");
    }
    long wall = System.nanoTime() - start;
    EngineStats after = engine.stats();
    return new Outcome(probes, tally.replies.sum(), tally.timeouts.sum(), tally.errors.sum(), wall,
        after.receiveDropped() - before.receiveDropped(), after.late() - before.late());
  }
}
