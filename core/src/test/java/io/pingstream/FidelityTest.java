package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireNamespaces;
import static io.pingstream.testing.Requirements.requireNftables;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pingstream.testing.NetNamespace;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the engine reports is what happened on the wire, measured as the kernel saw it. */
class FidelityTest {

  @ParameterizedTest
  @CsvSource({"RAW, 127.0.0.1", "RAW, ::1", "DGRAM, 127.0.0.1", "DGRAM, ::1"})
  void repliesAreTimedByTheKernelAndCarryTheirTtl(SelectionPolicy policy, String address) throws Exception {
    requireNamespaces();
    var target = InetAddress.getByName(address);
    try (var ns = NetNamespace.create().allowDgram();
        var engine = PingEngine.create(PingOptions.defaults().policy(policy).namespace(ns.path()))) {
      int kernelTimed = 0;
      for (int i = 0; i < 20; i++) {
        PingResult result = await(engine.ping(target));

        assertThat(result.outcome()).isEqualTo(PingOutcome.REPLY);
        assertThat(result.replyTtl()).hasValue(64);
        // The kernel sees a loopback round trip in microseconds; the JVM's scheduling is not in it.
        assertThat(result.rtt().orElseThrow()).isLessThan(Duration.ofMillis(5));
        if (result.timestampSource().orElseThrow() == expectedSource()) {
          kernelTimed++;
        }
      }
      // The first replies may come before the kernel has turned receive stamps on (see
      // TimestampSource), and a wall-clock step between a send and its reply makes the engine
      // fall back to the JVM's clock rather than report a skewed RTT: both rare.
      assertThat(kernelTimed).isGreaterThanOrEqualTo(18);
    }
  }

  @ParameterizedTest
  @CsvSource({"RAW, 127.0.0.1", "RAW, ::1", "DGRAM, 127.0.0.1", "DGRAM, ::1"})
  void withoutTransmitTimestampsTheRoundTripStartsAtTheJvmsSend(SelectionPolicy policy, String address) throws Exception {
    requireNamespaces();
    var target = InetAddress.getByName(address);
    try (var ns = NetNamespace.create().allowDgram();
        var engine = PingEngine.create(PingOptions.defaults().policy(policy).namespace(ns.path()).transmitTimestamps(false))) {
      int receiveTimed = 0;
      for (int i = 0; i < 20; i++) {
        PingResult result = await(engine.ping(target));

        assertThat(result.outcome()).isEqualTo(PingOutcome.REPLY);
        assertThat(result.timestampSource()).isNotEqualTo(Optional.of(TimestampSource.KERNEL));
        if (result.timestampSource().orElseThrow() == TimestampSource.KERNEL_RECEIVE) {
          receiveTimed++;
        }
      }
      assertThat(receiveTimed).isGreaterThanOrEqualTo(18); // as above, a clock step falls back to USER
    }
  }

