package io.pingstream.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pingstream.IpFamily;
import io.pingstream.PingOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.test.StepVerifier;

/** Bad arguments fail fast with clear messages, and nothing is sent before subscription. No privileges needed. */
class PingerArgumentsTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final Pinger pinger = Pinger.create();

  @AfterEach
  void close() {
    pinger.close();
  }

  @Test
  void nullsAreRefusedNamingTheParameter() {
    var options = StreamOptions.defaults();
    assertNpe(() -> Pinger.create(null), "options");
    assertNpe(() -> Pinger.create(PingOptions.defaults(), null), "preference");
    assertNpe(() -> pinger.ping((InetAddress) null), "target");
    assertNpe(() -> pinger.ping(LOOPBACK, null), "settings");
    assertNpe(() -> pinger.ping((String) null), "host");
    assertNpe(() -> pinger.probe((InetAddress) null), "target");
    assertNpe(() -> pinger.probe("localhost", null), "settings");
    assertNpe(() -> pinger.resolve(null), "host");
    assertNpe(() -> pinger.stream((InetAddress) null, options), "target");
    assertNpe(() -> pinger.stream(LOOPBACK, (StreamOptions) null), "options");
    assertNpe(() -> pinger.stream("localhost", null), "options");
    assertNpe(() -> pinger.stream(LOOPBACK, (Duration) null), "interval");
    assertNpe(() -> pinger.pingAll((List<InetAddress>) null, options), "targets");
    assertNpe(() -> pinger.pingAll(Arrays.asList(LOOPBACK, null), options), "targets must not contain null");
    assertNpe(() -> pinger.pingAll((Publisher<List<InetAddress>>) null, options), "targetSets");
    assertNpe(() -> pinger.pingAll(List.of(LOOPBACK), (StreamOptions) null), "options");
  }

  @Test
  void aNonPositiveIntervalOrCountIsRefusedAtAssembly() {
    assertThatThrownBy(() -> pinger.stream(LOOPBACK, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be in [PT0.001S, PT24H], was PT0S");
    assertThatThrownBy(() -> pinger.pingAll(List.of(LOOPBACK), Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be in [PT0.001S, PT24H], was PT-0.005S");
    assertThatThrownBy(() -> pinger.pingAll(List.of(LOOPBACK), Duration.ofSeconds(1), -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count must be in [1, 9223372036854775807], was -1");
    assertThatThrownBy(() -> pinger.ping(" ")).isInstanceOf(IllegalArgumentException.class).hasMessage("host must not be blank");
  }

  @Test
  void anUnknownHostIsAnErrorSignalNamingTheHostAndSendsNothing() {
    StepVerifier.create(pinger.ping("no.such.host.invalid"))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(UnknownHostException.class).hasMessageContaining("no.such.host.invalid"))
        .verify(Duration.ofSeconds(10));
    StepVerifier.create(pinger.stream("no.such.host.invalid", StreamOptions.defaults()))
        .expectError(UnknownHostException.class)
        .verify(Duration.ofSeconds(10));
    assertThat(pinger.engine().stats().sent()).isZero();
  }

  @Test
  void nothingIsSentOrOpenedBeforeSubscription() {
    pinger.ping(LOOPBACK);
    pinger.probe("localhost");
    pinger.stream(LOOPBACK, Duration.ofMillis(10));
    pinger.pingAll(List.of(LOOPBACK), Duration.ofMillis(10), 3);

    assertThat(pinger.engine().stats().sent()).isZero();
    assertThat(pinger.engine().socketMode(IpFamily.IPV4)).isEmpty();
  }

  @Test
  void thePingerReportsItsOptions() {
    var options = PingOptions.defaults().timeout(Duration.ofMillis(300));
    try (var custom = Pinger.create(options, AddressPreference.IPV6)) {
      assertThat(custom.options()).isSameAs(options);
      assertThat(custom.engine().options()).isSameAs(options);
      assertThat(custom.addressPreference()).isEqualTo(AddressPreference.IPV6);
    }
    assertThat(pinger.addressPreference()).isEqualTo(AddressPreference.ANY);
  }

  private static void assertNpe(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOf(NullPointerException.class).hasMessage(message);
  }
}
