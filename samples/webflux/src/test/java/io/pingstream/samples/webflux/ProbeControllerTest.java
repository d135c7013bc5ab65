package io.pingstream.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import io.pingstream.reactor.AddressPreference;
import io.pingstream.reactor.Pinger;
import io.pingstream.testing.Requirements;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** {@code /probe} over HTTP, as Prometheus scrapes it, probing 127.0.0.1 and ::1 for real. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class ProbeControllerTest {

  private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+(\\{[^}]*\\})?) (\\S+)$", Pattern.MULTILINE);

  @Autowired
  WebTestClient client;

  @BeforeAll
  static void raw() {
    Requirements.requireRaw();
  }

  @Test
  void aTargetThatAnswersIsASuccessWithItsRoundTripAndHopLimit() {
    Map<String, Double> metrics = scrape("/probe?target=127.0.0.1&module=icmp", null);

    assertThat(metrics).containsEntry("probe_success", 1.0).containsEntry("probe_ip_protocol", 4.0)
        .containsEntry("probe_icmp_reply_hop_limit", 64.0).containsEntry("probe_ip_addr_hash", 3_668_918_509.0);
    double rtt = metrics.get("probe_icmp_duration_seconds{phase=\"rtt\"}");
    assertThat(rtt).isPositive().isLessThan(metrics.get("probe_duration_seconds"));
    assertThat(metrics.get("probe_duration_seconds")).isLessThan(1.0);
  }

  @Test
  void anIpv6TargetAndANameWork() {
    assertThat(scrape("/probe?target=::1", null)).containsEntry("probe_success", 1.0).containsEntry("probe_ip_protocol", 6.0);
    Map<String, Double> named = scrape("/probe?target=dual.pingstream.test", null);
    assertThat(named).containsEntry("probe_success", 1.0);
    assertThat(named.get("probe_dns_lookup_time_seconds")).isEqualTo(named.get("probe_icmp_duration_seconds{phase=\"resolve\"}"));
  }

  @Test
  void aTargetThatCannotBeProbedIsAFailureNotAnHttpError() {
    String unknown = client.get().uri("/probe?target=no.such.host.invalid").exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    String refused = client.get().uri("/probe?target=224.0.0.1").exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

    assertThat(unknown).startsWith("# probe failed: unknown host no.such.host.invalid\n").contains("\nprobe_success 0\n")
        .contains("\nprobe_ip_protocol 0\n").contains("\nprobe_icmp_duration_seconds{phase=\"resolve\"} 0\n");
    assertThat(refused).startsWith("# probe failed: ").contains("multicast").contains("\nprobe_success 0\n")
        .contains("\nprobe_ip_protocol 4\n");
  }

  @Test
  void theProbeHasTheScrapesTimeLessHalfASecond() {
    // 0.5000001 s leaves 100 ns, which even the lookup of a literal takes.
    String body = client.get().uri("/probe?target=127.0.0.1").header("X-Prometheus-Scrape-Timeout-Seconds", "0.5000001")
        .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

    assertThat(body).startsWith("# probe failed: no time left after the name lookup\n").contains("\nprobe_success 0\n");
    assertThat(scrape("/probe?target=127.0.0.1", "10")).containsEntry("probe_success", 1.0);
  }

  @Test
  void theScrapesTimeLessHalfASecondIsUsedWhenShorterThanTheConfiguredTimeoutAsInBlackboxExporter() {
    Duration configured = Duration.ofSeconds(1);

    assertThat(ProbeController.budget(null, configured)).isEqualTo(configured);
    assertThat(ProbeController.budget("10", configured)).isEqualTo(configured);
    assertThat(ProbeController.budget(" 0.8 ", configured)).isEqualTo(Duration.ofMillis(300));
    assertThat(ProbeController.budget("0.5", configured)).isEqualTo(configured); // nothing left: as blackbox_exporter
    assertThat(ProbeController.budget("0.2", configured)).isEqualTo(configured);
    assertThatThrownBy(() -> ProbeController.budget("soon", configured)).isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> ProbeController.budget("NaN", configured)).isInstanceOf(NumberFormatException.class);
  }

  @Test
  void aModuleChoosesTheFamilyOfANameAndItsTimeoutAsBlackboxExportersModulesDo() {
    assertThat(scrape("/probe?target=dual.pingstream.test&module=icmp_ipv6", null)).containsEntry("probe_ip_protocol", 6.0)
        .containsEntry("probe_success", 1.0);
    assertThat(scrape("/probe?target=dual.pingstream.test&module=icmp_ipv4", null)).containsEntry("probe_ip_protocol", 4.0)
        .containsEntry("probe_success", 1.0);
    // A family the name lacks: the other one, as blackbox_exporter's ip_protocol_fallback.
    assertThat(scrape("/probe?target=127.0.0.1&module=icmp_ipv6", null)).containsEntry("probe_ip_protocol", 4.0);
    String hasty = client.get().uri("/probe?target=127.0.0.1&module=icmp_hasty").exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    // Its 1 ns timeout, not the app's 1 s: even a literal's lookup takes longer.
    assertThat(hasty).startsWith("# probe failed: no time left after the name lookup\n").contains("\nprobe_success 0\n");
  }

  @Test
  void aRequestWithoutATargetOrForAnotherModuleIsABadRequest() {
    client.get().uri("/probe").exchange().expectStatus().isBadRequest()
        .expectBody(String.class).isEqualTo("target parameter is missing\n");
    client.get().uri("/probe?target=127.0.0.1&module=http_2xx").exchange().expectStatus().isBadRequest()
        .expectBody(String.class).isEqualTo("unknown module \"http_2xx\": this app has icmp, icmp_hasty, icmp_ipv4, icmp_ipv6\n");
    client.get().uri("/probe?target=127.0.0.1").header("X-Prometheus-Scrape-Timeout-Seconds", "soon").exchange()
        .expectStatus().isBadRequest();
  }

  @Test
  void aLookupThatTakesTheWholeScrapeIsAFailureInTime() {
    var properties = new PingstreamProperties(SelectionPolicy.RAW, AddressPreference.ANY, Duration.ofSeconds(1), 64, null,
        Duration.ofSeconds(1), List.of(), Duration.ofMinutes(5), Duration.ofMillis(100), Duration.ofSeconds(5));
    try (var pinger = Pinger.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      var controller = new ProbeController(pinger, properties, new ProbeModules(Map.of()), host -> Mono.never());

      long start = System.nanoTime();
      String body = controller.probe("slow.example", null, "0.6").block(Duration.ofSeconds(5)).getBody();

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(body).startsWith("# probe failed: no answer from the name service for slow.example within 100 ms\n")
          .contains("\nprobe_success 0\n");
    }
  }

  private Map<String, Double> scrape(String uri, String scrapeTimeout) {
    var request = client.get().uri(uri);
    if (scrapeTimeout != null) {
      request = request.header("X-Prometheus-Scrape-Timeout-Seconds", scrapeTimeout);
    }
    var response = request.exchange().expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/plain; version=0.0.4"))
        .expectBody(String.class).returnResult();
    var metrics = new java.util.TreeMap<String, Double>();
    Matcher sample = SAMPLE.matcher(response.getResponseBody());
    while (sample.find()) {
      metrics.put(sample.group(1), Double.parseDouble(sample.group(3)));
    }
    return metrics;
  }
}