  @ParameterizedTest
  @CsvSource({"RAW, 127.0.0.1", "RAW, ::1", "DGRAM, 127.0.0.1", "DGRAM, ::1"})
  void anIcmpUnreachableIsAnErrorOutcomeLongBeforeTheTimeout(SelectionPolicy policy, String address) throws Exception {
    requireNftables();
    var target = InetAddress.getByName(address);
    boolean ipv6 = target.getAddress().length == 16;
    try (var ns = NetNamespace.create().allowDgram().nft(
            "add table inet reject_test",
            "add chain inet reject_test input { type filter hook input priority 0 ; }",
            "add rule inet reject_test input icmp type echo-request reject with icmp type host-unreachable",
            "add rule inet reject_test input icmpv6 type echo-request reject with icmpv6 type admin-prohibited");
        var engine = PingEngine.create(PingOptions.defaults().policy(policy).namespace(ns.path()).timeout(Duration.ofSeconds(5)))) {
      engine.open(IpFamily.of(target));
      long start = System.nanoTime();
      PingResult result = await(engine.ping(target));
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(result.outcome()).as("%s", result).isEqualTo(PingOutcome.ERROR);
      assertThat(result.errorKind()).hasValue(ErrorKind.DESTINATION_UNREACHABLE);
      assertThat(result.error()).containsInstanceOf(IcmpErrorException.class);
      var error = (IcmpErrorException) result.error().orElseThrow();
      assertThat(error.type()).isEqualTo(ipv6 ? 1 : 3);
      assertThat(error.code()).isEqualTo(1); // IPv4 host unreachable, IPv6 administratively prohibited
      assertThat(error.reporter()).isEqualTo(target);
      assertThat(elapsed).isLessThan(Duration.ofSeconds(1));
      assertThat(engine.stats().icmpErrors()).isEqualTo(1);
      assertThat(engine.stats().timeouts()).isZero();
    }
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1", "::1"})
  void aSendRefusedByTheKernelIsASendFailureNamingTheErrno(String address) throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().nft(
            "add table inet output_test",
            "add chain inet output_test output { type filter hook output priority 0 ; }",
            "add rule inet output_test output icmp type echo-request drop",
            "add rule inet output_test output icmpv6 type echo-request drop");
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()))) {
      var target = InetAddress.getByName(address);
      PingResult result = await(engine.ping(target));

      assertThat(result.outcome()).isEqualTo(PingOutcome.ERROR);
      assertThat(result.errorKind()).hasValue(ErrorKind.SEND_FAILED);
      assertThat(result.error()).hasValueSatisfying(cause -> assertThat(cause)
          .isInstanceOf(NativeIoException.class)
          .hasMessageContaining("failed for " + AddressText.of(target) + ": EPERM (1) Operation not permitted"));
      assertThat(engine.stats().sendErrors()).isEqualTo(1);
      assertThat(engine.stats().inFlight()).isZero();
    }
  }

  @ParameterizedTest
  @CsvSource({"RAW, 127.0.0.1", "RAW, ::1", "DGRAM, 127.0.0.1", "DGRAM, ::1"})
  void dontFragmentRefusesPacketsLargerThanTheMtu(SelectionPolicy policy, String address) throws Exception {
    requireNamespaces();
    var target = InetAddress.getByName(address);
    var big = ProbeSettings.defaults().size(1400);
    try (var ns = NetNamespace.create().allowDgram()) {
      ns.exec("ip", "link", "set", "lo", "mtu", "1280");
      var options = PingOptions.defaults().policy(policy).namespace(ns.path());
      try (var fragmenting = PingEngine.create(options); var strict = PingEngine.create(options.dontFragment(true))) {
        assertThat(await(fragmenting.ping(target, big)).outcome()).isEqualTo(PingOutcome.REPLY);
        assertThat(await(strict.ping(target, ProbeSettings.defaults().size(1280))).outcome()).isEqualTo(PingOutcome.REPLY);

        PingResult refused = await(strict.ping(target, big));
        assertThat(refused.errorKind()).hasValue(ErrorKind.SEND_FAILED);
        assertThat(refused.error()).hasValueSatisfying(cause -> assertThat(cause).hasMessageContaining("EMSGSIZE"));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"RAW", "DGRAM"})
  void socketsBindToTheNamedInterface(SelectionPolicy policy) throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().allowDgram()) {
      var options = PingOptions.defaults().policy(policy).namespace(ns.path());
      try (var bound = PingEngine.create(options.interfaceName("lo"))) {
        assertThat(await(bound.ping(InetAddress.getByName("127.0.0.1"))).outcome()).isEqualTo(PingOutcome.REPLY);
      }
      try (var missing = PingEngine.create(options.interfaceName("nosuch0"))) {
        assertThatThrownBy(() -> missing.ping(InetAddress.getByName("127.0.0.1")).get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(NativeIoException.class)
            .hasMessage("setsockopt(..) failed for SO_BINDTODEVICE nosuch0: ENODEV (19) No such device");
      }
    }
  }

  /** Transmit stamps need a kernel that takes a per-packet key (6.13); older ones stamp receive only. */
  static TimestampSource expectedSource() {
    String[] version = System.getProperty("os.version").split("[.-]");
    int major = Integer.parseInt(version[0]);
    int minor = Integer.parseInt(version[1]);
    return major > 6 || (major == 6 && minor >= 13) ? TimestampSource.KERNEL : TimestampSource.KERNEL_RECEIVE;
  }
}
