package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireNftables;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.testing.NetNamespace;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeoutTest {

  /** How late a timeout may be reported: poll(2) rounds to milliseconds, plus scheduling. */
  private static final Duration TOLERANCE = Duration.ofMillis(100);

  @ParameterizedTest
  @CsvSource({"RAW, 127.0.0.1", "RAW, ::1", "DGRAM, 127.0.0.1", "DGRAM, ::1"})
  void aSilentTargetTimesOutAfterTheTimeoutNotBefore(SelectionPolicy policy, String address) throws Exception {
    requireNftables();
    var timeout = Duration.ofMillis(300);
    try (var ns = NetNamespace.create().allowDgram().dropEchoRequests();
        var engine = PingEngine.create(PingOptions.defaults().policy(policy).namespace(ns.path()).timeout(timeout))) {
      engine.open(IpFamily.of(InetAddress.getByName(address)));
      long start = System.nanoTime();
      PingResult result = await(engine.ping(InetAddress.getByName(address)));
      Duration waited = Duration.ofNanos(System.nanoTime() - start);

      assertThat(result.outcome()).isEqualTo(PingOutcome.TIMEOUT);
      assertThat(result.rtt()).isEmpty();
      assertThat(waited).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.plus(TOLERANCE));
      assertThat(engine.stats().timeouts()).isEqualTo(1);
      assertThat(engine.stats().inFlight()).isZero();
    }
  }

  @ParameterizedTest
  @CsvSource({"50", "400"})
  void probesWithDifferentTimeoutsExpireInDeadlineOrder(long shortMillis) throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().dropEchoRequests();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()))) {
      var target = InetAddress.getByName("127.0.0.1");
      long start = System.nanoTime();
      var slow = engine.ping(target, ProbeSettings.defaults().timeout(Duration.ofMillis(600)));
      var fast = engine.ping(target, ProbeSettings.defaults().timeout(Duration.ofMillis(shortMillis)));

      await(fast);
      Duration fastDone = Duration.ofNanos(System.nanoTime() - start);
      await(slow);
      Duration slowDone = Duration.ofNanos(System.nanoTime() - start);

      // The later-sent, earlier-due probe must wake the sleeping loop, not wait for the first.
      assertThat(fastDone).isGreaterThanOrEqualTo(Duration.ofMillis(shortMillis)).isLessThan(Duration.ofMillis(shortMillis).plus(TOLERANCE));
      assertThat(slowDone).isGreaterThanOrEqualTo(Duration.ofMillis(600)).isLessThan(Duration.ofMillis(600).plus(TOLERANCE));
    }
  }

  @Test
  void aResultsSubscriberThrowingAnErrorLeavesTheOtherTimeoutsOfItsBatchOnTime() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().nft(
            "add table inet silent",
            "add chain inet silent input { type filter hook input priority 0 ; }",
            "add rule inet silent input ip daddr 127.0.0.1 icmp type echo-request drop");
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path())
            .timeout(Duration.ofMillis(300)))) {
      // A reply holds the receive thread until the ten timeouts are all due: they come as one
      // batch, whose first one meets a LinkageError (which Reactor rethrows from a subscriber).
      var firstTimeout = new AtomicBoolean(true);
      engine.results().subscribe(result -> {
        if (result.outcome() == PingOutcome.REPLY) {
          sleep(Duration.ofMillis(500));
        } else if (firstTimeout.getAndSet(false)) {
          throw new NoClassDefFoundError("simulated");
        }
      });
      engine.open(IpFamily.IPV4);
      var probes = new ArrayList<CompletableFuture<PingResult>>();
      for (int i = 0; i < 10; i++) {
        probes.add(engine.ping(InetAddress.getByName("127.0.0.1")));
      }
      engine.ping(InetAddress.getByName("127.0.0.2"));

      for (var probe : probes) {
        assertThat(await(probe).outcome()).isEqualTo(PingOutcome.TIMEOUT);
      }
      assertThat(engine.stats().inFlight()).isZero();
      assertThat(engine.isClosed()).isFalse();
    }
  }

  @Test
  void aReplyThatCameInTimeIsAReplyThoughTheReceiveThreadWasHeldPastItsDeadline() throws Exception {
    requireRaw();
    // As a GC pause or a throttled CPU holds the receive thread: replies queued meanwhile came in
    // time, and the kernel's receive stamps say so; only the reading is late.
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).timeout(Duration.ofMillis(100)))) {
      CountDownLatch held = holdTheReceiveThreadOnTheFirstResult(engine, Duration.ofMillis(400));
      var holding = engine.ping(InetAddress.getByName("127.0.0.1"));
      held.await();
      var queued = engine.ping(InetAddress.getByName("127.0.0.2")); // answered at once, read 400 ms later

      assertThat(await(holding).outcome()).isEqualTo(PingOutcome.REPLY);
      PingResult result = await(queued);
      assertThat(result.outcome()).as("%s", result).isEqualTo(PingOutcome.REPLY);
      assertThat(result.rtt()).get().asInstanceOf(InstanceOfAssertFactories.DURATION).isLessThan(Duration.ofMillis(100));
    }
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1, 127.0.0.2, false", "127.0.0.1, 127.0.0.2, true", "::1, ::2, false", "::1, ::2, true"})
  void anIcmpErrorThatCameInTimeIsAnErrorThoughTheReceiveThreadWasHeldPastItsDeadline(
      String answering, String rejecting, boolean transmitTimestamps) throws Exception {
    requireNftables();
    // As for a reply (above), but to a ping socket, which queues ICMP errors in its error queue,
    // not with the replies: a RAW socket reported the error, a DGRAM one timed the probe out.
    try (var ns = NetNamespace.create().allowDgram().nft(
            "add table inet refuse",
            "add chain inet refuse input { type filter hook input priority 0 ; }",
            "add rule inet refuse input ip daddr 127.0.0.2 icmp type echo-request reject with icmp type host-unreachable",
            "add rule inet refuse input ip6 daddr ::2 icmpv6 type echo-request reject with icmpv6 type admin-prohibited");
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM).namespace(ns.path())
            .transmitTimestamps(transmitTimestamps).timeout(Duration.ofMillis(100)))) {
      ns.exec("ip", "-6", "addr", "add", "::2/128", "dev", "lo");
      CountDownLatch held = holdTheReceiveThreadOnTheFirstResult(engine, Duration.ofMillis(400));
      var holding = engine.ping(InetAddress.getByName(answering));
      held.await();
      var refused = engine.ping(InetAddress.getByName(rejecting)); // refused at once, read 400 ms later

      assertThat(await(holding).outcome()).isEqualTo(PingOutcome.REPLY);
      PingResult result = await(refused);
      assertThat(result.outcome()).as("%s, %s", result, engine.stats()).isEqualTo(PingOutcome.ERROR);
      assertThat(result.errorKind()).contains(ErrorKind.DESTINATION_UNREACHABLE);
    }
  }

  @Test
  void aTimeoutThatFallsDueWhileASubscriberHoldsTheThreadIsReportedOnceItLetsGo() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().dropEchoRequests();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()))) {
      engine.results().subscribe(result -> {
        if (result.target().getAddress()[3] == 1) {
          sleep(Duration.ofMillis(300)); // holds the receive thread past the other deadline
        }
      });
      engine.open(IpFamily.IPV4);
      long start = System.nanoTime();
      var holding = engine.ping(InetAddress.getByName("127.0.0.1"), ProbeSettings.defaults().timeout(Duration.ofMillis(100)));
      var other = engine.ping(InetAddress.getByName("127.0.0.2"), ProbeSettings.defaults().timeout(Duration.ofMillis(250)));

      assertThat(await(holding).outcome()).isEqualTo(PingOutcome.TIMEOUT);
      assertThat(await(other).outcome()).isEqualTo(PingOutcome.TIMEOUT);
      // Due at 250 ms, free to be reported at 400 ms: the loop's wait must not count from before.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400).plus(TOLERANCE));
    }
  }

  /** A results subscriber that holds the receive thread on the first result, as a GC pause would. */
  private static CountDownLatch holdTheReceiveThreadOnTheFirstResult(PingEngine engine, Duration hold) {
    var held = new CountDownLatch(1);
    var first = new AtomicBoolean(true);
    engine.results().subscribe(result -> {
      if (first.getAndSet(false)) {
        held.countDown();
        sleep(hold);
      }
    });
    return held;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
