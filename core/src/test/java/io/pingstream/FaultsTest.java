package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireNamespaces;
import static io.pingstream.testing.Requirements.requireNftables;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pingstream.testing.NetNamespace;
import io.pingstream.testing.NetNamespace.Commands;
import io.pingstream.testing.SyscallRefusal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The network misbehaves; the engine keeps exact accounts and survives. */
class FaultsTest {

  @ParameterizedTest(name = "recvmmsg fails with errno {0}")
  @ValueSource(ints = {38, 1}) // ENOSYS, EPERM: what seccomp profiles return for calls they refuse
  void whereRecvmmsgIsRefusedRepliesAreReadOneByOne(int errno) throws Exception {
    requireRaw();
    // The engine's receive thread starts within the call, so it inherits the filter; it ends with the engine.
    List<PingResult> results = SyscallRefusal.call(SyscallRefusal.RECVMMSG, errno, () -> {
      try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
        List<CompletableFuture<PingResult>> futures = new ArrayList<>();
        for (String target : List.of("127.0.0.1", "::1", "127.0.0.1", "::1")) {
          futures.add(engine.ping(InetAddress.getByName(target)));
        }
        List<InetAddress> burst = new ArrayList<>(); // replies that wait together, as a batch reads them
        for (int i = 1; i <= 100; i++) {
          burst.add(InetAddress.getByName("127.0.2." + i));
        }
        futures.addAll(engine.pingEach(burst));
        List<PingResult> all = new ArrayList<>();
        for (var future : futures) {
          all.add(await(future));
        }
        return all;
      }
    });

