package io.pingstream.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pingstream.PingOutcome;
import io.pingstream.testing.Requirements;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The app over HTTP, pinging 127.0.0.1 and ::1 for real over RAW sockets. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class PingControllerTest {

  @Autowired
  WebTestClient client;

  @BeforeAll
  static void raw() {
    Requirements.requireRaw();
  }

  @Test
  void pingOfIpv4LoopbackIsAReplyWithItsRtt() {
    PingResponse response = get("/ping/127.0.0.1");

    assertThat(response.host()).isEqualTo("127.0.0.1");
    assertThat(response.address()).isEqualTo("127.0.0.1");
    assertThat(response.outcome()).isEqualTo(PingOutcome.REPLY);
    assertThat(response.rttSeconds()).isPositive().isLessThan(1.0);
    assertThat(response.ttl()).isPositive();
    assertThat(response.timestampSource()).isNotNull();
    assertThat(response.error()).isNull();
  }

  @Test
  void pingOfIpv6LoopbackIsAReply() {
    PingResponse response = get("/ping/::1");

    assertThat(response.host()).isEqualTo("::1");
    assertThat(response.address()).isEqualTo("::1");
    assertThat(response.outcome()).isEqualTo(PingOutcome.REPLY);
    assertThat(response.rttSeconds()).isPositive();
  }

  @Test
  void pingOfANameResolvesItFromTheHostsFile() {
    PingResponse response = get("/ping/dual.pingstream.test");

    assertThat(response.host()).isEqualTo("dual.pingstream.test");
    assertThat(response.address()).isIn("127.0.0.1", "::1");
    assertThat(response.outcome()).isEqualTo(PingOutcome.REPLY);
  }

  @Test
  void pingResponseJsonHasTheDocumentedFields() {
    client.get().uri("/ping/127.0.0.1").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.host").isEqualTo("127.0.0.1")
        .jsonPath("$.address").isEqualTo("127.0.0.1")
        .jsonPath("$.outcome").isEqualTo("REPLY")
        .jsonPath("$.rttSeconds").isNumber()
        .jsonPath("$.sequence").isNumber()
        .jsonPath("$.bytes").isEqualTo(44) // ICMP's share of the default 64-byte packet, as PingResponse shows
        .jsonPath("$.error").doesNotExist();
  }

  @Test
  void streamSendsOneEventPerProbeAndCompletesAfterCount() {
    List<PingResponse> events = client.get().uri("/ping/127.0.0.1/stream?interval=100ms&count=3")
        .accept(MediaType.TEXT_EVENT_STREAM)
        .exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
        .returnResult(PingResponse.class)
        .getResponseBody()
        .collectList()
        .block(Duration.ofSeconds(10));

    assertThat(events).hasSize(3).allSatisfy(event -> {
      assertThat(event.outcome()).isEqualTo(PingOutcome.REPLY);
      assertThat(event.rttSeconds()).isPositive();
    });
    // One probe each, in send order (the sequence is the engine's, shared with other probes).
    assertThat(events).extracting(PingResponse::sequence).doesNotHaveDuplicates();
  }

  @Test
  void unknownHostIsA404WithAJsonError() {
    client.get().uri("/ping/no.such.host.invalid").exchange()
        .expectStatus().isNotFound()
        .expectHeader().contentType(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.error").isEqualTo("unknown host no.such.host.invalid")
        .jsonPath("$.host").isEqualTo("no.such.host.invalid");
  }

  @Test
  void unknownHostOfAStreamIsA404BeforeAnyEvent() {
    client.get().uri("/ping/no.such.host.invalid/stream?count=2")
        .accept(MediaType.TEXT_EVENT_STREAM)
        .exchange()
        .expectStatus().isNotFound()
        .expectHeader().contentType(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.host").isEqualTo("no.such.host.invalid");
  }

  @Test
  void aHostTheEngineRefusesIsA400NamingIt() {
    // Refused before anything is sent: a multicast address's replies could not be matched.
    expectRefused(client.get().uri("/ping/224.0.0.1").exchange());
  }

  @Test
  void aStreamOfAHostTheEngineRefusesIsA400BeforeAnyEvent() {
    expectRefused(client.get().uri("/ping/224.0.0.1/stream?count=2").accept(MediaType.TEXT_EVENT_STREAM).exchange());
  }

  private static void expectRefused(WebTestClient.ResponseSpec response) {
    response
        .expectStatus().isEqualTo(HttpStatus.BAD_REQUEST)
        .expectHeader().contentType(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.host").isEqualTo("224.0.0.1")
        .jsonPath("$.error").value(error -> assertThat((String) error).contains("multicast"));
  }

  @Test
  void blankHostIsA400NamingTheParameter() {
    client.get().uri("/ping/{host}", " ").exchange()
        .expectStatus().isEqualTo(HttpStatus.BAD_REQUEST)
        .expectBody()
        .jsonPath("$.parameter").isEqualTo("host")
        .jsonPath("$.error").isEqualTo("host must not be blank");
  }

  @Test
  void intervalThatIsNotADurationIsA400NamingTheParameter() {
    expectBadParameter("/ping/127.0.0.1/stream?interval=abc", "interval")
        .jsonPath("$.value").isEqualTo("abc")
        .jsonPath("$.error").value(error -> assertThat((String) error).contains("500ms"));
  }

  @Test
  void intervalBelowTheMinimumIsA400() {
    expectBadParameter("/ping/127.0.0.1/stream?interval=1ms", "interval")
        .jsonPath("$.error").isEqualTo("interval must be at least 100ms, was 1ms");
  }

  @Test
  void negativeCountIsA400NamingTheParameter() {
    expectBadParameter("/ping/127.0.0.1/stream?count=-1", "count")
        .jsonPath("$.value").isEqualTo("-1");
  }

  @Test
  void countThatIsNotANumberIsA400NamingTheParameter() {
    expectBadParameter("/ping/127.0.0.1/stream?count=abc", "count")
        .jsonPath("$.error").isEqualTo("count must be a number, was \"abc\"");
  }

  @Test
  void prometheusShowsTheMetersOfTheConfiguredTargets() {
    // The monitor pings both targets every 100 ms from startup: their series show up soon.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(prometheus()).contains(
            "ping_rtt_seconds_count{family=\"ipv4\",name=\"127.0.0.1\",target=\"127.0.0.1\"}",
            "ping_sent_total{family=\"ipv4\",name=\"127.0.0.1\",target=\"127.0.0.1\"}",
            "ping_rtt_seconds_count{family=\"ipv6\",name=\"::1\",target=\"::1\"}",
            "ping_sent_total{family=\"ipv6\",name=\"::1\",target=\"::1\"}",
            "ping_engine_socket{family=\"ipv4\",mode=\"raw\"} 1.0",
            "ping_engine_in_flight"));
  }

  @Test
  void aClientsPingOfAnotherHostAddsNoSeries() {
    assertThat(get("/ping/127.0.0.2").outcome()).isEqualTo(PingOutcome.REPLY);
    client.get().uri("/ping/127.0.0.3/stream?interval=100ms&count=2").exchange().expectStatus().isOk()
        .returnResult(String.class).getResponseBody().blockLast(Duration.ofSeconds(10));

    // Only the configured targets are metered: an address a client asks for would otherwise
    // keep its series for as long as the app runs.
    assertThat(prometheus()).doesNotContain("target=\"127.0.0.2\"").doesNotContain("target=\"127.0.0.3\"");
  }

  private PingResponse get(String uri) {
    PingResponse response = client.get().uri(uri).exchange()
        .expectStatus().isOk()
        .expectBody(PingResponse.class)
        .returnResult()
        .getResponseBody();
    assertThat(response).isNotNull();
    return response;
  }

  private WebTestClient.BodyContentSpec expectBadParameter(String uri, String parameter) {
    return client.get().uri(uri).exchange()
        .expectStatus().isEqualTo(HttpStatus.BAD_REQUEST)
        .expectHeader().contentType(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.parameter").isEqualTo(parameter)
        .jsonPath("$.error").isNotEmpty();
  }

  private String prometheus() {
    String body = client.get().uri("/actuator/prometheus").exchange()
        .expectStatus().isOk()
        .expectBody(String.class)
        .returnResult()
        .getResponseBody();
    return body == null ? "" : body;
  }
}
