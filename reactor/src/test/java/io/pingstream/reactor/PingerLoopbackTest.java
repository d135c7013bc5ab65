package io.pingstream.reactor;

import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.EngineClosedException;
import io.pingstream.PingOptions;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import io.pingstream.SelectionPolicy;
import io.pingstream.TargetRefusedException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Real probes over RAW sockets to 127.0.0.0/8 and ::1. */
class PingerLoopbackTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Pinger pinger;

  @BeforeEach
  void create() {
    requireRaw();
    pinger = Pinger.create(PingOptions.defaults().policy(SelectionPolicy.RAW));
  }

  @AfterEach
  void close() {
    if (pinger != null) {
      pinger.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void pingEmitsTheRoundTripTimeOfLoopback(String address) throws Exception {
    StepVerifier.create(pinger.ping(InetAddress.getByName(address)))
        .assertNext(rtt -> assertThat(rtt).hasValueSatisfying(value -> assertThat(value).isPositive().isLessThan(Duration.ofSeconds(1))))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void blockingOnTheReceiveThreadFailsAtOnceAndThePingerGoesOn() throws Exception {
    var lo = InetAddress.getByName("127.0.0.1");
    var nested = new java.util.concurrent.CompletableFuture<Throwable>();
    // The engine's results always come on the receive thread (a probe's Mono may complete on the
    // sending thread when the reply came before it subscribed to the outcome).
    pinger.engine().results().take(1).subscribe(result -> {
      try {
        pinger.ping(lo).block(); // would wait for an outcome only this thread delivers
        nested.complete(null);
      } catch (Throwable refused) {
        nested.complete(refused);
      }
    });
    pinger.ping(lo).subscribe();

    assertThat(nested.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pingstream-receive");
    assertThat(pinger.ping(lo).block(TIMEOUT)).isPresent();
  }

  @Test
  void probeTellsTheOutcomeBytesAndReplyTtl() throws Exception {
    StepVerifier.create(pinger.probe(InetAddress.getByName("127.0.0.1")))
        .assertNext(result -> {
          assertThat(result.outcome()).isEqualTo(PingOutcome.REPLY);
          assertThat(result.target()).isEqualTo(InetAddress.getLoopbackAddress());
          assertThat(result.bytes()).isEqualTo(44);
          assertThat(result.replyTtl()).hasValue(64);
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void eachSubscriptionSendsItsOwnProbe() throws Exception {
    var probe = pinger.probe(InetAddress.getByName("127.0.0.1"));
    assertThat(pinger.engine().stats().sent()).isZero();

    PingResult first = probe.block(TIMEOUT);
    PingResult second = probe.block(TIMEOUT);

    assertThat(pinger.engine().stats().sent()).isEqualTo(2);
    assertThat(first.sequence()).isNotEqualTo(second.sequence());
  }

  @Test
  void perCallSettingsOverrideThePingersDefaults() throws Exception {
    var big = pinger.options().probeSettings().size(1500);
    StepVerifier.create(pinger.probe(InetAddress.getByName("::1"), big))
        .assertNext(result -> assertThat(result.bytes()).isEqualTo(1500 - 40))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void hostNamesResolveToThePreferredFamilyAndArePinged() {
    StepVerifier.create(pinger.ping("localhost")).assertNext(rtt -> assertThat(rtt).isPresent()).expectComplete().verify(TIMEOUT);
    try (var v6 = Pinger.create(PingOptions.defaults().policy(SelectionPolicy.RAW), AddressPreference.IPV6)) {
      StepVerifier.create(v6.probe("dual.pingstream.test"))
          .assertNext(result -> {
            assertThat(result.target().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
            assertThat(result.isReply()).isTrue();
          })
          .expectComplete()
          .verify(TIMEOUT);
    }
  }

  @Test
  void aStreamProbesAtTheIntervalAndDeliversInSendOrder() {
    StepVerifier.create(pinger.stream("127.0.0.1", StreamOptions.every(Duration.ofMillis(50)).count(5)).collectList())
        .assertNext(results -> {
          assertThat(results).hasSize(5).allSatisfy(result -> assertThat(result.isReply()).isTrue());
          for (int i = 1; i < results.size(); i++) {
            assertThat(results.get(i).sentAt()).isAfter(results.get(i - 1).sentAt());
          }
          Duration span = Duration.between(results.get(0).sentAt(), results.get(4).sentAt());
          assertThat(span).isBetween(Duration.ofMillis(100), Duration.ofSeconds(2)); // 200 ms unless a stall made the clock catch up
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void streamsArePacedByVirtualTimeWhenATestSwapsTheSchedulers() throws Exception {
    var target = InetAddress.getByName("127.0.0.1");
    // With the socket open, the stream starts on subscription, before virtual time moves.
    pinger.probe(target).block(Duration.ofSeconds(5));

    // Three probes a minute apart in virtual time; the replies come in real time.
    StepVerifier.withVirtualTime(() -> pinger.stream(target, StreamOptions.every(Duration.ofMinutes(1)).count(3)))
        .expectSubscription()
        .thenAwait(Duration.ofMinutes(2))
        .expectNextCount(3)
        .expectComplete()
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void pingAllProbesSeveralTargetsAndTagsEachResultWithItsTarget() throws Exception {
    List<InetAddress> targets = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      targets.add(InetAddress.getByName("127.0.0." + i));
    }
    targets.add(InetAddress.getByName("::1"));

    StepVerifier.create(pinger.pingAll(targets, Duration.ofMillis(50), 3).collectList())
        .assertNext(results -> {
          assertThat(results).hasSize(18).allSatisfy(result -> assertThat(result.outcome()).isEqualTo(PingOutcome.REPLY));
          Map<InetAddress, List<PingResult>> byTarget = results.stream().collect(Collectors.groupingBy(PingResult::target));
          assertThat(byTarget).containsOnlyKeys(targets).allSatisfy((target, ofTarget) -> {
            assertThat(ofTarget).hasSize(3);
            assertThat(ofTarget.get(1).sentAt()).isAfter(ofTarget.get(0).sentAt());
            assertThat(ofTarget.get(2).sentAt()).isAfter(ofTarget.get(1).sentAt());
          });
        })
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(pinger.engine().stats().inFlight()).isZero();
  }

  @Test
  void statisticsSummariseALoopbackRun() throws Exception {
    StepVerifier.create(pinger.pingAll(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")), Duration.ofMillis(20), 10)
            .as(PingStatistics::collect))
        .assertNext(summary -> assertThat(summary.values()).hasSize(2).allSatisfy(stats -> {
          assertThat(stats.sent()).isEqualTo(10);
          assertThat(stats.received()).isEqualTo(10);
          assertThat(stats.lossRatio()).isZero();
          assertThat(stats.min().orElseThrow()).isLessThanOrEqualTo(stats.median().orElseThrow());
          assertThat(stats.median().orElseThrow()).isLessThanOrEqualTo(stats.max().orElseThrow());
        }))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void theRateLimitHoldsOnRealSockets() throws Exception {
    List<InetAddress> targets = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      targets.add(InetAddress.getByName("127.0.0." + i));
    }
    // Four targets every 20 ms ask for 200 probes/s; the limit allows 50, one every 20 ms.
    var options = StreamOptions.every(Duration.ofMillis(20)).count(3).rateLimit(50);

    StepVerifier.create(pinger.pingAll(targets, options).map(PingResult::sentAt).sort().collectList())
        .assertNext(sentAt -> {
          assertThat(sentAt).hasSize(12);
          assertThat(Duration.between(sentAt.get(0), sentAt.get(11))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aSlowSubscriberNeitherGrowsWithoutBoundNorBlocksOtherTargets() throws Exception {
    // Timeout 50 ms at 10 ms intervals: a window of 7 probes, plus one held by each of the two
    // merges (targets into buckets, buckets into the result).
    var slowOptions = StreamOptions.every(Duration.ofMillis(10)).probeSettings(pinger.options().probeSettings().timeout(Duration.ofMillis(50)));
    var slow = new BaseSubscriber<PingResult>() {
      @Override
      protected void hookOnSubscribe(Subscription subscription) {
        // never requests
      }
    };
    pinger.stream(InetAddress.getByName("127.0.0.2"), slowOptions).subscribe(slow);

    StepVerifier.create(pinger.stream(InetAddress.getByName("127.0.0.3"), StreamOptions.every(Duration.ofMillis(10)).count(50)))
        .thenConsumeWhile(result -> result.isReply() && result.target().getHostAddress().equals("127.0.0.3"))
        .expectComplete()
        .verify(TIMEOUT);
    slow.dispose();

    assertThat(pinger.engine().stats().sent() - 50).as("probes sent for the subscriber without demand").isBetween(1L, 9L);
    assertThat(pinger.skippedProbes()).isPositive();
  }

  @Test
  void aTargetTheEngineRefusesIsAnErrorResultWhileTheOthersAreProbed() throws Exception {
    // 224.0.0.1 is multicast: the engine refuses it before anything is sent.
    var loopback = InetAddress.getByName("127.0.0.1");
    var multicast = InetAddress.getByName("224.0.0.1");

    StepVerifier.create(pinger.pingAll(List.of(loopback, multicast), Duration.ofMillis(50), 3).collectList())
        .assertNext(results -> {
          assertThat(results).filteredOn(result -> result.target().equals(loopback)).hasSize(3)
              .allSatisfy(result -> assertThat(result.isReply()).isTrue());
          assertThat(results).filteredOn(result -> result.target().equals(multicast)).hasSize(3).allSatisfy(result -> {
            assertThat(result.outcome()).isEqualTo(PingOutcome.ERROR);
            assertThat(result.sequence()).isEqualTo(-1);
            assertThat(result.error()).get().isInstanceOf(TargetRefusedException.class)
                .extracting(Throwable::getMessage).asString().contains("224.0.0.1");
          });
        })
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(pinger.engine().stats().sent()).as("only the loopback probes left").isEqualTo(3);
  }

  @Test
  void closingThePingerFailsAPingAllWhoseTargetSetsMayStillChangeThoughNoTargetRuns() throws Exception {
    // Every target finished its count: no tick or probe is left to notice the close.
    var lo = InetAddress.getByName("127.0.0.1");
    StepVerifier.create(pinger.pingAll(Flux.concat(Mono.just(List.of(lo)), Flux.never()), StreamOptions.every(Duration.ofMillis(20)).count(2)))
        .expectNextCount(2)
        .then(pinger::close)
        .expectError(EngineClosedException.class)
        .verify(TIMEOUT);
  }

  @Test
  void closingThePingersEngineFailsAPingAllWhoseTargetSetIsEmpty() {
    StepVerifier.create(pinger.pingAll(Flux.concat(Mono.just(List.<InetAddress>of()), Flux.never()), StreamOptions.every(Duration.ofMillis(20))))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(100))
        .then(pinger.engine()::close) // closing the engine closes the pinger
        .expectError(EngineClosedException.class)
        .verify(TIMEOUT);
  }

  @Test
  void closingThePingerFailsRunningStreamsAndLaterProbes() throws Exception {
    StepVerifier.create(pinger.stream(InetAddress.getByName("127.0.0.1"), Duration.ofMillis(20)))
        .expectNextCount(2)
        .then(pinger::close)
        .thenConsumeWhile(PingResult::isReply)
        .expectError(EngineClosedException.class)
        .verify(TIMEOUT);

    StepVerifier.create(pinger.ping(InetAddress.getByName("127.0.0.1"))).expectError(EngineClosedException.class).verify(TIMEOUT);
  }
}
