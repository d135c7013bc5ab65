package io.pingstream.samples.webflux;

import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import io.pingstream.TargetRefusedException;
import io.pingstream.reactor.Pinger;
import io.pingstream.reactor.StreamOptions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;

/**
 * Pings on request. Nothing blocks: names resolve on Reactor's bounded-elastic scheduler, and
 * replies come from the engine's receive thread straight into the response.
 *
 * <p>A timeout or an ICMP error is a result (200, with its {@code outcome}); an unknown host is
 * 404, a name that does not resolve in time 504, a bad parameter 400, and a socket the process
 * may not open 503: see {@link PingErrors}.
 */
@RestController
@RequestMapping("/ping")
public class PingController {

  private final Pinger pinger;
  private final PingstreamProperties properties;
  private final ShutdownSignal shutdown;
  private final Function<String, Mono<InetAddress>> resolver;

  /** A controller that pings with {@code pinger}; its streams end when {@code shutdown} says so. */
  @Autowired
  public PingController(Pinger pinger, PingstreamProperties properties, ShutdownSignal shutdown) {
    this(pinger, properties, shutdown, pinger::resolve);
  }

  /** With another name service, for tests. */
  PingController(Pinger pinger, PingstreamProperties properties, ShutdownSignal shutdown, Function<String, Mono<InetAddress>> resolver) {
    this.pinger = pinger;
    this.properties = properties;
    this.shutdown = shutdown;
    this.resolver = resolver;
  }

  /** One probe of {@code host}, with the configured timeout. */
  @GetMapping("/{host}")
  public Mono<PingResponse> ping(@PathVariable("host") String host) {
    checkHost(host);
    return resolve(host).flatMap(pinger::probe).map(result -> PingResponse.of(host, result));
  }

  /**
   * A probe of {@code host} every {@code interval}, each result an event, until {@code count}
   * results, the client goes away (which cancels the probes in flight) or the app shuts down. The host is
   * resolved before the response starts, so an unknown host is still a 404.
   */
  @GetMapping(path = "/{host}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Flux<PingResponse> stream(
      @PathVariable("host") String host,
      @RequestParam(name = "interval", defaultValue = "1s") String interval,
      @RequestParam(name = "count", required = false) @Nullable Long count) {
    checkHost(host);
    StreamOptions options = StreamParameters.parse(interval, count, properties.minStreamInterval());
    return resolve(host).flatMapMany(address -> pinger.stream(address, options)
            // A stream makes a host the engine refuses an error result per probe; here it is the
            // client's error, answered before any event as /ping answers it.
            .switchOnFirst((first, results) -> refusal(first).<Flux<PingResult>>map(Flux::error).orElse(results)))
        .takeUntilOther(shutdown.asMono()) // completes the response: graceful shutdown need not wait
        .map(result -> PingResponse.of(host, result));
  }

  /** The engine's refusal of the target, if {@code first} is the error result a stream makes of it. */
  private static Optional<Throwable> refusal(Signal<? extends PingResult> first) {
    PingResult result = first.get();
    if (result == null || result.outcome() != PingOutcome.ERROR || result.sequence() != -1) {
      return Optional.empty();
    }
    return result.error().filter(TargetRefusedException.class::isInstance);
  }

  /**
   * Resolves {@code host}, or fails with a {@link HostLookupTimeoutException} after the
   * configured time: the lookup itself cannot be cancelled, but the client is answered.
   */
  private Mono<InetAddress> resolve(String host) {
    Duration limit = properties.resolveTimeout();
    return resolver.apply(host).timeout(limit, Mono.error(() -> new HostLookupTimeoutException(host, limit)));
  }

  /** The pinger would throw an IllegalArgumentException; this one names the parameter. */
  private static void checkHost(String host) {
    if (host.isBlank()) {
      throw new InvalidParameterException("host", host, "host must not be blank");
    }
  }
}
