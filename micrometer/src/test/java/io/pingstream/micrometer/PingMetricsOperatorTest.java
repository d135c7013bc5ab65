package io.pingstream.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pingstream.PingResult;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class PingMetricsOperatorTest {

  @Test
  void theOperatorRecordsEachResultAndPassesItOn() throws Exception {
    var registry = new SimpleMeterRegistry();
    var target = InetAddress.getByName("127.0.0.1");
    var now = Instant.now();
    var reply = PingResult.reply(target, 0, now, Duration.ofMillis(2), 44, 64);
    var timeout = PingResult.timeout(target, 1, now);

    StepVerifier.create(Flux.just(reply, timeout).transform(PingMetrics.record(registry)))
        .expectNext(reply, timeout)
        .verifyComplete();

    assertThat(registry.get(PingMeterNames.SENT).counter().count()).isEqualTo(2);
    assertThat(registry.get(PingMeterNames.REPLIES).counter().count()).isEqualTo(1);
    assertThat(registry.get(PingMeterNames.TIMEOUTS).counter().count()).isEqualTo(1);
    assertThat(registry.get(PingMeterNames.LOSS).gauge().value()).isEqualTo(0.5);
  }

  @Test
  void operatorsAssembledOneAfterAnotherShareTheGaugesOfTheirRegistry() throws Exception {
    // Say one per request: the registry hands each the gauges the first one registered.
    var registry = new SimpleMeterRegistry();
    var target = InetAddress.getByName("127.0.0.1");
    Flux.just(PingResult.reply(target, 0, Instant.now(), Duration.ofMillis(1), 44, 61)).transform(PingMetrics.record(registry)).blockLast();
    for (int i = 1; i <= 10; i++) {
      Flux.just(PingResult.timeout(target, i, Instant.now())).transform(PingMetrics.record(registry)).blockLast();
    }
    System.gc(); // the gauges hold their state weakly

    assertThat(registry.get(PingMeterNames.TIMEOUTS).counter().count()).isEqualTo(10);
    assertThat(registry.get(PingMeterNames.LOSS).gauge().value()).isEqualTo(10.0 / 11);
    assertThat(registry.get(PingMeterNames.REPLY_TTL).gauge().value()).isEqualTo(61);
  }

  @Test
  void theOperatorTakesTheHistogramSettingsOfTheRegistrysRecorders() throws Exception {
    var registry = new SimpleMeterRegistry();
    PingMetrics.recorder(registry, PingMeterOptions.defaults().serviceLevelObjectives(Duration.ofMillis(5)));
    var target = InetAddress.getByName("127.0.2.7"); // made up: nothing is sent
    Flux.just(PingResult.reply(target, 0, Instant.now(), Duration.ofMillis(2), 44, 64)).transform(PingMetrics.record(registry)).blockLast();

    var buckets = registry.get(PingMeterNames.RTT).timer().takeSnapshot().histogramCounts();
    assertThat(buckets).hasSize(1);
    assertThat(buckets[0].bucket(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(5);
    assertThat(buckets[0].count()).isEqualTo(1);
  }

  @Test
  void theLossWindowForgetsOldOutcomes() {
    var window = new LossWindow(3);
    assertThat(window.ratio()).isNaN();
    window.record(true);
    window.record(true);
    window.record(false);
    assertThat(window.ratio()).isEqualTo(2.0 / 3);
    window.record(false);
    window.record(false);
    assertThat(window.ratio()).isZero();
  }

  @Test
  void optionsRefuseBadValues() {
    var options = PingMeterOptions.defaults();
    assertThatThrownBy(() -> options.tags(io.micrometer.core.instrument.Tags.of("kind", "icmp")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'kind'");
    assertThatThrownBy(() -> options.lossWindow(0)).hasMessage("lossWindow must be in [1, 100000], was 0");
    assertThatThrownBy(() -> options.serviceLevelObjectives(Duration.ZERO)).hasMessageContaining("positive");
    assertThatThrownBy(() -> options.minimumExpectedRtt(Duration.ZERO)).hasMessage("minimumExpectedRtt must be in (0, PT1S], was PT0S");
    assertThatThrownBy(() -> options.minimumExpectedRtt(Duration.ofMillis(1001))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> options.tags(null)).isInstanceOf(NullPointerException.class).hasMessage("tags");
    assertThatThrownBy(() -> PingMetrics.record((MicrometerPingRecorder) null)).hasMessage("recorder");
  }
}
