package io.pingstream.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class PingStatisticsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final InetAddress A = InetAddress.getLoopbackAddress();
  private static final InetAddress B = address("127.0.0.2");

  private int sequence;

  private PingResult reply(InetAddress target, long millis) {
    return PingResult.reply(target, sequence++, Instant.EPOCH, Duration.ofMillis(millis), 56, 64);
  }

  private PingResult timeout(InetAddress target) {
    return PingResult.timeout(target, sequence++, Instant.EPOCH);
  }

  private PingResult error(InetAddress target) {
    return PingResult.error(target, sequence++, Instant.EPOCH, new IOException("sendto(..) failed with error(ENETUNREACH)"));
  }

  @Test
  void duplicatesAreCountedApartFromProbesAndRtts() {
    var first = reply(A, 10);
    var copy = PingResult.duplicate(A, first.sequence(), Instant.EPOCH, Duration.ofMillis(90), 56, 64, io.pingstream.TimestampSource.KERNEL);
    var stats = PingStatistics.of(A, List.of(first, copy, reply(A, 30)));

    assertThat(stats.duplicates()).isEqualTo(1);
    assertThat(stats.sent()).isEqualTo(2);
    assertThat(stats.received()).isEqualTo(2);
    assertThat(stats.max()).contains(Duration.ofMillis(30));
    assertThat(stats.lossRatio()).isZero();
  }

  @Test
  void computesEveryFigureFromRepliesTimeoutsAndErrors() {
    // RTTs in arrival order 10, 30, 20, 40 ms; one timeout, one error.
    var stats = PingStatistics.of(A, List.of(reply(A, 10), reply(A, 30), timeout(A), reply(A, 20), reply(A, 40), error(A)));

    assertThat(stats.target()).isEqualTo(A);
    assertThat(stats.sent()).isEqualTo(6);
    assertThat(stats.received()).isEqualTo(4);
    assertThat(stats.timeouts()).isEqualTo(1);
    assertThat(stats.errors()).isEqualTo(1);
    assertThat(stats.duplicates()).isZero();
    assertThat(stats.lossRatio()).isCloseTo(2.0 / 6, within(1e-12));
    assertThat(stats.min()).contains(Duration.ofMillis(10));
    assertThat(stats.max()).contains(Duration.ofMillis(40));
    assertThat(stats.avg()).contains(Duration.ofMillis(25));
    // Deviations -15, 5, -5, 15 ms: variance (225 + 25 + 25 + 225) / 4 = 125 ms², sqrt = 11.180339887 ms.
    assertThat(stats.stddev()).contains(Duration.ofNanos(11_180_340));
    // |30 - 10| + |20 - 30| + |40 - 20| = 50 ms over 3 differences.
    assertThat(stats.jitter()).contains(Duration.ofNanos(16_666_667));
    // Sorted 10, 20, 30, 40: the median is the mean of the middle two.
    assertThat(stats.median()).contains(Duration.ofMillis(25));
    assertThat(stats.percentile(0)).contains(Duration.ofMillis(10));
    assertThat(stats.percentile(25)).contains(Duration.ofMillis(17).plusNanos(500_000)); // rank 0.75
    assertThat(stats.percentile(90)).contains(Duration.ofMillis(37)); // rank 2.7: 30 + 0.7 * 10
    assertThat(stats.percentile(100)).contains(Duration.ofMillis(40));
  }

  @Test
  void withoutRepliesEveryRttFigureIsEmptyAndTheLossIsTotal() {
    var stats = PingStatistics.of(A, List.of(timeout(A), timeout(A)));

    assertThat(stats.lossRatio()).isEqualTo(1.0);
    assertThat(stats.min()).isEmpty();
    assertThat(stats.avg()).isEmpty();
    assertThat(stats.max()).isEmpty();
    assertThat(stats.stddev()).isEmpty();
    assertThat(stats.jitter()).isEmpty();
    assertThat(stats.median()).isEmpty();
    assertThat(stats.percentile(99)).isEmpty();
  }

  @Test
  void oneReplyHasNoJitterAndNothingSentMeansNoLoss() {
    var one = PingStatistics.of(A, List.of(reply(A, 7)));
    assertThat(one.jitter()).isEmpty();
    assertThat(one.stddev()).contains(Duration.ZERO);
    assertThat(one.median()).contains(Duration.ofMillis(7));

    var none = PingStatistics.of(A, List.of());
    assertThat(none.sent()).isZero();
    assertThat(none.lossRatio()).isZero();
  }

  @Test
  void collectGivesOneSummaryPerTargetInOrderOfFirstAppearance() {
    var results = Flux.just(reply(B, 5), reply(A, 10), timeout(B), reply(A, 20), reply(B, 15));

    StepVerifier.create(PingStatistics.collect(results))
        .assertNext(map -> {
          assertThat(map).containsOnlyKeys(B, A);
          assertThat(map.keySet()).containsExactly(B, A);
          assertThat(map.get(A).sent()).isEqualTo(2);
          assertThat(map.get(A).avg()).contains(Duration.ofMillis(15));
          assertThat(map.get(B).sent()).isEqualTo(3);
          assertThat(map.get(B).received()).isEqualTo(2);
          assertThat(map.get(B).lossRatio()).isCloseTo(1.0 / 3, within(1e-12));
          assertThat(map.get(B).jitter()).contains(Duration.ofMillis(10));
          assertThatThrownBy(() -> map.put(A, map.get(A))).isInstanceOf(UnsupportedOperationException.class);
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void collectRelaysTheErrorOfItsSource() {
    StepVerifier.create(PingStatistics.collect(Flux.concat(Flux.just(reply(A, 1)), Flux.error(new IllegalStateException("boom")))))
        .expectErrorMessage("boom")
        .verify(TIMEOUT);
  }

  @Test
  void slidingStatisticsCoverTheLastResultsOfEachTargetSeparately() {
    var results = Flux.just(reply(A, 10), reply(A, 30), reply(B, 5), timeout(A), reply(A, 50));

    StepVerifier.create(PingStatistics.sliding(results, 2))
        .assertNext(stats -> {
          assertThat(stats.target()).isEqualTo(A);
          assertThat(stats.sent()).isEqualTo(1);
          assertThat(stats.avg()).contains(Duration.ofMillis(10));
        })
        .assertNext(stats -> {
          assertThat(stats.avg()).contains(Duration.ofMillis(20));
          assertThat(stats.jitter()).contains(Duration.ofMillis(20));
        })
        .assertNext(stats -> {
          assertThat(stats.target()).isEqualTo(B);
          assertThat(stats.sent()).isEqualTo(1);
        })
        .assertNext(stats -> {
          // A's window: 30 ms, timeout (10 ms slid out).
          assertThat(stats.sent()).isEqualTo(2);
          assertThat(stats.lossRatio()).isEqualTo(0.5);
          assertThat(stats.min()).contains(Duration.ofMillis(30));
        })
        .assertNext(stats -> {
          // A's window: timeout, 50 ms.
          assertThat(stats.sent()).isEqualTo(2);
          assertThat(stats.min()).contains(Duration.ofMillis(50));
          assertThat(stats.jitter()).isEmpty();
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void slidingKeepsOneLinkLocalAddressOnTwoInterfacesApart() throws Exception {
    byte[] fe80one = InetAddress.getByName("fe80::1").getAddress();
    var onFirstLink = Inet6Address.getByAddress(null, fe80one, 1);
    var onSecondLink = Inet6Address.getByAddress(null, fe80one, 2);

    StepVerifier.create(PingStatistics.sliding(Flux.just(reply(onFirstLink, 10), reply(onSecondLink, 30)), 10))
        .assertNext(stats -> assertThat(stats.avg()).contains(Duration.ofMillis(10)))
        .assertNext(stats -> {
          assertThat(stats.sent()).as("not the first link's window").isEqualTo(1);
          assertThat(stats.avg()).contains(Duration.ofMillis(30));
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void slidingPassesBackpressureThrough() {
    var results = Flux.range(0, 100).map(i -> reply(A, i + 1));

    StepVerifier.create(PingStatistics.sliding(results, 10), 3)
        .expectNextCount(3)
        .expectNoEvent(Duration.ofMillis(50))
        .thenRequest(97)
        .expectNextCount(96)
        .assertNext(stats -> {
          assertThat(stats.sent()).isEqualTo(10);
          assertThat(stats.min()).contains(Duration.ofMillis(91));
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void summarisesAPacedStreamOnVirtualTime() {
    var time = VirtualTimeScheduler.create();
    // Probe i replies after (i + 1) * 10 ms, except probe 2, which times out.
    var prober = new FakeProber(time, (target, index) -> index == 2 ? Optional.empty() : Optional.of(Duration.ofMillis((index + 1) * 10L)));
    var streams = new PacedStreams(prober, ProbeSettings.defaults().timeout(Duration.ofMillis(500)), new PacingClocks(Timebase.of(time)), new LongAdder(), io.pingstream.PingRecorder.NOOP);

    StepVerifier.withVirtualTime(
            () -> PingStatistics.collect(streams.pingAll(Mono.just(List.of(A)), StreamOptions.every(Duration.ofSeconds(1)).count(4))),
            () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(3040)) // the last probe leaves at 3 s and replies after 40 ms
        .assertNext(map -> {
          PingStatistics stats = map.get(A);
          assertThat(stats.sent()).isEqualTo(4);
          assertThat(stats.received()).isEqualTo(3);
          assertThat(stats.lossRatio()).isEqualTo(0.25);
          assertThat(stats.avg()).contains(Duration.ofNanos(23_333_333)); // (10 + 20 + 40) / 3 ms
          assertThat(stats.jitter()).contains(Duration.ofMillis(15)); // (10 + 20) / 2 ms
          assertThat(stats.median()).contains(Duration.ofMillis(20));
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void printsLikePing() {
    var stats = PingStatistics.of(A, List.of(reply(A, 10), reply(A, 30), timeout(A), reply(A, 20), reply(A, 40), error(A)));
    assertThat(stats).hasToString("127.0.0.1: 6 sent, 4 received, 33.3% loss, rtt min/avg/max/stddev = "
        + "10.000/25.000/40.000/11.180 ms, median 25.000 ms, jitter 16.667 ms");
    assertThat(PingStatistics.of(A, List.of(timeout(A)))).hasToString("127.0.0.1: 1 sent, 0 received, 100.0% loss");
  }

  @Test
  void refusesBadArgumentsClearly() {
    var stats = PingStatistics.of(A, List.of(reply(A, 1)));
    assertThatThrownBy(() -> stats.percentile(-1)).isInstanceOf(IllegalArgumentException.class).hasMessage("p must be in [0, 100], was -1.0");
    assertThatThrownBy(() -> stats.percentile(100.5)).hasMessage("p must be in [0, 100], was 100.5");
    assertThatThrownBy(() -> stats.percentile(Double.NaN)).hasMessage("p must be in [0, 100], was NaN");
    assertThatThrownBy(() -> PingStatistics.of(A, List.of(reply(B, 1)))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("results must all be of target 127.0.0.1, one is of 127.0.0.2");
    assertThatThrownBy(() -> PingStatistics.sliding(Flux.empty(), 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be in [1, 2147483647], was 0");
    assertThatThrownBy(() -> PingStatistics.collect(null)).isInstanceOf(NullPointerException.class).hasMessage("results");
    assertThatThrownBy(() -> PingStatistics.of(null, List.of())).isInstanceOf(NullPointerException.class).hasMessage("target");
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
