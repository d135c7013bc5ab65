package io.pingstream.benchmarks;

import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import io.pingstream.reactor.Pinger;
import io.pingstream.reactor.StreamOptions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The continuous scenario through the Reactor API: {@code Pinger.pingAll} over N targets at one
 * probe per second each, as an application would write it, against {@link Continuous} which
 * paces the engine with its own thread. Prints one {@code RESULT} line.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.pingstream.benchmarks.ContinuousPinger --targets 10000 --duration 20</pre>
 */
public final class ContinuousPinger {

  private ContinuousPinger() {}

  public static void main(String[] arguments) throws Exception {
    var args = new Args(arguments);
    int targets = args.integer("targets", 10_000);
    int duration = args.integer("duration", 20);
    args.done();
    List<InetAddress> addresses = List.of(Targets.burst(targets));
    try (var pinger = Pinger.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      var results = new AtomicLong();
      var replies = new AtomicLong();
      var subscription = pinger.pingAll(addresses, StreamOptions.every(Duration.ofSeconds(1)))
          .subscribe(result -> {
            results.incrementAndGet();
            if (result.isReply()) {
              replies.incrementAndGet();
            }
          });
      Thread.sleep(3_000); // warm-up: every target has started
      double cpuStart = ProcessStats.cpuSeconds();
      long allocatedStart = Allocation.allThreads();
      long resultsStart = results.get();
      long repliesStart = replies.get();
      long wallStart = System.nanoTime();
      Thread.sleep(duration * 1_000L);
      double cpu = ProcessStats.cpuSeconds() - cpuStart;
      long allocated = Allocation.allThreads() - allocatedStart;
      double wall = (System.nanoTime() - wallStart) / 1e9;
      long probes = results.get() - resultsStart;
      long lost = probes - (replies.get() - repliesStart);
      subscription.dispose();
      System.out.printf("RESULT scenario=continuous tool=pingstream-pinger targets=%d duration_s=%d probes=%d loss=%d "
              + "cpu_s=%.2f core_pct=%.1f cpu_s_per_1k=%.4f allocated_b_per_probe=%d skipped=%d%n",
          targets, duration, probes, lost, cpu, 100 * cpu / wall, cpu / (probes / 1000.0), allocated / Math.max(1, probes),
          pinger.skippedProbes());
    }
  }
}
