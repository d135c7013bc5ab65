package io.pingstream.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pingstream.ProbeSettings;
import io.pingstream.reactor.AddressPreference;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeModulesTest {

  private static final InetAddress V4 = address("127.0.0.1");
  private static final InetAddress V6 = address("::1");

  @Test
  void withoutConfiguredModulesIcmpAloneExistsAndIsTheDefault() {
    var modules = new ProbeModules(Map.of());

    assertThat(modules.module(null)).isEqualTo(new ProbeModules.Module(null, null, null, null));
    assertThat(modules.module("icmp")).isNotNull();
    assertThat(modules.module("icmp_ipv6")).isNull();
    assertThat(modules.names()).containsExactly("icmp");
  }

  @Test
  void configuredModulesComeBesideIcmpUnlessTheyConfigureItToo() {
    var ipv6 = new ProbeModules.Module(AddressPreference.IPV6, null, null, null);
    var modules = new ProbeModules(Map.of("ping6", ipv6));

    assertThat(modules.module("ping6")).isEqualTo(ipv6);
    assertThat(modules.module(null)).isEqualTo(new ProbeModules.Module(null, null, null, null));
    assertThat(modules.names()).containsExactly("icmp", "ping6");
    assertThat(new ProbeModules(Map.of("icmp", ipv6)).module(null)).isEqualTo(ipv6);
  }

  @Test
  void theModulesFamilyIsPickedWhereTheNameHasItElseTheFirstAddress() {
    assertThat(ProbeModules.pick(List.of(V4, V6), AddressPreference.IPV6)).isEqualTo(V6);
    assertThat(ProbeModules.pick(List.of(V6, V4), AddressPreference.IPV4)).isEqualTo(V4);
    assertThat(ProbeModules.pick(List.of(V4), AddressPreference.IPV6)).isEqualTo(V4);
    assertThat(ProbeModules.pick(List.of(V6, V4), null)).isEqualTo(V6);
    assertThat(ProbeModules.pick(List.of(V6, V4), AddressPreference.ANY)).isEqualTo(V6);
  }

  @Test
  void aModulesSizeAndTtlApplyToTheProbeAndBadOnesStopTheAppAtStartup() {
    ProbeSettings settings = ProbeModules.settings(ProbeSettings.defaults(), new ProbeModules.Module(null, 1000, 8, null));
    assertThat(settings.size()).isEqualTo(1000);
    assertThat(settings.ttl()).hasValue(8);

    assertThatThrownBy(() -> new ProbeModules.Module(null, 20, null, null)).hasMessageContaining("size");
    assertThatThrownBy(() -> new ProbeModules.Module(null, null, 0, null)).hasMessageContaining("ttl");
    assertThatThrownBy(() -> new ProbeModules.Module(null, null, null, Duration.ZERO)).hasMessageContaining("timeout");
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
