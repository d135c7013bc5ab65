package io.pingstream.samples.webflux;

import io.pingstream.reactor.Pinger;
import io.pingstream.reactor.StreamOptions;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pings on request. Nothing blocks: names resolve on Reactor's bounded-elastic scheduler, and
 * replies come from the engine's receive thread straight into the response.
 *
 * <p>A timeout or an ICMP error is a result (200, with its {@code outcome}); an unknown host is
 * 404, a bad parameter 400, and a socket the process may not open 503: see {@link PingErrors}.
 */
@RestController
@RequestMapping("/ping")
public class PingController {

  private final Pinger pinger;
  private final PingstreamProperties properties;

  /** A controller that pings with {@code pinger}. */
  public PingController(Pinger pinger, PingstreamProperties properties) {
    this.pinger = pinger;
    this.properties = properties;
  }

  /** One probe of {@code host}, with the configured timeout. */
  @GetMapping("/{host}")
  public Mono<PingResponse> ping(@PathVariable("host") String host) {
    checkHost(host);
    return pinger.probe(host).map(result -> PingResponse.of(host, result));
  }

  /**
   * A probe of {@code host} every {@code interval}, each result an event, until {@code count}
   * results or until the client goes away (which cancels the probes in flight). The host is
   * resolved before the response starts, so an unknown host is still a 404.
   */
  @GetMapping(path = "/{host}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Flux<PingResponse> stream(
      @PathVariable("host") String host,
      @RequestParam(name = "interval", defaultValue = "1s") String interval,
      @RequestParam(name = "count", required = false) @Nullable Long count) {
    checkHost(host);
    StreamOptions options = StreamParameters.parse(interval, count, properties.minStreamInterval());
    return pinger.stream(host, options).map(result -> PingResponse.of(host, result));
  }

  /** The pinger would throw an IllegalArgumentException; this one names the parameter. */
  private static void checkHost(String host) {
    if (host.isBlank()) {
      throw new InvalidParameterException("host", host, "host must not be blank");
    }
  }
}
