package io.pingstream.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Names resolve from {@code src/test/resources/hosts} (surefire sets {@code jdk.net.hosts.file}),
 * so no lookup here reaches a DNS server.
 */
class HostResolverTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @BeforeAll
  static void namesResolveFromTheTestHostsFileOnly() {
    assertThat(System.getProperty("jdk.net.hosts.file")).as("surefire must point jdk.net.hosts.file at the test hosts file").endsWith("hosts");
  }

  private static HostResolver system(AddressPreference preference) {
    return new HostResolver(preference, InetAddress::getAllByName, Schedulers.boundedElastic());
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "::1", "fe80::1", "[::1]", "::ffff:127.0.0.1"})
  void literalsAreParsedOnTheSubscribingThreadWithoutLookup(String literal) throws Exception {
    var resolver = new HostResolver(AddressPreference.ANY, host -> {
      throw new AssertionError("looked up " + host);
    }, Schedulers.boundedElastic());
    AtomicReference<Thread> emittedOn = new AtomicReference<>();

    StepVerifier.create(resolver.resolve(literal).doOnNext(address -> emittedOn.set(Thread.currentThread())))
        .expectNext(InetAddress.getByName(literal))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(emittedOn.get()).isSameAs(Thread.currentThread());
  }

  @Test
  void namesAreLookedUpOnBoundedElasticNeverOnTheSubscribingThread() throws Exception {
    AtomicReference<String> lookedUpOn = new AtomicReference<>();
    var resolver = new HostResolver(AddressPreference.ANY, host -> {
      lookedUpOn.set(Thread.currentThread().getName());
      return new InetAddress[] {InetAddress.getByName("127.0.0.7")};
    }, Schedulers.boundedElastic());

    StepVerifier.create(resolver.resolve("printer.example")).expectNext(InetAddress.getByName("127.0.0.7")).expectComplete().verify(TIMEOUT);
    assertThat(lookedUpOn.get()).startsWith("boundedElastic-");
  }

  @Test
  void theResolutionIsColdAndRepeatedPerSubscription() throws Exception {
    var lookups = new java.util.concurrent.atomic.AtomicInteger();
    var resolver = new HostResolver(AddressPreference.ANY, host -> {
      lookups.incrementAndGet();
      return new InetAddress[] {InetAddress.getByName("127.0.0.7")};
    }, Schedulers.boundedElastic());

    var mono = resolver.resolve("printer.example");
    assertThat(lookups).hasValue(0);
    mono.block(TIMEOUT);
    mono.block(TIMEOUT);
    assertThat(lookups).hasValue(2);
  }

  @Test
  void thePreferredFamilyWinsWhenTheHostHasBoth() {
    StepVerifier.create(system(AddressPreference.IPV4).resolve("dual.pingstream.test"))
        .assertNext(address -> assertThat(address).isInstanceOf(Inet4Address.class).hasToString("dual.pingstream.test/127.0.0.1"))
        .expectComplete().verify(TIMEOUT);
    StepVerifier.create(system(AddressPreference.IPV6).resolve("dual.pingstream.test"))
        .assertNext(address -> assertThat(address).isInstanceOf(Inet6Address.class).extracting(InetAddress::getHostAddress).isEqualTo("0:0:0:0:0:0:0:1"))
        .expectComplete().verify(TIMEOUT);
    // The JVM's order puts IPv4 first unless java.net.preferIPv6Addresses says otherwise.
    StepVerifier.create(system(AddressPreference.ANY).resolve("dual.pingstream.test"))
        .assertNext(address -> assertThat(address).isInstanceOf(Inet4Address.class))
        .expectComplete().verify(TIMEOUT);
  }

  @Test
  void allAddressesComePreferredFamilyFirstEachInTheNameServicesOrder() throws Exception {
    InetAddress[] answer = {address("127.0.0.7"), address("::1"), address("127.0.0.8"), address("::2")};
    var resolver = new HostResolver(AddressPreference.IPV6, host -> answer.clone(), Schedulers.boundedElastic());

    StepVerifier.create(resolver.resolveAll("many.test"))
        .assertNext(addresses -> assertThat(addresses).containsExactly(address("::1"), address("::2"), address("127.0.0.7"), address("127.0.0.8")))
        .expectComplete().verify(TIMEOUT);
    StepVerifier.create(resolver.resolve("many.test")).expectNext(address("::1")).expectComplete().verify(TIMEOUT);
    StepVerifier.create(resolver.resolveAll("127.0.0.9")).expectNext(java.util.List.of(address("127.0.0.9"))).expectComplete().verify(TIMEOUT);
  }

  @Test
  void theOtherFamilyIsTakenWhenThePreferredOneIsMissing() {
    StepVerifier.create(system(AddressPreference.IPV4).resolve("v6only.pingstream.test"))
        .assertNext(address -> assertThat(address).isInstanceOf(Inet6Address.class))
        .expectComplete().verify(TIMEOUT);
    StepVerifier.create(system(AddressPreference.IPV6).resolve("v4only.pingstream.test"))
        .assertNext(address -> assertThat(address.getHostAddress()).isEqualTo("127.0.0.2"))
        .expectComplete().verify(TIMEOUT);
  }

  @Test
  void anUnknownHostIsAnErrorSignalNamingTheHost() {
    StepVerifier.create(system(AddressPreference.ANY).resolve("no.such.host.invalid"))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(UnknownHostException.class).hasMessageContaining("no.such.host.invalid"))
        .verify(TIMEOUT);
  }

  @Test
  void aLookupErrorThatDoesNotNameTheHostIsReworded() {
    var resolver = new HostResolver(AddressPreference.ANY, host -> {
      throw new UnknownHostException("Name or service not known");
    }, Schedulers.boundedElastic());

    StepVerifier.create(resolver.resolve("printer.example"))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(UnknownHostException.class)
            .hasMessage("printer.example: Name or service not known")
            .hasCauseInstanceOf(UnknownHostException.class))
        .verify(TIMEOUT);
  }

  @Test
  void aLookupThatFailsAfterItsSubscriberLeftIsNotReportedAsADroppedError() throws Exception {
    var release = new CountDownLatch(1);
    var finished = new CountDownLatch(1);
    var resolver = new HostResolver(AddressPreference.ANY, host -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        finished.countDown();
      }
      throw new UnknownHostException(host);
    }, Schedulers.boundedElastic());
    List<Throwable> dropped = new CopyOnWriteArrayList<>();
    Hooks.onErrorDropped(dropped::add);
    try {
      // A caller that stops waiting, as a web handler's timeout does: the lookup cannot be stopped.
      StepVerifier.create(resolver.resolve("slow.example").timeout(Duration.ofMillis(50)))
          .expectError(TimeoutException.class)
          .verify(TIMEOUT);
      release.countDown();
      assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
      Thread.sleep(100); // the failure's way back through the operators
    } finally {
      Hooks.resetOnErrorDropped();
    }
    // Reactor logs a dropped error at ERROR with its stack trace: once per abandoned lookup.
    assertThat(dropped).isEmpty();
  }

  @Test
  void anInvalidIpv6LiteralIsAnErrorNamingIt() {
    StepVerifier.create(system(AddressPreference.ANY).resolve("1::2::3"))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(UnknownHostException.class).hasMessageContaining("1::2::3"))
        .verify(TIMEOUT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fe80::1%bogus0", "[fe80::1%bogus0]"})
  void aLiteralWithAnUnknownZoneIsAnErrorNamingIt(String literal) {
    StepVerifier.create(system(AddressPreference.ANY).resolve(literal))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(UnknownHostException.class)
            .hasMessage(literal + ": no such interface bogus0")
            .hasCauseInstanceOf(UnknownHostException.class))
        .verify(TIMEOUT);
  }

  @Test
  void aBlankOrNullHostIsRefusedAtOnce() {
    var resolver = system(AddressPreference.ANY);
    assertThatThrownBy(() -> resolver.resolve(" ")).isInstanceOf(IllegalArgumentException.class).hasMessage("host must not be blank");
    assertThatThrownBy(() -> resolver.resolve(null)).isInstanceOf(NullPointerException.class).hasMessage("host");
  }

  @Test
  void onlyDottedQuadsAndColonFormsCountAsLiterals() {
    assertThat(HostResolver.isLiteral("127.0.0.9")).isTrue();
    assertThat(HostResolver.isLiteral("::1")).isTrue();
    assertThat(HostResolver.isLiteral("[::1]")).isTrue();
    assertThat(HostResolver.isLiteral("256.1.1.1")).isFalse();
    assertThat(HostResolver.isLiteral("127.1")).isFalse();
    assertThat(HostResolver.isLiteral("example.com")).isFalse();
    assertThat(HostResolver.isLiteral("deadbeef.example")).isFalse();
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
