package io.pingstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PingOptionsTest {

  @Test
  void defaultsFollowGufoPingAndLeastPrivilege() {
    var options = PingOptions.defaults();
    assertThat(options.policy()).isEqualTo(SelectionPolicy.DGRAM_RAW);
    assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.size()).isEqualTo(64);
    assertThat(options.ttl()).isEmpty();
    assertThat(options.tos()).isEmpty();
    assertThat(options.source(IpFamily.IPV4)).isEmpty();
    assertThat(options.receiveBufferSize()).isEqualTo(4 << 20);
    assertThat(options.sendBufferSize()).isZero();
    assertThat(options.namespace()).isEmpty();
    assertThat(options.transmitTimestamps()).isTrue();
  }

  @Test
  void settersReturnCopiesAndLeaveTheOriginalAlone() {
    var defaults = PingOptions.defaults();
    var changed = defaults.policy(SelectionPolicy.RAW).timeout(Duration.ofMillis(250)).size(1500).ttl(3).tos(0x10)
        .receiveBufferSize(1 << 20).sendBufferSize(65536).namespace(Path.of("/run/netns/blue")).transmitTimestamps(false);
    assertThat(changed.policy()).isEqualTo(SelectionPolicy.RAW);
    assertThat(changed.timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(changed.size()).isEqualTo(1500);
    assertThat(changed.ttl()).hasValue(3);
    assertThat(changed.tos()).hasValue(0x10);
    assertThat(changed.receiveBufferSize()).isEqualTo(1 << 20);
    assertThat(changed.sendBufferSize()).isEqualTo(65536);
    assertThat(changed.namespace()).contains(Path.of("/run/netns/blue"));
    assertThat(changed.transmitTimestamps()).isFalse();
    assertThat(defaults.policy()).isEqualTo(SelectionPolicy.DGRAM_RAW);
    assertThat(defaults.transmitTimestamps()).isTrue();
    assertThat(defaults.ttl()).isEmpty();
  }

  @Test
  void keepsOneSourcePerFamily() throws Exception {
    var v4 = InetAddress.getByName("127.0.0.2");
    var v6 = InetAddress.getByName("::1");
    var options = PingOptions.defaults().source(v4).source(v6);
    assertThat(options.source(IpFamily.IPV4)).contains(v4);
    assertThat(options.source(IpFamily.IPV6)).contains(v6);
  }

  @Test
  void refusesOutOfRangeValuesNamingOptionValueAndRange() {
    var options = PingOptions.defaults();
    assertThatThrownBy(() -> options.size(63)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size must be in [64, 65535], was 63");
    assertThatThrownBy(() -> options.size(65536)).hasMessage("size must be in [64, 65535], was 65536");
    assertThatThrownBy(() -> options.ttl(0)).hasMessage("ttl must be in [1, 255], was 0");
    assertThatThrownBy(() -> options.ttl(256)).hasMessage("ttl must be in [1, 255], was 256");
    assertThatThrownBy(() -> options.tos(-1)).hasMessage("tos must be in [0, 255], was -1");
    assertThatThrownBy(() -> options.tos(256)).hasMessage("tos must be in [0, 255], was 256");
    assertThatThrownBy(() -> options.receiveBufferSize(100)).hasMessage("receiveBufferSize must be 0 (the system's default) or in [4096, 1073741824], was 100");
    assertThatThrownBy(() -> options.sendBufferSize(-1)).hasMessage("sendBufferSize must be 0 (the system's default) or in [4096, 1073741824], was -1");
    assertThatThrownBy(() -> options.timeout(Duration.ZERO)).hasMessage("timeout must be in (0s, 3600s], was PT0S");
    assertThatThrownBy(() -> options.timeout(Duration.ofMillis(-5))).hasMessage("timeout must be in (0s, 3600s], was PT-0.005S");
    assertThatThrownBy(() -> options.timeout(Duration.ofHours(2))).hasMessage("timeout must be in (0s, 3600s], was PT2H");
  }

  @Test
  void refusesNullsAndNonUnicastSources() throws Exception {
    var options = PingOptions.defaults();
    assertThatThrownBy(() -> options.policy(null)).isInstanceOf(NullPointerException.class).hasMessage("policy");
    assertThatThrownBy(() -> options.timeout(null)).isInstanceOf(NullPointerException.class).hasMessage("timeout");
    assertThatThrownBy(() -> options.namespace(null)).isInstanceOf(NullPointerException.class).hasMessage("namespace");
    assertThatThrownBy(() -> options.source(InetAddress.getByName("0.0.0.0"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("source must be a unicast address, was 0.0.0.0");
    assertThatThrownBy(() -> options.source(InetAddress.getByName("224.0.0.1"))).hasMessageContaining("224.0.0.1");
    assertThatThrownBy(() -> options.source(InetAddress.getByName("255.255.255.255"))).hasMessageContaining("unicast");
  }

  @Test
  void probeSettingsValidateLikeOptions() {
    var settings = ProbeSettings.defaults();
    assertThat(settings.timeout(Duration.ofSeconds(2)).ttl(9).size(100).defaultTtl().ttl()).isEmpty();
    assertThatThrownBy(() -> settings.size(10)).hasMessage("size must be in [64, 65535], was 10");
    assertThatThrownBy(() -> settings.ttl(300)).hasMessage("ttl must be in [1, 255], was 300");
  }

  @Test
  void policiesTryModesInGufoOrder() {
    assertThat(SelectionPolicy.RAW.modes()).containsExactly(SocketMode.RAW);
    assertThat(SelectionPolicy.RAW_DGRAM.modes()).containsExactly(SocketMode.RAW, SocketMode.DGRAM);
    assertThat(SelectionPolicy.DGRAM_RAW.modes()).containsExactly(SocketMode.DGRAM, SocketMode.RAW);
    assertThat(SelectionPolicy.DGRAM.modes()).containsExactly(SocketMode.DGRAM);
  }
}
