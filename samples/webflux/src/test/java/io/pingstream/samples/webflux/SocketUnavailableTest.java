package io.pingstream.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pingstream.IpFamily;
import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import io.pingstream.SocketUnavailableException;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A policy whose sockets the process may not open: requests get a 503 that says why. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"pingstream.policy=DGRAM", "pingstream.targets="})
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class SocketUnavailableTest {

  @Autowired
  WebTestClient client;

  /** Runs only where ping_group_range leaves out our group, as on the test host ("1 0"). */
  @BeforeAll
  static void dgramUnavailable() throws IOException {
    try (PingEngine engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM))) {
      engine.open(IpFamily.IPV4);
      assumeTrue(false, "DGRAM ICMP sockets are allowed here (net.ipv4.ping_group_range includes our group)");
    } catch (SocketUnavailableException expected) {
      // The case under test.
    }
  }

  @Test
  void pingWithoutASocketIsA503WithTheReason() {
    client.get().uri("/ping/127.0.0.1").exchange()
        .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
        .expectHeader().contentType(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.host").isEqualTo("127.0.0.1")
        .jsonPath("$.error").value(error -> assertThat((String) error).contains("ping_group_range"));
  }

  @Test
  void streamWithoutASocketIsA503BeforeAnyEvent() {
    client.get().uri("/ping/127.0.0.1/stream?count=2")
        .accept(MediaType.TEXT_EVENT_STREAM)
        .exchange()
        .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
        .expectHeader().contentType(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.error").isNotEmpty();
  }
}
