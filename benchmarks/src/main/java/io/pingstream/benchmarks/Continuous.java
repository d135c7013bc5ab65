package io.pingstream.benchmarks;

import io.pingstream.EngineStats;
import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 2, continuous: {@code --targets} loopback targets (127.1.x.y), each probed once per
 * second for {@code --duration} seconds, target {@code i}'s probe sent at {@code i/targets} of
 * every second (one pacing thread that wakes every {@code --tick-ms}, 1 by default, and sends
 * what is due). One unmeasured second comes first. Prints the CPU seconds of the whole process (from {@code
 * /proc/self/stat}) per 1,000 probes and as a share of one core, the loss, and the heap after GC
 * at the start and at the end.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.pingstream.benchmarks.Continuous --targets 10000 --duration 60</pre>
 */
public final class Continuous {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final PingEngine engine;
  private final InetAddress[] targets;
  private final long tick;
  private final OutcomeTally tally = new OutcomeTally();

  private Continuous(PingEngine engine, InetAddress[] targets, long tick) {
    this.engine = engine;
    this.targets = targets;
    this.tick = tick;
  }

  public static void main(String[] argv) throws Exception {
    var args = new Args(argv);
    int targetCount = args.integer("targets", 10_000);
    int duration = args.integer("duration", 60);
    int tickMillis = args.integer("tick-ms", 1);
    args.done();
    if (duration < 1 || duration > 600) {
      throw new IllegalArgumentException("duration must be in [1, 600] seconds, was " + duration);
    }
    if (tickMillis < 1 || tickMillis > 1000) {
      throw new IllegalArgumentException("tick-ms must be in [1, 1000], was " + tickMillis);
    }

    var options = PingOptions.defaults().policy(SelectionPolicy.RAW).timeout(Duration.ofSeconds(1));
    try (var engine = PingEngine.create(options)) {
      var scenario = new Continuous(engine, Targets.burst(targetCount), TimeUnit.MILLISECONDS.toNanos(tickMillis));
      scenario.pace(1); // warm-up: opens the socket, loads and compiles the paths
      scenario.settle();
      scenario.resetCounts();
      double heapStart = ProcessStats.heapAfterGcMib();
      EngineStats before = engine.stats();
      var threadsStart = ThreadCpu.snapshot();
      double cpuStart = ProcessStats.cpuSeconds();
      long start = System.nanoTime();
      long sent = scenario.pace(duration);
      double cpu = ProcessStats.cpuSeconds() - cpuStart;
      double wall = (System.nanoTime() - start) / 1e9;
      var report = new Report("continuous");
      ThreadCpu.report(report, threadsStart);
      scenario.settle();
      double heapEnd = ProcessStats.heapAfterGcMib();
      EngineStats after = engine.stats();
      long replies = scenario.tally.replies.sum();
      if (replies != after.replies() - before.replies()) {
        System.err.println("continuous: the futures saw " + replies + " replies, the engine counted "
            + (after.replies() - before.replies()));
      }
      report
          .put("targets", targetCount).put("duration_s", duration).put("tick_ms", tickMillis).put("probes", sent)
          .put("replies", replies).put("loss", sent - replies)
          .put("timeouts", scenario.tally.timeouts.sum()).put("errors", scenario.tally.errors.sum())
          .put("receive_dropped", after.receiveDropped() - before.receiveDropped())
          .put("cpu_s", cpu, 2).put("wall_s", wall, 2)
          .put("cpu_s_per_1000", cpu / (sent / 1000.0), 4).put("core_pct", 100 * cpu / wall, 1)
          .put("heap_start_mib", heapStart, 1).put("heap_end_mib", heapEnd, 1)
          .put("retained_bytes_per_target", (heapEnd - heapStart) * 1024 * 1024 / targetCount, 0)
          .print();
    }
  }

  /** Sends one probe per target per second for {@code seconds}; returns how many it sent. */
  private long pace(int seconds) {
    long start = System.nanoTime();
    long total = (long) seconds * targets.length;
    long next = 0;
    while (next < total) {
      long now = System.nanoTime() - start;
      // Probe n is due at n / targets seconds: send every one due by now.
      long due = Math.min(total, now * targets.length / SECOND + 1);
      for (; next < due; next++) {
        engine.ping(targets[(int) (next % targets.length)]).whenComplete(tally::count);
      }
      LockSupport.parkNanos(tick - (System.nanoTime() - start) % tick);
    }
    return total;
  }

  private void resetCounts() {
    tally.reset();
  }

  /** Waits until no probe is in flight, at most a few timeouts long. */
  private void settle() throws InterruptedException {
    long deadline = System.nanoTime() + 5 * SECOND;
    while (engine.stats().inFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }
}
