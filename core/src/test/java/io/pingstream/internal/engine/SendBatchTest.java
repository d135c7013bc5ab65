package io.pingstream.internal.engine;

import static io.pingstream.testing.Requirements.requireNamespaces;
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

  @Test
  void aSocketWhoseBatchesAreRefusedAsACallStopsTryingThem() throws Exception {
    requireRaw();
    // First batch: the refused sendmmsg, then 64 sends; the second batch tries sendmmsg no more.
    long calls = SyscallRefusal.call(SyscallRefusal.SENDMMSG, LibC.ENOSYS, () -> callsToSend(IpFamily.IPV4, PingOptions.defaults(), 64, 2));
    assertThat(calls).isEqualTo(1 + 64 + 64);
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
