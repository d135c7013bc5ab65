package io.pingstream;

import static io.pingstream.testing.Requirements.requireNamespaces;
import static io.pingstream.testing.Requirements.requireNftables;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.testing.NetNamespace;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LoopbackPingTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void rawSocketsPingLoopback(String address) throws Exception {
    requireRaw();
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      PingResult result = await(engine.ping(InetAddress.getByName(address)));

      assertReply(result, address);
      assertThat(engine.socketMode(IpFamily.of(result.target()))).contains(SocketMode.RAW);
      assertThat(result.bytes()).isEqualTo(address.contains(":") ? 24 : 44);
    }
  }

  @Test
  void rawIpv4ReadsTheReplyTtlFromTheIpHeader() throws Exception {
    requireRaw();
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).replyTtl()).hasValue(64);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void dgramSocketsPingLoopbackWherePingGroupRangeAllowsThem(String address) throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().allowDgram();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM).namespace(ns.path()))) {
      PingResult result = await(engine.ping(InetAddress.getByName(address)));

      assertReply(result, address);
      assertThat(engine.socketMode(IpFamily.of(result.target()))).contains(SocketMode.DGRAM);
    }
  }

  @Test
  void theDefaultPolicyPrefersDgram() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().allowDgram();
        var engine = PingEngine.create(PingOptions.defaults().namespace(ns.path()))) {
      assertThat(engine.open(IpFamily.IPV4)).isEqualTo(SocketMode.DGRAM);
      assertThat(engine.open(IpFamily.IPV6)).isEqualTo(SocketMode.DGRAM);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 1500, 9000, 65535})
  void repliesEchoTheWholePacketSize(int size) throws Exception {
    requireRaw();
    var settings = ProbeSettings.defaults().size(size);
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"), settings)).bytes()).isEqualTo(size - 20);
      assertThat(await(engine.ping(InetAddress.getByName("::1"), settings)).bytes()).isEqualTo(size - 40);
    }
  }

  @Test
  void aProbeLargerThanAnyBeforeIsNotCutToTheSlotsOfAReadUnderWay() throws Exception {
    requireRaw();
    // The receive loop sizes its reply slots for the largest probe sent, before each read. A
    // larger probe sent during a read had its reply cut to that read's slots; cut, a RAW IPv4
    // reply cannot have its checksum checked: malformed, and the probe timed out (3-8% here).
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    var settings = ProbeSettings.defaults().timeout(Duration.ofSeconds(1));
    List<InetAddress> burst = Collections.nCopies(60, loopback); // two reads: 32 replies, then 28
    for (int round = 0; round < 40; round++) {
      try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
        var handled = new AtomicInteger();
        engine.results().subscribe(result -> handled.incrementAndGet());
        List<CompletableFuture<PingResult>> larger = new ArrayList<>();
        for (int size = 2100; size < ProbeSettings.MAX_SIZE; size = 2 * size + 100) { // each outgrows the slots
          handled.set(0);
          engine.pingEach(burst, settings);
          long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
          while (handled.get() < 32 && System.nanoTime() < giveUp) {
            Thread.onSpinWait(); // until the first read is handled: the second one starts
          }
          larger.add(engine.ping(loopback, settings.size(size)));
        }
        for (var probe : larger) {
          assertThat(await(probe).outcome()).as("round %d, %s", round, engine.stats()).isEqualTo(PingOutcome.REPLY);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 1500, 9000, 65535})
  void dgramRepliesLargerThanTheReceiveSlotsCountWhole(int size) throws Exception {
    requireNamespaces();
    // The engine's receive slots hold default-size replies (2 KiB); a ping socket cuts a larger
    // reply to fit and does not say how long it was: such replies used to time out.
    var settings = ProbeSettings.defaults().size(size);
    try (var ns = NetNamespace.create().allowDgram();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM).namespace(ns.path()))) {
      PingResult ipv4 = await(engine.ping(InetAddress.getByName("127.0.0.1"), settings));
      PingResult ipv6 = await(engine.ping(InetAddress.getByName("::1"), settings));
      assertThat(ipv4.outcome()).isEqualTo(PingOutcome.REPLY);
      assertThat(ipv4.bytes()).isEqualTo(size - 20);
      assertThat(ipv6.outcome()).isEqualTo(PingOutcome.REPLY);
      assertThat(ipv6.bytes()).isEqualTo(size - 40);
      assertThat(engine.stats().malformed()).isZero();
    }
  }

  @Test
  void manyTargetsShareOneSocketAndEachResultNamesItsOwnTarget() throws Exception {
    requireRaw();
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      List<InetAddress> targets = new ArrayList<>();
      List<CompletableFuture<PingResult>> futures = new ArrayList<>();
      for (int i = 1; i <= 500; i++) {
        var target = InetAddress.getByName("127.1." + (i / 250) + "." + (i % 250 + 1));
        targets.add(target);
        futures.add(engine.ping(target));
      }
      for (int i = 0; i < targets.size(); i++) {
        PingResult result = await(futures.get(i));
        assertThat(result.outcome()).isEqualTo(PingOutcome.REPLY);
        assertThat(result.target()).isEqualTo(targets.get(i));
      }
      assertThat(engine.stats().replies()).isEqualTo(500);
      assertThat(engine.stats().inFlight()).isZero();
    }
  }

  @Test
  void sequenceNumbersWrapWithoutConfusingProbes() throws Exception {
    requireRaw();
    int probes = 66_000;
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      var target = InetAddress.getByName("127.0.0.1");
      List<CompletableFuture<PingResult>> window = new ArrayList<>();
      int wrapped = 0;
      int previous = -1;
      for (int i = 0; i < probes; i++) {
        window.add(engine.ping(target));
        if (window.size() == 200 || i == probes - 1) {
          for (var future : window) {
            PingResult result = await(future);
            assertThat(result.outcome()).isEqualTo(PingOutcome.REPLY);
            if (result.sequence() < previous) {
              wrapped++;
            }
            previous = result.sequence();
          }
          window.clear();
        }
      }
      assertThat(wrapped).isEqualTo(1);
      assertThat(engine.stats().replies()).isEqualTo(probes);
      assertThat(engine.stats().malformed()).isZero();
      assertThat(engine.stats().duplicates()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void aPerProbeTtlReachesTheWire(String address) throws Exception {
    requireNftables();
    // The namespace answers only requests that arrive with TTL / hop limit 7.
    try (var ns = NetNamespace.create().nft(
            "add table inet ttl_test",
            "add chain inet ttl_test input { type filter hook input priority 0 ; }",
            "add rule inet ttl_test input ip ttl != 7 icmp type echo-request drop",
            "add rule inet ttl_test input ip6 hoplimit != 7 icmpv6 type echo-request drop");
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()))) {
      var target = InetAddress.getByName(address);
      var fast = ProbeSettings.defaults().timeout(Duration.ofMillis(300));

      assertThat(await(engine.ping(target, fast.ttl(7))).outcome()).isEqualTo(PingOutcome.REPLY);
      assertThat(await(engine.ping(target, fast.ttl(8))).outcome()).isEqualTo(PingOutcome.TIMEOUT);
      assertThat(await(engine.ping(target, fast)).outcome()).isEqualTo(PingOutcome.TIMEOUT);
    }
  }

  @Test
  void anIpv4MappedAddressIsPingedOverIpv4() throws Exception {
    requireRaw();
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 1};
    var target = java.net.Inet6Address.getByAddress(null, mapped, -1);
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      PingResult result = await(engine.ping(target));
      assertReply(result, "127.0.0.1");
      assertThat(engine.socketMode(IpFamily.IPV6)).isEmpty();
    }
  }

  static PingResult await(CompletableFuture<PingResult> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  private static void assertReply(PingResult result, String address) throws Exception {
    assertThat(result.outcome()).as("%s", result).isEqualTo(PingOutcome.REPLY);
    assertThat(result.target()).isEqualTo(InetAddress.getByName(address));
    assertThat(result.rtt()).hasValueSatisfying(rtt -> assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(1)));
    assertThat(result.error()).isEmpty();
  }
}
