package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pingstream.testing.NetNamespace.Commands;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RAW sockets see every echo reply of the host. The kernel filter (BPF) drops the ones that do
 * not carry our signature, so they never reach user space, let alone match a probe.
 */
class ForeignTrafficTest {

  @Test
  void anotherEnginesRepliesNeverReachOurs() throws Exception {
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

      for (EngineStats stats : List.of(ours.stats(), theirs.stats())) {
        assertThat(stats.replies()).isEqualTo(300);
        assertThat(stats.foreign() + stats.malformed() + stats.duplicates() + stats.late()).isZero();
      }
    }
  }

  @Test
  void aFloodFromTheSystemPingNeverReachesOurReceiveLoop() throws Exception {
    requireRaw();
    assumeTrue(Commands.exists("ping"), "ping is not installed (Debian package iputils-ping)");
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      var target = InetAddress.getByName("127.0.0.1");
      engine.open(IpFamily.IPV4);
      var flood = new ProcessBuilder("ping", "-n", "-q", "-c", "500", "-i", "0.002", "127.0.0.1").redirectErrorStream(true).start();
      int replies = 0;
      while (flood.isAlive()) {
        assertThat(await(engine.ping(target)).outcome()).isEqualTo(PingOutcome.REPLY);
        replies++;
      }
      String summary = new String(flood.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      // The flood really happened (ping may miss a reply or two of its own under load).
      var received = java.util.regex.Pattern.compile("500 packets transmitted, (\\d+) received").matcher(summary);
      assertThat(received.find()).as(summary).isTrue();
      assertThat(Integer.parseInt(received.group(1))).isGreaterThan(450);
      assertThat(replies).isPositive();
      assertThat(engine.stats().replies()).isEqualTo(replies);
      assertThat(engine.stats().foreign()).isZero();
      assertThat(engine.stats().malformed() + engine.stats().duplicates() + engine.stats().late()).isZero();
    }
  }
}
