package io.pingstream.internal.engine;

import io.pingstream.IpFamily;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import io.pingstream.internal.engine.Counters.Event;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reply matching, on the engine's own probe table: per probe, what the engine does between the
 * send and the reply's completion (new probe, token, register, schedule the deadline, find by
 * token, complete) and the later expiry of its deadline, with no socket. {@code backlog} is how
 * many deadlines of answered probes are still queued meanwhile: the engine forgets an answered
 * probe at once, but its token waits in the deadline queue until due, so a 150k/s burst with the
 * 1 s default timeout queues ~150,000 tokens. This class sits in the
 * engine's package to reach its package-private table; it follows the engine's internals and
 * must change with them.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ProbeTableBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProbeTableBenchmark {

  private static final int BATCH = 1024;
  private static final long TIMEOUT = ProbeSettings.DEFAULT_TIMEOUT.toNanos();

  /** Answered probes left in the table, waiting for their deadline. */
  @Param({"0", "131072"})
  public int backlog;

  private final ProbeTable table = new ProbeTable(new Counters(), result -> { });
  private final ProbeSettings settings = ProbeSettings.defaults();
  private final PendingProbe[] probes = new PendingProbe[BATCH];
  private InetAddress target;
  private PingResult result;
  /** Tokens of the last {@code backlog} probes, oldest first at {@code next}. */
  private long[] tokens;
  private int next;

  @Setup
  public void setUp() throws Exception {
    target = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    result = PingResult.reply(target, 0, Instant.EPOCH, Duration.ofNanos(1000), 44, 64);
    tokens = new long[Math.max(backlog, 1)];
    for (int i = 0; i < backlog; i++) {
      tokens[i] = cycle(i);
    }
  }

  private long cycle(int sequence) {
    var probe = new PendingProbe(target, IpFamily.IPV4, settings, table);
    probe.sequence = sequence;
    probe.token = table.clock.next();
    table.register(probe);
    table.schedule(probe);
    table.complete(table.find(probe.token), result, Event.REPLY);
    return probe.token;
  }

  /** 1024 probes in flight at once, as in a burst: time per probe. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long registerMatchComplete() {
    for (int i = 0; i < BATCH; i++) {
      var probe = new PendingProbe(target, IpFamily.IPV4, settings, table);
      probe.sequence = i;
      probe.token = table.clock.next();
      table.register(probe);
      table.schedule(probe);
      probes[i] = probe;
    }
    for (int i = 0; i < BATCH; i++) {
      PendingProbe probe = table.find(probes[i].token);
      table.complete(probe, result, Event.REPLY);
    }
    if (backlog == 0) {
      // Every deadline is due at the end of time: the heap and the index empty again.
      return table.expire(Long.MAX_VALUE, probe -> { });
    }
    // Keep the newest `backlog` probes: expire up to the deadline of the one that falls out.
    long due = 0;
    for (int i = 0; i < BATCH; i++) {
      due = tokens[next];
      tokens[next] = probes[i].token;
      next = (next + 1) % backlog;
    }
    return table.expire(due + TIMEOUT, probe -> { });
  }
}
