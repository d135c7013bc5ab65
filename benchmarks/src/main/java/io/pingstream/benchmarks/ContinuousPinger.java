package io.pingstream.benchmarks;

import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import io.pingstream.reactor.Pinger;
import io.pingstream.reactor.StreamOptions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Scenario 2, continuous, through the Reactor API: {@code Pinger.pingAll} over {@code --targets}
 * loopback targets at one probe per second each, as an application would write it, where {@link
 * Continuous} paces the engine with a thread of its own. Three unmeasured seconds come first
 * (every target has started). Prints one {@code RESULT} line with the same fields as {@link
 * Continuous}, plus the bytes allocated per probe by all threads.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.pingstream.benchmarks.ContinuousPinger --targets 10000 --duration 60</pre>
 */
public final class ContinuousPinger {

  private ContinuousPinger() {}

  public static void main(String[] arguments) throws Exception {
    var args = new Args(arguments);
    int targets = args.integer("targets", 10_000);
    int duration = args.integer("duration", 60);
    args.done();
    if (duration < 1 || duration > 600) {
      throw new IllegalArgumentException("duration must be in [1, 600] seconds, was " + duration);
    }
    List<InetAddress> addresses = List.of(Targets.burst(targets));
    var options = PingOptions.defaults().policy(SelectionPolicy.RAW).timeout(Duration.ofSeconds(1));
    try (var pinger = Pinger.create(options)) {
      var tally = new OutcomeTally();
      var subscription = pinger.pingAll(addresses, StreamOptions.every(Duration.ofSeconds(1)))
          .subscribe(result -> tally.count(result, null));
      Thread.sleep(3_000);
      double heapStart = ProcessStats.heapAfterGcMib();
      tally.reset();
      long skippedStart = pinger.skippedProbes();
      var threadsStart = ThreadCpu.snapshot();
      long allocatedStart = Allocation.allThreads();
      double cpuStart = ProcessStats.cpuSeconds();
      long start = System.nanoTime();
      Thread.sleep(duration * 1_000L);
      double cpu = ProcessStats.cpuSeconds() - cpuStart;
      double wall = (System.nanoTime() - start) / 1e9;
      long allocated = Allocation.allThreads() - allocatedStart;
      var report = new Report("continuous", "pingstream-pinger");
      ThreadCpu.report(report, threadsStart);
      long replies = tally.replies.sum();
      long probes = replies + tally.timeouts.sum() + tally.errors.sum();
      double heapEnd = ProcessStats.heapAfterGcMib();
      subscription.dispose();
      report
          .put("targets", targets).put("duration_s", duration).put("probes", probes)
          .put("replies", replies).put("loss", probes - replies)
          .put("timeouts", tally.timeouts.sum()).put("errors", tally.errors.sum())
          .put("skipped", pinger.skippedProbes() - skippedStart)
          .put("cpu_s", cpu, 2).put("wall_s", wall, 2)
          .put("cpu_s_per_1000", cpu / (probes / 1000.0), 4).put("core_pct", 100 * cpu / wall, 1)
          .put("alloc_bytes_per_probe", allocated / Math.max(1, probes))
          .put("heap_start_mib", heapStart, 1).put("heap_end_mib", heapEnd, 1)
          .put("retained_bytes_per_target", (heapEnd - heapStart) * 1024 * 1024 / targets, 0)
          .print();
    }
  }
}
