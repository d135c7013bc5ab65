package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pingstream.testing.NetNamespace.Commands;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** RAW sockets see every echo reply of the host: only our own may match our probes. */
class ForeignTrafficTest {

  @Test
  void anotherEnginesRepliesAreCountedForeignAndNeverMatched() throws Exception {
    requireRaw();
    var options = PingOptions.defaults().policy(SelectionPolicy.RAW);
    try (var ours = PingEngine.create(options); var theirs = PingEngine.create(options)) {
      var target = InetAddress.getByName("127.0.0.1");
      ours.open(IpFamily.IPV4);
      theirs.open(IpFamily.IPV4);

      // Same target, same socket kind, interleaved: sequence numbers collide on purpose.
      List<CompletableFuture<PingResult>> mine = new ArrayList<>();
      List<CompletableFuture<PingResult>> others = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        mine.add(ours.ping(target));
        others.add(theirs.ping(target));
      }
      for (int i = 0; i < 300; i++) {
        assertThat(await(mine.get(i)).sequence()).isEqualTo(i);
        assertThat(await(others.get(i)).sequence()).isEqualTo(i);
      }
      awaitCounter(() -> ours.stats().foreign(), 300);
      awaitCounter(() -> theirs.stats().foreign(), 300);

      assertThat(ours.stats().replies()).isEqualTo(300);
      assertThat(ours.stats().foreign()).isEqualTo(300);
      assertThat(ours.stats().malformed()).isZero();
      assertThat(ours.stats().duplicates()).isZero();
    }
  }

  @Test
  void theSystemPingsRepliesNeverMatchOurProbes() throws Exception {
    requireRaw();
    assumeTrue(Commands.exists("ping"), "ping is not installed (Debian package iputils-ping)");
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      var target = InetAddress.getByName("127.0.0.1");
      engine.open(IpFamily.IPV4);
      var flood = new ProcessBuilder("ping", "-n", "-q", "-c", "500", "-i", "0.002", "127.0.0.1").redirectErrorStream(true).start();
      int replies = 0;
      while (flood.isAlive()) {
        PingResult result = await(engine.ping(target));
        assertThat(result.outcome()).isEqualTo(PingOutcome.REPLY);
        replies++;
      }
      assertThat(flood.waitFor(30, TimeUnit.SECONDS)).isTrue();
      awaitCounter(() -> engine.stats().foreign(), 500);

      assertThat(engine.stats().replies()).isEqualTo(replies);
      assertThat(engine.stats().foreign()).isEqualTo(500);
      assertThat(engine.stats().malformed() + engine.stats().duplicates() + engine.stats().late()).isZero();
    }
  }

  private static void awaitCounter(java.util.function.LongSupplier counter, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
