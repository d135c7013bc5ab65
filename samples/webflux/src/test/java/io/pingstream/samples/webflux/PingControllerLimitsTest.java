package io.pingstream.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import io.pingstream.reactor.AddressPreference;
import io.pingstream.reactor.Pinger;
import io.pingstream.testing.Requirements;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The controller's own limits, without a server: a name service that does not answer (the
 * client is answered 504 in time) and shutdown (endless streams end, so the server need not wait).
 */
class PingControllerLimitsTest {

  private static final Duration LIMIT = Duration.ofMillis(200);

  private final PingstreamProperties properties = new PingstreamProperties(SelectionPolicy.RAW, AddressPreference.ANY,
      Duration.ofSeconds(1), 64, null, Duration.ofSeconds(1), List.of(), Duration.ofMinutes(5), Duration.ofMillis(100), LIMIT);

  @Test
  void aPingAndAStreamOfANameThatDoesNotResolveInTimeFailWithTheTimeout() {
    Requirements.requireRaw();
    try (Pinger pinger = Pinger.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      var controller = new PingController(pinger, properties, new ShutdownSignal(), host -> Mono.never());

      StepVerifier.create(controller.ping("slow.test"))
          .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(HostLookupTimeoutException.class)
              .hasMessage("no answer from the name service for slow.test within 200 ms"))
          .verify(Duration.ofSeconds(5));
      StepVerifier.create(controller.stream("slow.test", "1s", 3L))
          .expectError(HostLookupTimeoutException.class)
          .verify(Duration.ofSeconds(5));
    }
  }

  @Test
  void anEndlessStreamEndsWhenTheAppShutsDown() throws Exception {
    Requirements.requireRaw();
    try (Pinger pinger = Pinger.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      var shutdown = new ShutdownSignal();
      shutdown.start();
      var controller = new PingController(pinger, properties, shutdown, pinger::resolve);

      StepVerifier.create(controller.stream("127.0.0.1", "100ms", null))
          .expectNextCount(2)
          .then(shutdown::stop)
          .thenConsumeWhile(response -> true) // a probe that was in flight
          .expectComplete()
          .verify(Duration.ofSeconds(5));
    }
  }

  @Test
  void aStreamServedBeforeTheSignalStartedStillEndsAtShutdown() {
    var shutdown = new ShutdownSignal();
    var early = shutdown.asMono(); // the web server starts before this lifecycle's phase
    shutdown.start();

    StepVerifier.create(early).then(shutdown::stop).expectComplete().verify(Duration.ofSeconds(1));
  }

  @Test
  void theShutdownSignalOfAContextStartedAgainIsAFreshOne() {
    var shutdown = new ShutdownSignal();
    shutdown.start();
    shutdown.stop();
    shutdown.start(); // e.g. a checkpoint and restore

    StepVerifier.create(shutdown.asMono()).expectSubscription().expectNoEvent(Duration.ofMillis(50)).thenCancel().verify();
    StepVerifier.create(shutdown.asMono()).then(shutdown::stop).expectComplete().verify(Duration.ofSeconds(1));
  }

  @Test
  void theTimeoutIsAnswered504WithTheHost() {
    var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/ping/slow.test"));
    exchange.getAttributes().put(org.springframework.web.reactive.HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE,
        java.util.Map.of("host", "slow.test"));

    var answer = new PingErrors().lookupTimeout(new HostLookupTimeoutException("slow.test", LIMIT), exchange);

    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
    assertThat(answer.getBody()).isNotNull();
    assertThat(answer.getBody().host()).isEqualTo("slow.test");
    assertThat(answer.getBody().error()).contains("slow.test", "200 ms");
  }
}
