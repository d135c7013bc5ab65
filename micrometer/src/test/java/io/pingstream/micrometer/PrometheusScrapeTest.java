package io.pingstream.micrometer;

import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.PingResult;
import io.pingstream.SelectionPolicy;
import io.pingstream.testing.NetNamespace.Commands;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

class PrometheusScrapeTest {

  @Test
  void theScrapeHasTheDocumentedNamesAndPassesPromtool(@TempDir Path dir) throws Exception {
    requireRaw();
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var options = PingMeterOptions.defaults().percentileHistogram(true).serviceLevelObjectives(Duration.ofMillis(1));
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW)
        .recorder(PingMetrics.recorder(registry, options)))) {
      new PingEngineMetrics(engine).bindTo(registry);
      for (String target : new String[] {"127.0.0.1", "127.0.0.2", "::1"}) {
        engine.ping(InetAddress.getByName(target)).get(5, TimeUnit.SECONDS);
      }
      String scrape = registry.scrape();

      assertThat(scrape)
          .contains("ping_rtt_seconds_count{family=\"ipv4\",name=\"127.0.0.1\",target=\"127.0.0.1\"} 1")
          .contains("ping_rtt_seconds_bucket{")
          .contains("ping_sent_total{family=\"ipv6\",name=\"::1\",target=\"::1\"} 1.0")
          .contains("ping_replies_total{")
          .contains("ping_timeouts_total{")
          .contains("ping_errors_total{family=\"ipv4\",kind=\"destination_unreachable\"")
          .contains("ping_duplicates_total{")
          .contains("ping_loss_ratio{family=\"ipv4\",name=\"127.0.0.2\",target=\"127.0.0.2\"} 0.0")
          .contains("ping_reply_ttl{")
          .contains("ping_engine_in_flight 0.0")
          .contains("ping_engine_dropped_total{reason=\"foreign\"} 0.0")
          .contains("ping_engine_socket{family=\"ipv4\",mode=\"raw\"} 1.0")
          .contains("ping_engine_socket{family=\"ipv4\",mode=\"dgram\"} 0.0");

      assumeTrue(Commands.exists("promtool"), "promtool is not installed (Debian package prometheus)");
      Path file = Files.writeString(dir.resolve("scrape.txt"), scrape);
      var promtool = new ProcessBuilder("sh", "-c", "promtool check metrics < " + file).redirectErrorStream(true).start();
      String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(promtool.exitValue()).as(verdict).isZero();
    }
  }

  @Test
  void anEngineRecorderWithAHistogramAndTheOperatorShareARegistryThatStillScrapes() throws Exception {
    // The two ways in, each for a stream of its own. Made-up results of documentation addresses:
    // nothing is sent.
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var options = PingMeterOptions.defaults().percentileHistogram(true).serviceLevelObjectives(Duration.ofMillis(1));
    var engineRecorder = PingMetrics.recorder(registry, options);
    engineRecorder.recordSent(InetAddress.getByName("127.0.2.1"));
    engineRecorder.recordResult(reply("127.0.2.1", Duration.ofMillis(3)));

    Flux.just(reply("127.0.2.2", Duration.ofMillis(3))).transform(PingMetrics.record(registry)).blockLast();

    assertThat(registry.scrape()) // threw a ClassCastException: a histogram and a summary of one name
        .contains("ping_rtt_seconds_bucket{family=\"ipv4\",name=\"127.0.2.1\",target=\"127.0.2.1\",le=\"0.001\"} 0")
        .contains("ping_rtt_seconds_bucket{family=\"ipv4\",name=\"127.0.2.2\",target=\"127.0.2.2\",le=\"0.001\"} 0");
  }

  @Test
  void aTargetRemovedThenMetAgainByAnotherRecorderKeepsTheRegistrysHistogram() throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var engineRecorder = PingMetrics.recorder(registry, PingMeterOptions.defaults().percentileHistogram(true));
    engineRecorder.recordResult(reply("127.0.2.1", Duration.ofMillis(2)));
    engineRecorder.recordResult(reply("127.0.2.2", Duration.ofMillis(2)));
    engineRecorder.targetRemoved(InetAddress.getByName("127.0.2.1"));

    Flux.just(reply("127.0.2.1", Duration.ofMillis(2))).transform(PingMetrics.record(registry)).blockLast();

    assertThat(registry.scrape())
        .contains("ping_rtt_seconds_bucket{family=\"ipv4\",name=\"127.0.2.1\",target=\"127.0.2.1\",le=\"+Inf\"} 1")
        .contains("ping_rtt_seconds_bucket{family=\"ipv4\",name=\"127.0.2.2\",target=\"127.0.2.2\",le=\"+Inf\"} 1");
  }

  @Test
  void subMillisecondRttsLandInBucketsOfTheirOwn() throws Exception {
    // With Micrometer's timer default, the histogram started at 1 ms: 50 us and 800 us shared
    // le="0.001", and histogram_quantile said ~1 ms of any LAN or loopback target.
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var recorder = PingMetrics.recorder(registry, PingMeterOptions.defaults().percentileHistogram(true));
    recorder.recordResult(reply("127.0.2.1", Duration.ofNanos(50_000)));
    recorder.recordResult(reply("127.0.2.1", Duration.ofNanos(800_000)));
    String scrape = registry.scrape();

    String bucket = "ping_rtt_seconds_bucket{family=\"ipv4\",name=\"127.0.2.1\",target=\"127.0.2.1\",";
    assertThat(scrape)
        .contains(bucket + "le=\"1.0E-4\"} 1") // the first bucket: 50 us
        .contains(bucket + "le=\"7.8643E-4\"} 1")
        .contains(bucket + "le=\"8.73811E-4\"} 2"); // 800 us
    assertThat(scrape.lines().filter(line -> line.startsWith(bucket))).as("the bucket series a target costs, as documented").hasSize(85);
  }

  @Test
  void theHistogramStartsWhereTheOptionsSay() throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var recorder = PingMetrics.recorder(registry, PingMeterOptions.defaults().percentileHistogram(true).minimumExpectedRtt(Duration.ofNanos(10_000)));
    recorder.recordResult(reply("127.0.2.1", Duration.ofNanos(20_000)));
    recorder.recordResult(reply("127.0.2.1", Duration.ofNanos(50_000)));
    String scrape = registry.scrape();

    String bucket = "ping_rtt_seconds_bucket{family=\"ipv4\",name=\"127.0.2.1\",target=\"127.0.2.1\",";
    assertThat(scrape).contains(bucket + "le=\"1.0E-5\"} 0").contains(bucket + "le=\"2.1845E-5\"} 1").contains(bucket + "le=\"5.4611E-5\"} 2");
    assertThat(scrape.lines().filter(line -> line.startsWith(bucket))).hasSize(100);
  }

  private static PingResult reply(String target, Duration rtt) throws Exception {
    return PingResult.reply(InetAddress.getByName(target), 1, Instant.now(), rtt, 44, 64);
  }
}
