package io.pingstream.micrometer;

import static io.pingstream.testing.Requirements.requireNftables;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pingstream.AddressText;
import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import io.pingstream.SelectionPolicy;
import io.pingstream.testing.NetNamespace;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerPingRecorderTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void metersMatchWhatTheEngineReported() throws Exception {
    requireRaw();
    var recorder = PingMetrics.recorder(registry, PingMeterOptions.defaults().tags(Tags.of("site", "test")));
    List<PingResult> results = new ArrayList<>();
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).recorder(recorder))) {
      for (int i = 0; i < 25; i++) {
        results.add(engine.ping(InetAddress.getByName("127.0.0.1")).get(5, TimeUnit.SECONDS));
      }
    }
    var tags = Tags.of("target", "127.0.0.1", "name", "127.0.0.1", "family", "ipv4", "site", "test");
    long replies = results.stream().filter(r -> r.outcome() == PingOutcome.REPLY).count();
    double totalRttSeconds = results.stream().mapToLong(PingResult::rttNanos).sum() / 1e9;

    assertThat(registry.get(PingMeterNames.SENT).tags(tags).counter().count()).isEqualTo(25);
    assertThat(registry.get(PingMeterNames.REPLIES).tags(tags).counter().count()).isEqualTo(replies).isEqualTo(25);
    assertThat(registry.get(PingMeterNames.TIMEOUTS).tags(tags).counter().count()).isZero();
    var rtt = registry.get(PingMeterNames.RTT).tags(tags).timer();
    assertThat(rtt.count()).isEqualTo(25);
    assertThat(rtt.totalTime(TimeUnit.SECONDS)).isCloseTo(totalRttSeconds, within(1e-9));
    assertThat(registry.get(PingMeterNames.LOSS).tags(tags).gauge().value()).isZero();
    assertThat(registry.get(PingMeterNames.REPLY_TTL).tags(tags).gauge().value()).isEqualTo(64);
  }

  @Test
  void aSilentTargetCountsTimeoutsAndFullLoss() throws Exception {
    requireNftables();
    var recorder = PingMetrics.recorder(registry);
    try (var ns = NetNamespace.create().dropEchoRequests();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path())
            .timeout(Duration.ofMillis(100)).recorder(recorder))) {
      for (int i = 0; i < 3; i++) {
        engine.ping(InetAddress.getByName("::1")).get(5, TimeUnit.SECONDS);
      }
    }
    var tags = Tags.of("target", "::1", "family", "ipv6");
    assertThat(registry.get(PingMeterNames.TIMEOUTS).tags(tags).counter().count()).isEqualTo(3);
    assertThat(registry.get(PingMeterNames.LOSS).tags(tags).gauge().value()).isEqualTo(1.0);
    assertThat(registry.get(PingMeterNames.RTT).tags(tags).timer().count()).isZero();
    assertThat(registry.get(PingMeterNames.REPLY_TTL).tags(tags).gauge().value()).isNaN();
  }

  @Test
  void aCancelledProbeIsSentButHasNoOutcome() throws Exception {
    // As the README's PromQL says: 1 - replies/sent counts it as lost, the outcomes' ratio does not.
    requireNftables();
    var recorder = PingMetrics.recorder(registry);
    try (var ns = NetNamespace.create().dropEchoRequests();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path())
            .timeout(Duration.ofSeconds(10)).recorder(recorder))) {
      engine.ping(InetAddress.getByName("::1")).cancel(false);
    }
    var tags = Tags.of("target", "::1");
    assertThat(registry.get(PingMeterNames.SENT).tags(tags).counter().count()).isEqualTo(1);
    assertThat(registry.get(PingMeterNames.REPLIES).tags(tags).counter().count()).isZero();
    assertThat(registry.get(PingMeterNames.TIMEOUTS).tags(tags).counter().count()).isZero();
    assertThat(registry.find(PingMeterNames.ERRORS).tags(tags).counters()).allSatisfy(errors -> assertThat(errors.count()).isZero());
    assertThat(registry.get(PingMeterNames.LOSS).tags(tags).gauge().value()).isNaN();
  }

  @Test
  void errorsAreCountedByKindAndDuplicatesApart() throws Exception {
    var recorder = PingMetrics.recorder(registry);
    var target = InetAddress.getByName("127.0.0.9");
    var now = java.time.Instant.now();
    recorder.recordResult(PingResult.error(target, 1, now, new io.pingstream.IcmpErrorException(
        io.pingstream.ErrorKind.TIME_EXCEEDED, 11, 0, InetAddress.getByName("127.0.0.254"))));
    recorder.recordResult(PingResult.reply(target, 2, now, Duration.ofMillis(3), 44, 61));
    recorder.recordResult(PingResult.duplicate(target, 2, now, Duration.ofMillis(4), 44, 61, io.pingstream.TimestampSource.KERNEL));

    var tags = Tags.of("target", "127.0.0.9");
    assertThat(registry.get(PingMeterNames.ERRORS).tags(tags).tag("kind", "time_exceeded").counter().count()).isEqualTo(1);
    assertThat(registry.get(PingMeterNames.ERRORS).tags(tags).tag("kind", "send_failed").counter().count()).isZero();
    assertThat(registry.get(PingMeterNames.DUPLICATES).tags(tags).counter().count()).isEqualTo(1);
    assertThat(registry.get(PingMeterNames.RTT).tags(tags).timer().count()).isEqualTo(1); // the duplicate is no RTT
    assertThat(registry.get(PingMeterNames.LOSS).tags(tags).gauge().value()).isEqualTo(0.5);
    assertThat(registry.get(PingMeterNames.REPLY_TTL).tags(tags).gauge().value()).isEqualTo(61);
  }

  @Test
  void aRemovedTargetLeavesNoSeriesBehind() throws Exception {
    var recorder = PingMetrics.recorder(registry);
    var kept = InetAddress.getByName("127.0.0.1");
    var removed = InetAddress.getByName("127.0.0.2");
    recorder.recordSent(kept);
    recorder.recordSent(removed);
    int metersPerTarget = registry.getMeters().size() / 2;

    recorder.targetRemoved(removed);

    assertThat(registry.find(PingMeterNames.SENT).tag("target", "127.0.0.2").meters()).isEmpty();
    assertThat(registry.getMeters()).hasSize(metersPerTarget);
    assertThat(recorder.targetCount()).isEqualTo(1);
  }

  @Test
  void oneLinkLocalAddressOnTwoInterfacesHasTwoSeries() throws Exception {
    var recorder = PingMetrics.recorder(registry);
    byte[] fe80one = InetAddress.getByName("fe80::1").getAddress();
    var onFirstLink = Inet6Address.getByAddress(null, fe80one, 1);
    var onSecondLink = Inet6Address.getByAddress(null, fe80one, 2);
    recorder.recordSent(onFirstLink);
    recorder.recordSent(onSecondLink);
    recorder.recordSent(onSecondLink);

    assertThat(registry.get(PingMeterNames.SENT).tag("target", AddressText.of(onFirstLink)).counter().count()).isEqualTo(1);
    assertThat(registry.get(PingMeterNames.SENT).tag("target", AddressText.of(onSecondLink)).counter().count()).isEqualTo(2);
    recorder.targetRemoved(onFirstLink);
    assertThat(recorder.targetCount()).isEqualTo(1);
  }

  @Test
  void aRecorderWhoseTargetAnotherRecorderRemovedCountsInNewSeries() throws Exception {
    var first = PingMetrics.recorder(registry);
    var second = PingMetrics.recorder(registry);
    var target = InetAddress.getByName("127.0.0.4");
    first.recordSent(target);
    second.recordSent(target);

    first.targetRemoved(target); // the series leave the registry, for both
    for (int i = 0; i < 3; i++) {
      second.recordSent(target);
      second.recordResult(PingResult.timeout(target, i, java.time.Instant.now()));
    }

    assertThat(registry.get(PingMeterNames.SENT).counter().count()).isEqualTo(3);
    assertThat(registry.get(PingMeterNames.TIMEOUTS).counter().count()).isEqualTo(3);
    assertThat(registry.get(PingMeterNames.LOSS).gauge().value()).isEqualTo(1.0);
  }

  @Test
  void aTargetAnotherRecorderRemovedNoLongerCountsAsOneWithMeters() throws Exception {
    var first = PingMetrics.recorder(registry);
    var second = PingMetrics.recorder(registry);
    var removed = InetAddress.getByName("127.0.0.4");
    var kept = InetAddress.getByName("127.0.0.5");
    first.recordSent(removed);
    second.recordSent(removed);
    second.recordSent(kept);

    first.targetRemoved(removed);

    assertThat(second.targetCount()).isEqualTo(1);
    second.recordSent(removed); // new series
    assertThat(second.targetCount()).isEqualTo(2);
    assertThat(first.targetCount()).isZero();
  }

  @Test
  void removingThroughAStaleRecorderLeavesTheSeriesAnotherRecorderMadeSince() throws Exception {
    var first = PingMetrics.recorder(registry);
    var stale = PingMetrics.recorder(registry);
    var target = InetAddress.getByName("127.0.0.5");
    first.recordSent(target);
    stale.recordSent(target);
    first.targetRemoved(target);
    first.recordSent(target); // new series

    stale.targetRemoved(target); // its meters are long gone; the new ones are not its to remove

    assertThat(registry.get(PingMeterNames.SENT).counter().count()).isEqualTo(1);
    assertThat(registry.get(PingMeterNames.LOSS).gauge()).isNotNull();
  }

  @Test
  void aDuplicateAfterItsTargetWasRemovedDoesNotBringItsSeriesBack() throws Exception {
    var recorder = PingMetrics.recorder(registry);
    var target = InetAddress.getByName("127.0.0.3");
    var now = java.time.Instant.now();
    recorder.recordSent(target);
    recorder.recordResult(PingResult.reply(target, 1, now, Duration.ofMillis(1), 44, 64));

    recorder.targetRemoved(target);
    recorder.recordResult(PingResult.duplicate(target, 1, now, Duration.ofMillis(2), 44, 64, io.pingstream.TimestampSource.KERNEL));

    assertThat(registry.getMeters()).isEmpty();
    assertThat(recorder.targetCount()).isZero();
  }

  @Test
  void aSendRecordedWhileTheTargetIsBeingRemovedGetsMetersThatAreInTheRegistry() throws Exception {
    // The removal takes its time (a registry that removes slowly); meanwhile another thread
    // records a send for the target (it was re-added, or the report came late). The meters the
    // recorder keeps for it must be registered ones, not the ones being removed.
    var slow = new SimpleMeterRegistry() {
      @Override
      public io.micrometer.core.instrument.Meter remove(io.micrometer.core.instrument.Meter meter) {
        java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        return super.remove(meter);
      }
    };
    var recorder = PingMetrics.recorder(slow);
    var target = InetAddress.getByName("127.0.0.4");
    recorder.recordSent(target);
    long metersPerTarget = slow.getMeters().size();
    var remover = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var removal = remover.submit(() -> recorder.targetRemoved(target));
      Thread.sleep(5); // the removal is under way
      recorder.recordSent(target);
      removal.get(10, TimeUnit.SECONDS);

      recorder.recordSent(target);
      assertThat(slow.getMeters()).as("every meter the recorder keeps for the target is in the registry").hasSize((int) metersPerTarget);
      // The send recorded during the removal may have gone to the series being removed.
      assertThat(slow.get(PingMeterNames.SENT).tags(Tags.of("target", "127.0.0.4")).counter().count()).isIn(1.0, 2.0);
      recorder.recordResult(PingResult.timeout(target, 1, java.time.Instant.now()));
      assertThat(slow.get(PingMeterNames.TIMEOUTS).tags(Tags.of("target", "127.0.0.4")).counter().count()).isEqualTo(1);
    } finally {
      remover.shutdownNow();
    }
  }

  @Test
  void aRecorderAskingForOtherRttHistogramSettingsThanTheRegistrysFirstIsRefused() {
    var histogram = PingMeterOptions.defaults().percentileHistogram(true).serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(10));
    PingMetrics.recorder(registry, histogram);

    assertThatThrownBy(() -> PingMetrics.recorder(registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("made with percentileHistogram=true, serviceLevelObjectives=[PT0.001S, PT0.01S]")
        .hasMessageContaining("ask for percentileHistogram=false, serviceLevelObjectives=[]");
    assertThatThrownBy(() -> PingMetrics.recorder(registry, histogram.serviceLevelObjectives(Duration.ofMillis(1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PingMetrics.recorder(registry, histogram.minimumExpectedRtt(Duration.ofNanos(10_000))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimumExpectedRtt=PT0.00001S");
    // The same settings in other words, other options than the histogram's, another registry: fine.
    PingMetrics.recorder(registry, histogram.serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(1), Duration.ofMillis(1)).lossWindow(5));
    PingMetrics.recorder(new SimpleMeterRegistry());
  }

  @Test
  void aCompositeAndTheRegistriesItHoldsMustAskForTheSameRttHistogram() {
    var member = new SimpleMeterRegistry();
    var composite = new CompositeMeterRegistry();
    composite.add(member);
    PingMetrics.recorder(composite, PingMeterOptions.defaults().percentileHistogram(true));

    // Meters made through the composite are made in the member too: one made there without a
    // histogram would break its scrape as a recorder of the member alone would.
    assertThatThrownBy(() -> PingMetrics.recorder(member)).isInstanceOf(IllegalArgumentException.class);

    var otherMember = new SimpleMeterRegistry();
    PingMetrics.recorder(otherMember);
    var otherComposite = new CompositeMeterRegistry();
    otherComposite.add(otherMember);
    assertThatThrownBy(() -> PingMetrics.recorder(otherComposite, PingMeterOptions.defaults().percentileHistogram(true)))
        .isInstanceOf(IllegalArgumentException.class);
    // Refused as a whole: the composite was not pinned either.
    PingMetrics.recorder(otherComposite);
  }

  @Test
  void theOperatorOnACompositeTakesTheSettingsPinnedInARegistryItHolds() {
    var member = new SimpleMeterRegistry();
    PingMetrics.recorder(member, PingMeterOptions.defaults().percentileHistogram(true));
    var composite = new CompositeMeterRegistry();
    composite.add(member);

    // It used to pin the defaults on the composite first, then refuse itself.
    PingMetrics.record(composite);
    PingMetrics.recorder(composite, PingMeterOptions.defaults().percentileHistogram(true));
  }

  @Test
  void whereThereIsNoHistogramItsStartMakesNoDifference() {
    PingMetrics.recorder(registry);
    PingMetrics.recorder(registry, PingMeterOptions.defaults().minimumExpectedRtt(Duration.ofNanos(10_000)));
  }

  @Test
  void theHostNameAnAddressCarriesIsItsLabelWithoutALookup() throws Exception {
    var named = InetAddress.getByAddress("gateway.example", new byte[] {127, 0, 0, 1});
    assertThat(PingMeterOptions.hostNameOrAddress(named)).isEqualTo("gateway.example");
    assertThat(PingMeterOptions.hostNameOrAddress(InetAddress.getByName("127.0.0.1"))).isEqualTo("127.0.0.1");
  }
}
