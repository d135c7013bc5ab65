package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireNamespaces;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pingstream.testing.NetNamespace;
import io.pingstream.testing.NetNamespace.Commands;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SelectionPolicyTest {

  @Test
  void dgramRefusedByPingGroupRangeExplainsWhyAndHowToFixIt() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().forbidDgram();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM).namespace(ns.path()))) {
      assertThatThrownBy(() -> engine.open(IpFamily.IPV4))
          .isInstanceOfSatisfying(SocketUnavailableException.class, e -> {
            assertThat(e.family()).isEqualTo(IpFamily.IPV4);
            assertThat(e.attempts()).extracting(SocketUnavailableException.Attempt::mode).containsExactly(SocketMode.DGRAM);
            assertThat(e.attempts().get(0).error().errnoName()).isEqualTo("EACCES");
          })
          .hasMessageContaining("DGRAM: socket(..) failed: EACCES (13) Permission denied")
          .hasMessageContaining("net.ipv4.ping_group_range is \"1 0\"")
          .hasMessageContaining("group id is 0")
          .hasMessageContaining("sysctl -w net.ipv4.ping_group_range=\"0 0\"")
          .hasMessageContaining("CAP_NET_RAW");
      assertThat(engine.socketMode(IpFamily.IPV4)).isEmpty();
    }
  }

  @Test
  void theExplanationSurvivesSerialization() throws Exception {
    // Exceptions travel: RMI, cluster frameworks, a test runner in another JVM.
    var attempt = new SocketUnavailableException.Attempt(SocketMode.DGRAM, new NativeIoException("socket", 13, "EACCES", "Permission denied", ""));
    var original = new SocketUnavailableException(IpFamily.IPV4, java.util.List.of(attempt), "no socket");
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(original);
    }
    try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      var copy = (SocketUnavailableException) in.readObject();
      assertThat(copy.family()).isEqualTo(IpFamily.IPV4);
      assertThat(copy.attempts()).singleElement().satisfies(a -> {
        assertThat(a.mode()).isEqualTo(SocketMode.DGRAM);
        assertThat(a.error().errnoName()).isEqualTo("EACCES");
      });
    }
  }

  @Test
  void aProbeWithoutAnySocketFailsWithTheSameExplanation() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().forbidDgram();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM).namespace(ns.path()))) {
      var future = engine.ping(InetAddress.getByName("::1"));
      assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(SocketUnavailableException.class).hasMessageContaining("IPV6");
    }
  }

  @Test
  void dgramRawFallsBackToRawWhenDgramIsRefused() throws Exception {
    requireNamespaces();
    io.pingstream.testing.Requirements.requireRaw();
    try (var ns = NetNamespace.create().forbidDgram();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM_RAW).namespace(ns.path()))) {
      assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).outcome()).isEqualTo(PingOutcome.REPLY);
      assertThat(engine.socketMode(IpFamily.IPV4)).contains(SocketMode.RAW);
      // Paced streams ask before every probe: the answer is not made anew each time (16 B a probe).
      assertThat(engine.socketMode(IpFamily.IPV4)).isSameAs(engine.socketMode(IpFamily.IPV4));
    }
  }

  @Test
  void withoutCapNetRawRawFailsClearlyAndRawDgramFallsBackToDgram() throws Exception {
    requireNamespaces();
    assumeTrue(Commands.exists("capsh"), "capsh is not installed (Debian package libcap2-bin)");
    try (var ns = NetNamespace.create().allowDgram()) {
      String raw = runWithoutNetRaw(ns.path(), SelectionPolicy.RAW);
      assertThat(raw)
          .contains("cannot open an ICMP socket for IPV4 with policy RAW")
          .contains("RAW: socket(..) failed: EPERM (1) Operation not permitted");

      String rawDgram = runWithoutNetRaw(ns.path(), SelectionPolicy.RAW_DGRAM);
      assertThat(rawDgram).contains("mode=DGRAM outcome=REPLY");
    }
  }

  /** Runs {@link PolicyProbeMain} in a child JVM whose capability bounding set lacks CAP_NET_RAW. */
  private static String runWithoutNetRaw(Path namespace, SelectionPolicy policy) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = String.join(" ", List.of(
        java, "-cp", System.getProperty("java.class.path"), PolicyProbeMain.class.getName(), namespace.toString(), policy.name()));
    var process = new ProcessBuilder("capsh", "--drop=cap_net_raw", "--", "-c", command).redirectErrorStream(true).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
