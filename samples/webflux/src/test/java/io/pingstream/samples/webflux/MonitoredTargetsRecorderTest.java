package io.pingstream.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pingstream.AddressText;
import io.pingstream.PingRecorder;
import io.pingstream.PingResult;
import io.pingstream.micrometer.PingMetrics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The recorder between the engine and the meters: what it passes on, and when it stops. */
class MonitoredTargetsRecorderTest {

  private static final InetAddress WATCHED = InetAddress.getLoopbackAddress();
  private static final InetAddress OTHER = address("127.0.0.2");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MonitoredTargetsRecorder recorder = MonitoredTargetsRecorder.metering(registry);

  @Test
  void onlyTheWatchedAddressesGetSeriesAndForgettingOneRemovesThem() {
    recorder.monitor(List.of(WATCHED));
    recordProbe(WATCHED);
    recordProbe(OTHER);

    assertThat(series(WATCHED)).isPositive();
    assertThat(series(OTHER)).isZero();

    recorder.forget(WATCHED);
    recordProbe(WATCHED); // a probe of it still on its way

    assertThat(series(WATCHED)).isZero();
  }

  @Test
  void aClientPingingAWatchedAddressWithAnotherScopeAddsNoSeries() throws Exception {
    // Inet6Address.equals ignores the scope: /ping/::1%25N would otherwise add series for every N.
    InetAddress watched = InetAddress.getByName("::1");
    recorder.monitor(List.of(watched));
    recordProbe(watched);
    int watchedSeries = registry.getMeters().size();

    for (int scope = 1; scope <= 50; scope++) {
      recordProbe(java.net.Inet6Address.getByAddress(null, watched.getAddress(), scope));
    }

    assertThat(registry.getMeters()).hasSize(watchedSeries);
    assertThat(recorder.isMonitored(java.net.Inet6Address.getByAddress(null, watched.getAddress(), 3))).isFalse();
    recorder.forget(watched);
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void theSeriesAreNamedAsTheMonitorNamesTheAddressWhoeverPingsItFirst() throws Exception {
    InetAddress configured = InetAddress.getByAddress("gateway.test", new byte[] {127, 0, 0, 1});
    InetAddress askedByAClient = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    recorder.monitor(List.of(configured));

    recordProbe(askedByAClient);

    assertThat(registry.getMeters()).isNotEmpty()
        .allSatisfy(meter -> assertThat(meter.getId().getTag("name")).isEqualTo("gateway.test"));
  }

  @Test
  void aProbeRecordedWhileItsAddressIsForgottenBringsNoSeriesBack() throws Exception {
    var recording = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    var meters = PingMetrics.recorder(registry);
    var slow = new MonitoredTargetsRecorder(new PingRecorder() {
      @Override
      public void recordResult(PingResult result) {
        recording.countDown();
        await(release);
        meters.recordResult(result);
      }

      @Override
      public void targetRemoved(InetAddress target) {
        meters.targetRemoved(target);
      }
    });
    slow.monitor(List.of(WATCHED));
    // The receive thread has checked that the address is watched and is recording its result...
    var result = CompletableFuture.runAsync(() -> slow.recordResult(PingResult.timeout(WATCHED, 1, Instant.now())));
    assertThat(recording.await(5, TimeUnit.SECONDS)).isTrue();
    // ...when the monitor forgets the address.
    var forget = CompletableFuture.runAsync(() -> slow.forget(WATCHED));
    Thread.sleep(50);
    release.countDown();
    result.get(5, TimeUnit.SECONDS);
    forget.get(5, TimeUnit.SECONDS);

    assertThat(series(WATCHED)).isZero();
  }

  private void recordProbe(InetAddress target) {
    recorder.recordSent(target);
    recorder.recordResult(PingResult.reply(target, 1, Instant.now(), Duration.ofNanos(40_000), 44, 64));
  }

  private long series(InetAddress target) {
    return registry.getMeters().stream().filter(meter -> AddressText.of(target).equals(meter.getId().getTag("target"))).count();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
