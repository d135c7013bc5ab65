package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireNamespaces;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pingstream.testing.NetNamespace;
import java.net.InetAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each odd kind of target gets its documented behaviour, never a hang or a wrong answer. */
class OddTargetsTest {

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255"})
  void targetsWhoseRepliesCannotBeMatchedAreRefusedAtOnce(String address) throws Exception {
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      var future = engine.ping(InetAddress.getByName(address));

      assertThatThrownBy(() -> future.get(1, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(TargetRefusedException.class)
          .hasMessageStartingWith("cannot ping " + AddressText.of(InetAddress.getByName(address)))
          .extracting(cause -> ((TargetRefusedException) cause).target()).isEqualTo(InetAddress.getByName(address));
      assertThat(engine.socketMode(IpFamily.IPV4)).isEmpty(); // refused before any socket opened
    }
  }

  @Test
  void aLinkLocalIpv6AddressNeedsAScope() throws Exception {
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      assertThatThrownBy(() -> engine.ping(InetAddress.getByName("fe80::1")).get(1, TimeUnit.SECONDS))
          .cause().isInstanceOf(TargetRefusedException.class)
          .hasMessage("cannot ping fe80::1: a link-local address needs a scope, e.g. fe80::1%eth0");
    }
  }

  @Test
  void aLinkLocalIpv6AddressWithAScopeIsPinged() throws Exception {
    requireNamespaces();
    // Inside a namespace of our own: the link-local address lives on its loopback only.
    try (var ns = NetNamespace.create()) {
      ns.exec("ip", "-6", "addr", "add", "fe80::99/64", "dev", "lo", "nodad");
      // The kernel installs the address's local route a moment after the address itself.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!ns.exec("ip", "-6", "route", "show", "table", "local").contains("fe80::99") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      int loIndex = Integer.parseInt(ns.exec("cat", "/sys/class/net/lo/ifindex").trim());
      var target = java.net.Inet6Address.getByAddress(null, InetAddress.getByName("fe80::99").getAddress(), loIndex);
      try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()))) {
        assertThat(await(engine.ping(target)).outcome()).isEqualTo(PingOutcome.REPLY);
      }
    }
  }

  @Test
  void nullArgumentsAreRefusedWithTheirName() {
    try (var engine = PingEngine.create(PingOptions.defaults())) {
      assertThatThrownBy(() -> engine.ping(null)).isInstanceOf(NullPointerException.class).hasMessage("target");
      assertThatThrownBy(() -> engine.ping(InetAddress.getLoopbackAddress(), null))
          .isInstanceOf(NullPointerException.class).hasMessage("settings");
      assertThatThrownBy(() -> PingEngine.create(null)).isInstanceOf(NullPointerException.class).hasMessage("options");
    }
  }
}
