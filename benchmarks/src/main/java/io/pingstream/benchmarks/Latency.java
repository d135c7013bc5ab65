package io.pingstream.benchmarks;

import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.PingResult;
import io.pingstream.SelectionPolicy;
import io.pingstream.TimestampSource;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;

/**
 * Scenario 4, latency: one {@code ping()} at a time to 127.0.0.1, {@code --count} times after
 * {@code --warmup}. Prints p50/p99 of the caller's round trip ({@code ping()} to {@code join()}
 * returning, {@code call_*}) and of the RTT the engine reports ({@code rtt_*}, measured with the
 * clock in {@code source}), round trips per second, and the bytes all threads allocated per probe.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.pingstream.benchmarks.Latency --count 20000</pre>
 */
public final class Latency {

  private Latency() {}

  public static void main(String[] argv) throws Exception {
    var args = new Args(argv);
    int count = args.integer("count", 20_000);
    int warmup = args.integer("warmup", 20_000);
    args.done();

    InetAddress target = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    var options = PingOptions.defaults().policy(SelectionPolicy.RAW).timeout(Duration.ofSeconds(1));
    try (var engine = PingEngine.create(options)) {
      for (int i = 0; i < warmup; i++) {
        engine.ping(target).join();
      }
      long[] call = new long[count];
      long[] rtt = new long[count];
      int replies = 0;
      TimestampSource source = null;
      long allocatedBefore = Allocation.allThreads();
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        long sent = System.nanoTime();
        PingResult result = engine.ping(target).join();
        call[i] = System.nanoTime() - sent;
        if (result.isReply()) {
          rtt[replies++] = result.rttNanos();
          source = result.timestampSource().orElse(null);
        }
      }
      long wall = System.nanoTime() - start;
      long allocated = Allocation.allThreads() - allocatedBefore;
      Arrays.sort(call);
      long[] rtts = Arrays.copyOf(rtt, replies);
      Arrays.sort(rtts);
      new Report("latency")
          .put("probes", count).put("replies", replies).put("loss", count - replies)
          .put("rate", count / (wall / 1e9), 0)
          .put("p50_us", percentile(call, 0.50) / 1e3, 1).put("p99_us", percentile(call, 0.99) / 1e3, 1)
          .put("rtt_p50_us", percentile(rtts, 0.50) / 1e3, 1).put("rtt_p99_us", percentile(rtts, 0.99) / 1e3, 1)
          .put("source", source)
          .put("alloc_bytes_per_probe", allocated / (double) count, 0)
          .print();
    }
  }

  private static double percentile(long[] sorted, double p) {
    return sorted.length == 0 ? -1 : sorted[(int) Math.min(sorted.length - 1, sorted.length * p)];
  }
}
