package io.pingstream.benchmarks;

import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;

/**
 * Scenario 1, burst: {@code --probes} probes round-robin over {@code --targets} loopback
 * targets 127.1.x.y, at most {@code --window} unanswered. Runs {@code --warmup} bursts (the JIT
 * compiles the hot path; the first one's rate is {@code cold_rate}), then {@code --rounds}
 * measured bursts, and prints their median replies per second (first send to last outcome),
 * their range, the loss summed over them, and the CPU per probe of the whole process and of
 * each thread role. {@code --timeout-ms} is the probe timeout (1 s, the engine's default).
 * {@code --batch N} sends N probes per {@code PingEngine.pingEach} call (one {@code sendmmsg(2)}
 * per 64 where the kernel stamps transmission, else one by one) instead of a {@code ping()} per
 * probe; the result then says {@code batch=N}.
 * {@code --tx-timestamps off} runs without kernel transmit timestamps, as fping does (it stamps
 * receive only); the result then says {@code config=tx-timestamps-off}. {@code --policy} picks the
 * socket (RAW by default; DGRAM needs a {@code ping_group_range} that admits the user, e.g. in a
 * namespace: there it ran as fast as RAW, 345k-365k against 342k-344k replies/s).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.pingstream.benchmarks.Burst --probes 100000 --targets 1000</pre>
 */
public final class Burst {

  private Burst() {}

  public static void main(String[] argv) throws Exception {
    var args = new Args(argv);
    int probes = args.integer("probes", 100_000);
    int targetCount = args.integer("targets", 1_000);
    int window = args.integer("window", 512);
    int batch = args.integer("batch", 1);
    int receiveBuffer = args.integer("rcvbuf", PingOptions.DEFAULT_RECEIVE_BUFFER);
    int warmup = args.integer("warmup", 3);
    int rounds = args.integer("rounds", 5);
    int timeoutMillis = args.integer("timeout-ms", 1_000);
    String transmitStamps = args.string("tx-timestamps", "on");
    var policy = SelectionPolicy.valueOf(args.string("policy", "RAW"));
    args.done();
    if (!transmitStamps.equals("on") && !transmitStamps.equals("off")) {
      throw new IllegalArgumentException("tx-timestamps must be on or off, was " + transmitStamps);
    }

    InetAddress[] targets = Targets.burst(targetCount);
    var options = PingOptions.defaults()
        .policy(policy).timeout(Duration.ofMillis(timeoutMillis)).receiveBufferSize(receiveBuffer)
        .transmitTimestamps(transmitStamps.equals("on"));
    try (var engine = PingEngine.create(options)) {
      double coldRate = -1;
      for (int round = 0; round < warmup; round++) {
        Blast.Outcome outcome = Blast.run(engine, targets, probes, window, batch, 30);
        if (round == 0) {
          coldRate = outcome.repliesPerSecond();
        }
      }
      var threadsBefore = ThreadCpu.snapshot();
      double cpuBefore = ProcessStats.cpuSeconds();
      double[] rates = new double[rounds];
      long replies = 0;
      long lost = 0;
      long dropped = 0;
      long late = 0;
      for (int round = 0; round < rounds; round++) {
        Blast.Outcome outcome = Blast.run(engine, targets, probes, window, batch, 30);
        rates[round] = outcome.repliesPerSecond();
        replies += outcome.replies();
        lost += outcome.lost();
        dropped += outcome.receiveDropped();
        late += outcome.late();
      }
      double cpu = ProcessStats.cpuSeconds() - cpuBefore;
      Arrays.sort(rates);
      var report = new Report("burst");
      if (transmitStamps.equals("off")) {
        report.put("config", "tx-timestamps-off");
      }
      report
          .put("probes", probes).put("targets", targetCount).put("window", window).put("batch", batch).put("rcvbuf", receiveBuffer)
          .put("timeout_ms", timeoutMillis).put("rounds", rounds).put("replies", replies).put("loss", lost)
          .put("receive_dropped", dropped).put("late", late)
          .put("rate", rates[rounds / 2], 0).put("rate_min", rates[0], 0).put("rate_max", rates[rounds - 1], 0)
          .put("cold_rate", coldRate, 0)
          .put("cpu_us_per_probe", cpu * 1e6 / ((long) rounds * probes), 2);
      ThreadCpu.report(report, threadsBefore);
      report.print();
    }
  }
}