    assertThat(results).hasSize(104).allSatisfy(result -> assertThat(result.outcome()).as("%s", result).isEqualTo(PingOutcome.REPLY));
  }

  @Test
  void randomLossIsReportedWithinStatisticalToleranceAndEveryProbeCountsOnce() throws Exception {
    requireNftables();
    int probes = 2_000;
    try (var ns = NetNamespace.create().nft(
            "add table inet loss",
            "add chain inet loss input { type filter hook input priority 0 ; }",
            "add rule inet loss input icmp type echo-request numgen random mod 100 < 30 drop");
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()).timeout(Duration.ofMillis(200)))) {
      List<CompletableFuture<PingResult>> futures = new ArrayList<>();
      for (int i = 0; i < probes; i++) {
        futures.add(engine.ping(InetAddress.getByName("127.0." + (i % 200) + ".1")));
      }
      int replies = 0;
      int timeouts = 0;
      for (var future : futures) {
        switch (await(future).outcome()) {
          case REPLY -> replies++;
          case TIMEOUT -> timeouts++;
          default -> throw new AssertionError("unexpected outcome");
        }
      }
      EngineStats stats = engine.stats();
      Figures.report("random 30% loss", stats, "observed loss " + (100.0 * timeouts / probes) + "%");

      // 30% of 2,000: the standard deviation is sqrt(2000 * 0.3 * 0.7) ≈ 20.5 probes; allow 5 sigma.
      assertThat(timeouts).isBetween(600 - 103, 600 + 103);
      assertThat(replies + timeouts).isEqualTo(probes);
      assertThat(stats.sent()).isEqualTo(probes);
      assertThat(stats.replies()).isEqualTo(replies);
      assertThat(stats.timeouts()).isEqualTo(timeouts);
      assertThat(stats.malformed() + stats.duplicates() + stats.late() + stats.foreign()).isZero();
    }
  }

  @Test
  void anIcmpErrorForOneTargetDoesNotFailTheNextSendOfAPingSocket() throws Exception {
    requireNftables();
    // A ping socket keeps an incoming ICMP error as its pending error too, and its next send,
    // whatever the target, used to fail with it: 121 of 200 probes to 127.0.0.1 below.
    try (var ns = NetNamespace.create().allowDgram().nft(
            "add table inet refuse",
            "add chain inet refuse input { type filter hook input priority 0 ; }",
            "add rule inet refuse input ip daddr 127.0.0.2 icmp type echo-request reject with icmp type host-unreachable",
            "add rule inet refuse input ip6 daddr fd00::2 icmpv6 type echo-request reject with icmpv6 type admin-prohibited");
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM).namespace(ns.path()))) {
      ns.exec("ip", "-6", "addr", "add", "fd00::2/128", "dev", "lo", "nodad");
      for (String[] pair : new String[][] {{"127.0.0.2", "127.0.0.1"}, {"fd00::2", "::1"}}) {
        InetAddress rejected = InetAddress.getByName(pair[0]);
        InetAddress answering = InetAddress.getByName(pair[1]);
        assertThat(engine.open(IpFamily.of(answering))).isEqualTo(SocketMode.DGRAM);
        var answers = new ArrayList<PingResult>();
        var errors = new ArrayList<PingResult>();
        // One error at a time, then bunches of them: reading one off the error queue sets the
        // next pending again (4 of 2,000 probes failed while a single retry was made).
        for (int bunch : new int[] {1, 20}) {
          for (int i = 0; i < (bunch == 1 ? 200 : 100); i++) {
            var refused = engine.pingEach(Collections.nCopies(bunch, rejected));
            var answered = new ArrayList<CompletableFuture<PingResult>>();
            for (int k = 0; k < bunch; k++) {
              answered.add(engine.ping(answering));
            }
            for (var future : answered) {
              answers.add(await(future));
            }
            for (var future : refused) {
              errors.add(await(future));
            }
          }
        }
        assertThat(errors).as("rejected %s", rejected).allMatch(r -> r.outcome() == PingOutcome.ERROR);
        assertThat(answers).as("answered by %s", answering).allMatch(r -> r.outcome() == PingOutcome.REPLY);
      }
    }
  }

  @Test
  void aFullReceiveBufferIsCountedNotSilent() throws Exception {
    requireNamespaces();
    int probes = 3_000;
    // The smallest buffer the kernel allows holds only a few replies of a burst.
    try (var ns = NetNamespace.create();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path())
            .receiveBufferSize(PingOptions.MIN_BUFFER).timeout(Duration.ofMillis(300)))) {
      List<CompletableFuture<PingResult>> futures = new ArrayList<>();
      for (int i = 0; i < probes; i++) {
        futures.add(engine.ping(InetAddress.getByName("127.1." + (i / 250) + "." + (i % 250 + 1))));
      }
      for (var future : futures) {
        await(future);
      }
      // The kernel reports its drop count (SO_RXQ_OVFL) with the next datagram it delivers:
      // replies dropped at the end of the burst are known only once another one arrives.
      assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).outcome()).isEqualTo(PingOutcome.REPLY);
      EngineStats stats = engine.stats();
      Figures.report("receive buffer overflow", stats, "");

      assertThat(stats.timeouts()).isPositive();
      assertThat(stats.replies() + stats.timeouts()).isEqualTo(probes + 1);
      // Every lost reply was dropped by the kernel, and the kernel said so. Its count may be
      // higher: it covers every datagram refused for room, transmit timestamps included.
      assertThat(stats.receiveDropped()).isGreaterThanOrEqualTo(stats.timeouts());
    }
  }

  @Test
  void anInterfaceGoingDownAndUpIsReportedAndSurvived() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()).timeout(Duration.ofMillis(200)))) {
      var target = InetAddress.getByName("127.0.0.1");
      assertThat(await(engine.ping(target)).outcome()).isEqualTo(PingOutcome.REPLY);

      ns.exec("ip", "link", "set", "lo", "down");
      PingResult whileDown = await(engine.ping(target));
      ns.exec("ip", "link", "set", "lo", "up");
      PingResult afterwards = await(engine.ping(target));

      assertThat(whileDown.outcome()).isIn(PingOutcome.ERROR, PingOutcome.TIMEOUT);
      assertThat(afterwards.outcome()).isEqualTo(PingOutcome.REPLY);
    }
  }

  @Test
  void aNamespaceDeletedUnderOpenSocketsLivesOnUntilTheEngineCloses() throws Exception {
    requireNamespaces();
    var ns = NetNamespace.create();
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()))) {
      var target = InetAddress.getByName("127.0.0.1");
      assertThat(await(engine.ping(target)).outcome()).isEqualTo(PingOutcome.REPLY);

      ns.close(); // `ip netns del`: the name goes, the sockets keep the namespace itself alive

      assertThat(await(engine.ping(target)).outcome()).isEqualTo(PingOutcome.REPLY);
      // A family that opens only now cannot enter the namespace any more, and says why.
      var v6 = engine.ping(InetAddress.getByName("::1"));
      assertThatThrownBy(() -> v6.get(5, java.util.concurrent.TimeUnit.SECONDS))
          .cause().hasMessageStartingWith("cannot open network namespace " + ns.path() + ": open(..) failed: ENOENT");
    }
  }

  @Test
  void aBoundInterfaceDeletedAndRecreatedIsReportedThenUsedAgain() throws Exception {
    requireNamespaces();
    // Two namespaces joined by a veth pair: the engine pings across it, bound to its end.
    try (var here = NetNamespace.create(); var there = NetNamespace.create()) {
      Runnable link = () -> {
        here.exec("ip", "link", "add", "pst0", "type", "veth", "peer", "name", "pst1", "netns", there.name());
        here.exec("ip", "addr", "add", "10.77.0.1/24", "dev", "pst0");
        here.exec("ip", "link", "set", "pst0", "up");
        there.exec("ip", "addr", "add", "10.77.0.2/24", "dev", "pst1");
        there.exec("ip", "link", "set", "pst1", "up");
      };
      link.run();
      var target = InetAddress.getByName("10.77.0.2");
      try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(here.path())
          .interfaceName("pst0").timeout(Duration.ofMillis(500)))) {
        assertThat(awaitReply(engine, target)).isTrue();

        here.exec("ip", "link", "del", "pst0");
        PingResult whileGone = await(engine.ping(target));
        link.run();

        assertThat(whileGone.errorKind()).hasValue(ErrorKind.SEND_FAILED);
        assertThat(whileGone.error()).hasValueSatisfying(cause -> assertThat(cause).hasMessageContaining("ENODEV"));
        assertThat(awaitReply(engine, target)).as("replies again through the new interface").isTrue();
      }
    }
  }

  @Test
  void aFullSendBufferFailsTheProbeAtOnceInsteadOfHoldingTheSender() throws Exception {
    requireNamespaces();
    assumeTrue(Commands.exists("tc"), "tc (iproute2) is needed to slow a link down");
    try (var ns = NetNamespace.create().allowDgram()) {
      // A link that sends 8 kbit/s to a neighbour that is never there: requests queue in its
      // qdisc and keep the socket's send buffer (4 KiB) full. Nothing leaves the namespace.
      ns.exec("ip", "link", "add", "slow0", "type", "veth", "peer", "name", "slow1");
      ns.exec("ip", "link", "set", "slow0", "up");
      ns.exec("ip", "link", "set", "slow1", "up");
      ns.exec("ip", "addr", "add", "10.99.0.1/24", "dev", "slow0");
      ns.exec("ip", "neigh", "add", "10.99.0.2", "lladdr", "02:00:00:00:00:02", "dev", "slow0", "nud", "permanent");
      ns.exec("tc", "qdisc", "add", "dev", "slow0", "root", "tbf", "rate", "8kbit", "burst", "1600", "limit", "1000000");
      try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM).namespace(ns.path())
          .sendBufferSize(4096).timeout(Duration.ofSeconds(1)))) {
        var slow = InetAddress.getByName("10.99.0.2");
        engine.open(IpFamily.IPV4);

        long start = System.nanoTime();
        List<CompletableFuture<PingResult>> probes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          probes.add(engine.ping(slow));
        }
        Duration sending = Duration.ofNanos(System.nanoTime() - start);

        assertThat(sending).as("40 sends, none waiting for room").isLessThan(Duration.ofMillis(500));
        List<PingResult> refused = new ArrayList<>();
        for (var probe : probes) {
          PingResult result = await(probe);
          if (result.errorKind().isPresent()) {
            refused.add(result);
          }
        }
        assertThat(refused).as("sends the full buffer refused").isNotEmpty()
            .allSatisfy(result -> assertThat(result.error()).hasValueSatisfying(cause -> assertThat(cause).hasMessageContaining("EAGAIN")));
        ns.exec("tc", "qdisc", "del", "dev", "slow0", "root"); // frees what it held
        assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).isReply()).as("the socket sends again").isTrue();
      }
    }
  }

  /** Pings until a reply, for at most 5 s: a fresh veth link needs a moment before it passes traffic. */
  private static boolean awaitReply(PingEngine engine, InetAddress target) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (await(engine.ping(target)).isReply()) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  @Test
  void aForeignFloodOnTheSameTargetCausesNoMismatch() throws Exception {
    requireNamespaces();
    assumeTrue(Commands.exists("ping"), "ping is not installed (Debian package iputils-ping)");
    try (var ns = NetNamespace.create();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()))) {
      var target = InetAddress.getByName("127.0.0.1");
      engine.open(IpFamily.IPV4);
      var flood = new ProcessBuilder("ip", "netns", "exec", ns.name(), "ping", "-f", "-q", "-c", "5000", "127.0.0.1")
          .redirectErrorStream(true).start();
      int probes = 0;
      try {
        while (flood.isAlive() && probes < 5_000) {
          PingResult result = await(engine.ping(target));
          assertThat(result.outcome()).isEqualTo(PingOutcome.REPLY);
          probes++;
        }
      } finally {
        flood.destroy();
        flood.waitFor();
      }
      EngineStats stats = engine.stats();
      Figures.report("foreign ping -f flood on the same target", stats, "");

      assertThat(probes).isPositive();
      assertThat(stats.replies()).isEqualTo(probes);
      assertThat(stats.malformed() + stats.duplicates() + stats.late() + stats.foreign()).isZero();
    }
  }
}
