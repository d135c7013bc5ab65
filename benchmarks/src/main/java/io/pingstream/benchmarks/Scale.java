package io.pingstream.benchmarks;

import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import java.net.InetAddress;

/**
 * Scenario 3, scale: one probe to each of {@code --targets} distinct loopback addresses
 * (127.10.x.y onwards), at most {@code --window} unanswered. The first round runs in a fresh
 * JVM ({@code wall_s}, {@code loss}); {@code --rounds} more follow on the same engine, warm
 * ({@code warm_wall_s}, {@code warm_loss}: the last one). Prints the peak heap over all rounds;
 * run it with {@code -Xmx256m} to prove the scenario fits in 256 MiB. {@code --batch N} sends N
 * probes per {@code PingEngine.pingEach} call instead of one {@code ping()} per probe.
 *
 * <pre>java -Xmx256m -cp benchmarks/target/benchmarks.jar io.pingstream.benchmarks.Scale --targets 100000</pre>
 */
public final class Scale {

  private Scale() {}

  public static void main(String[] argv) throws Exception {
    var args = new Args(argv);
    int targetCount = args.integer("targets", 100_000);
    int window = args.integer("window", 512);
    int receiveBuffer = args.integer("rcvbuf", PingOptions.DEFAULT_RECEIVE_BUFFER);
    int rounds = args.integer("rounds", 2);
    int batch = args.integer("batch", 1);
    args.done();

    InetAddress[] targets = Targets.scale(targetCount);
    var options = PingOptions.defaults().policy(SelectionPolicy.RAW).receiveBufferSize(receiveBuffer);
    ProcessStats.resetPeakHeap();
    try (var engine = PingEngine.create(options)) {
      Blast.Outcome cold = Blast.run(engine, targets, targetCount, window, batch, 30);
      Blast.Outcome warm = cold;
      for (int round = 0; round < rounds; round++) {
        warm = Blast.run(engine, targets, targetCount, window, batch, 30);
      }
      new Report("scale")
          .put("targets", targetCount).put("window", window).put("batch", batch).put("rcvbuf", receiveBuffer)
          .put("replies", cold.replies()).put("loss", cold.lost()).put("receive_dropped", cold.receiveDropped())
          .put("wall_s", cold.wallNanos() / 1e9, 3)
          .put("warm_loss", warm.lost()).put("warm_wall_s", warm.wallNanos() / 1e9, 3)
          .put("peak_heap_mib", ProcessStats.peakHeapMib(), 1)
          .put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0), 0)
          .print();
    }
  }
}
