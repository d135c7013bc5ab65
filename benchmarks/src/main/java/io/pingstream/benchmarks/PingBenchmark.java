package io.pingstream.benchmarks;

import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.PingResult;
import io.pingstream.SelectionPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code ping()} over a RAW socket (needs root or CAP_NET_RAW), to loopback only: one probe to
 * 127.0.0.1 and its reply ({@code roundTrip}), and 256 probes to 127.1.x.y sent back to back,
 * then awaited ({@code pipelined}, time per probe). With {@code -prof gc},
 * {@code gc.alloc.rate.norm} is the bytes allocated per probe by all threads, the engine's
 * receive thread included.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PingBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PingBenchmark {

  private static final int PIPELINE = 256;

  private PingEngine engine;
  private InetAddress localhost;
  private InetAddress[] targets;
  private final CompletableFuture<?>[] pending = new CompletableFuture<?>[PIPELINE];

  @Setup(Level.Trial)
  public void open() throws Exception {
    engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).timeout(Duration.ofSeconds(1)));
    localhost = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    targets = Targets.burst(PIPELINE);
    PingResult first = engine.ping(localhost).join();
    if (!first.isReply()) {
      throw new IllegalStateException("no reply from 127.0.0.1: " + first);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    System.err.println("engine: " + engine.stats());
    engine.close();
  }

  @Benchmark
  public PingResult roundTrip() {
    return engine.ping(localhost).join();
  }

  @Benchmark
  @OperationsPerInvocation(PIPELINE)
  public Object pipelined() {
    for (int i = 0; i < PIPELINE; i++) {
      pending[i] = engine.ping(targets[i]);
    }
    return CompletableFuture.allOf(pending).join();
  }
}
