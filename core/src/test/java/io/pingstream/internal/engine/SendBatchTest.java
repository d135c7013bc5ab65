package io.pingstream.internal.engine;

import static io.pingstream.testing.Requirements.requireNamespaces;
import static io.pingstream.testing.Requirements.requireNftables;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pingstream.IpFamily;
import io.pingstream.PingOptions;
import io.pingstream.ProbeSettings;
import io.pingstream.SocketMode;
import io.pingstream.internal.jna.LibC;
import io.pingstream.testing.NetNamespace;
import io.pingstream.testing.SyscallRefusal;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How many system calls sends take: a batch ({@link IcmpSocket#sendAll}), a refused send. */
class SendBatchTest {

  private static final long SIGNATURE = 0x5EED;
  private final ProbeTable table = new ProbeTable(new Counters(), result -> {});

  @ParameterizedTest
  @EnumSource(IpFamily.class)
  void aBatchGoesToTheKernelInOneCallWhereTheKernelStampsEachRequest(IpFamily family) throws Exception {
    requireRaw();
    assertThat(callsToSend(family, PingOptions.defaults(), 64)).isEqualTo(1);
  }

  @Test
  void withoutTransmitStampsEachProbeHasACallOfItsOwn() throws Exception {
    requireRaw();
    assertThat(callsToSend(IpFamily.IPV4, PingOptions.defaults().transmitTimestamps(false), 64)).isEqualTo(64);
  }

  @ParameterizedTest(name = "sendmmsg fails with errno {0}")
  @ValueSource(ints = {LibC.ENOSYS, LibC.EPERM})
  void aSocketWhoseBatchesAreRefusedAsACallStopsTryingThem(int errno) throws Exception {
    requireRaw();
    // First batch: the refused sendmmsg (for EPERM, and a call of no messages refused too: not a
    // firewall's), then 64 sends; the second batch tries sendmmsg no more.
    long calls = SyscallRefusal.call(SyscallRefusal.SENDMMSG, errno, () -> callsToSend(IpFamily.IPV4, PingOptions.defaults(), 64, 2));
    assertThat(calls).isEqualTo((errno == LibC.EPERM ? 2 : 1) + 64 + 64);
  }

  @Test
  void aMessageAFirewallRefusesOnlyNowLeavesTheSocketSendingBatches() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().nft(
        "add table inet output_test",
        "add chain inet output_test output { type filter hook output priority 0 ; }",
        // Every other request to 127.0.0.2 is dropped, as a rate limit may: sent again, the
        // refused message would pass, and pass for a refusal of the call.
        "add rule inet output_test output ip daddr 127.0.0.2 icmp type echo-request numgen inc mod 2 0 drop")) {
      IcmpSocket socket = NetworkNamespace.call(ns.path(),
          () -> IcmpSocket.open(IpFamily.IPV4, SocketMode.RAW, PingOptions.defaults(), 0x1234, SIGNATURE));
      try {
        assumeTrue(socket.stampsTransmit(), "per-packet transmit stamps need Linux 6.13");
        var first = probes(64);
        first[0] = new PendingProbe(InetAddress.getByName("127.0.0.2"), IpFamily.IPV4, ProbeSettings.defaults(), table);
        int[] errnos = new int[64];

        socket.sendAll(first, 64, table, SIGNATURE, errnos);

        assertThat(errnos[0]).isEqualTo(LibC.EPERM);
        assertThat(socket.sendCalls()).isEqualTo(3); // the refused message, the call of none, the rest

        socket.sendAll(probes(64), 64, table, SIGNATURE, errnos);

        assertThat(errnos).containsOnly(0);
        assertThat(socket.sendCalls()).isEqualTo(3 + 1);
      } finally {
        socket.close();
      }
    }
  }

  @Test
  void underASeccompFilterAProbeAFirewallRefusesStillFailsAlone() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().nft(
        "add table inet output_test",
        "add chain inet output_test output { type filter hook output priority 0 ; }",
        "add rule inet output_test output ip daddr 127.0.0.2 icmp type echo-request drop")) {
      IcmpSocket socket = NetworkNamespace.call(ns.path(),
          () -> IcmpSocket.open(IpFamily.IPV4, SocketMode.RAW, PingOptions.defaults(), 0x1234, SIGNATURE));
      try {
        assumeTrue(socket.stampsTransmit(), "per-packet transmit stamps need Linux 6.13");
        var probes = probes(40);
        for (int refused : new int[] {0, 17, 39}) {
          probes[refused] = new PendingProbe(InetAddress.getByName("127.0.0.2"), IpFamily.IPV4, ProbeSettings.defaults(), table);
        }
        int[] errnos = new int[40];

        SyscallRefusal.call(SyscallRefusal.SENDMMSG, LibC.EPERM, () -> {
          socket.sendAll(probes, 40, table, SIGNATURE, errnos);
          return null;
        });

        for (int i = 0; i < 40; i++) {
          assertThat(errnos[i]).as("probe %d", i).isEqualTo(i == 0 || i == 17 || i == 39 ? LibC.EPERM : 0);
        }
        assertThat(table.inFlight()).isEqualTo(40);
      } finally {
        socket.close();
      }
    }
  }

  private PendingProbe[] probes(int count) throws Exception {
    var probes = new PendingProbe[count];
    for (int i = 0; i < count; i++) {
      probes[i] = new PendingProbe(InetAddress.getByName("127.0.0.1"), IpFamily.IPV4, ProbeSettings.defaults(), table);
    }
    return probes;
  }

  @Test
  void aPingSocketTriesARefusedSendOnceMoreOnlyWhileNoIcmpErrorsComeIn() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().allowDgram()) {
      // The route refuses the send here (EHOSTUNREACH): no packet is made.
      ns.exec("ip", "route", "add", "unreachable", "10.99.1.1/32");
      IcmpSocket socket = NetworkNamespace.call(ns.path(),
          () -> IcmpSocket.open(IpFamily.IPV4, SocketMode.DGRAM, PingOptions.defaults(), 0x1234, SIGNATURE));
      try {
        var probe = new PendingProbe(InetAddress.getByName("10.99.1.1"), IpFamily.IPV4, ProbeSettings.defaults(), table);

        assertThat(socket.send(probe, table, SIGNATURE)).isEqualTo(113); // EHOSTUNREACH
        // The failure might have been another probe's ICMP error left pending: one more try.
        assertThat(socket.sendCalls()).isEqualTo(2);

        socket.icmpErrorRead(); // as the receive loop does: errors come in, several may be left
        var next = new PendingProbe(InetAddress.getByName("10.99.1.1"), IpFamily.IPV4, ProbeSettings.defaults(), table);
        assertThat(socket.send(next, table, SIGNATURE)).isEqualTo(113);
        assertThat(socket.sendCalls()).isEqualTo(2 + 9);
      } finally {
        socket.close();
      }
    }
  }

  private long callsToSend(IpFamily family, PingOptions options, int count) throws Exception {
    return callsToSend(family, options, count, 1);
  }

  /** System calls that {@code batches} calls of {@link IcmpSocket#sendAll} of {@code count} probes make. */
  private long callsToSend(IpFamily family, PingOptions options, int count, int batches) throws Exception {
    IcmpSocket socket = IcmpSocket.open(family, SocketMode.RAW, options, 0x1234, SIGNATURE);
    try {
      assumeTrue(socket.stampsTransmit() == options.transmitTimestamps(), "per-packet transmit stamps need Linux 6.13");
      var target = InetAddress.getByName(family == IpFamily.IPV4 ? "127.0.0.1" : "::1");
      for (int batch = 0; batch < batches; batch++) {
        var probes = new PendingProbe[count];
        for (int i = 0; i < count; i++) {
          probes[i] = new PendingProbe(target, family, ProbeSettings.defaults(), table);
        }
        int[] errnos = new int[count];

        socket.sendAll(probes, count, table, SIGNATURE, errnos);

        assertThat(errnos).containsOnly(0);
      }
      assertThat(table.inFlight()).isEqualTo((long) count * batches);
      return socket.sendCalls();
    } finally {
      socket.close();
    }
  }
}
