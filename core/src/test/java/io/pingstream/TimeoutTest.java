package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireNftables;
import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.testing.NetNamespace;
import java.net.InetAddress;
import java.time.Duration;
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
}
