package io.pingstream.samples.webflux;

import io.pingstream.EngineClosedException;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import io.pingstream.TargetRefusedException;
import io.pingstream.reactor.Pinger;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /probe?target=host}: one probe per scrape, answered in blackbox_exporter's format
 * ({@link ProbeReport}), for Prometheus's multi-target exporter pattern: the scrape config lists
 * the targets and rewrites each into the {@code target} parameter. A target that cannot be
 * probed (no such name, a refused address, no socket) is {@code probe_success 0}, as there;
 * only a request without a target, or for a module not configured ({@link ProbeModules}), is 400.
 *
 * <p>The probe has the scrape's time less half a second ({@code
 * X-Prometheus-Scrape-Timeout-Seconds}, as blackbox_exporter reads it), at most the module's
 * timeout (else {@code pingstream.timeout}); the name lookup comes out of that time too.
 */
@RestController
public class ProbeController {

  /** Left of the scrape's time for the answer to reach Prometheus (blackbox_exporter's default offset). */
  static final Duration SCRAPE_TIMEOUT_OFFSET = Duration.ofMillis(500);

  private final Pinger pinger;
  private final PingstreamProperties properties;
  private final ProbeModules modules;
  private final Function<String, Mono<List<InetAddress>>> resolver;

  /** A controller that probes with {@code pinger}. */
  @Autowired
  public ProbeController(Pinger pinger, PingstreamProperties properties, ProbeModules modules) {
    this(pinger, properties, modules, pinger::resolveAll);
  }

  /** With another name service, for tests. */
  ProbeController(Pinger pinger, PingstreamProperties properties, ProbeModules modules, Function<String, Mono<List<InetAddress>>> resolver) {
    this.pinger = pinger;
    this.properties = properties;
    this.modules = modules;
    this.resolver = resolver;
  }

  /** One probe of {@code target}, as Prometheus text. */
  @GetMapping("/probe")
  public Mono<ResponseEntity<String>> probe(
      @RequestParam(name = "target", required = false) @Nullable String target,
      @RequestParam(name = "module", required = false) @Nullable String moduleName,
      @RequestHeader(name = "X-Prometheus-Scrape-Timeout-Seconds", required = false) @Nullable String scrapeTimeout) {
    if (target == null || target.isBlank()) {
      return Mono.just(badRequest("target parameter is missing"));
    }
    ProbeModules.Module module = modules.module(moduleName);
    if (module == null) {
      return Mono.just(badRequest("unknown module \"" + moduleName + "\": this app has " + String.join(", ", modules.names())));
    }
    Duration budget;
    try {
      budget = budget(scrapeTimeout, module.timeout() != null ? module.timeout() : properties.timeout());
    } catch (NumberFormatException e) {
      return Mono.just(badRequest("X-Prometheus-Scrape-Timeout-Seconds must be a number of seconds, was \"" + scrapeTimeout + "\""));
    }
    return Mono.defer(() -> run(target, module, budget)).map(report -> ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_TYPE, ProbeReport.CONTENT_TYPE)
        .body(report.toText()));
  }

  /**
   * The time the probe may take: the {@code configured} timeout, or less if the scrape allows
   * less.
   *
   * @throws NumberFormatException if {@code scrapeTimeout} is not a number
   */
  static Duration budget(@Nullable String scrapeTimeout, Duration configured) {
    if (scrapeTimeout == null) {
      return configured;
    }
    double seconds = Double.parseDouble(scrapeTimeout.strip());
    if (!Double.isFinite(seconds)) {
      throw new NumberFormatException(scrapeTimeout);
    }
    Duration allowed = Duration.ofNanos((long) (seconds * 1e9)).minus(SCRAPE_TIMEOUT_OFFSET);
    // As blackbox_exporter: a scrape shorter than the offset leaves the configured timeout.
    return allowed.isNegative() || allowed.isZero() || allowed.compareTo(configured) > 0 ? configured : allowed;
  }

  private Mono<ProbeReport> run(String target, ProbeModules.Module module, Duration budget) {
    long start = System.nanoTime();
    Duration lookupLimit = budget.compareTo(properties.resolveTimeout()) < 0 ? budget : properties.resolveTimeout();
    return resolver.apply(target).timeout(lookupLimit)
        .map(addresses -> ProbeModules.pick(addresses, module.addressPreference()))
        .flatMap(address -> {
          long resolved = System.nanoTime();
          Duration left = budget.minusNanos(resolved - start);
          if (left.isNegative() || left.isZero()) {
            return Mono.just(failure(start, resolved, address, "no time left after the name lookup"));
          }
          ProbeSettings settings = ProbeModules.settings(pinger.options().probeSettings(), module).timeout(left);
          return pinger.probe(address, settings)
              .map(result -> report(start, resolved, address, result, left))
              .onErrorResume(ProbeController::cannotProbe, e -> Mono.just(failure(start, resolved, address, e.getMessage())));
        })
        .onErrorResume(ProbeController::lookupFailed, e -> Mono.just(failure(start, System.nanoTime(), null, lookupFailure(target, e, lookupLimit))));
  }

  /** A target the engine refuses, or an engine that cannot ping now: the probe fails, the scrape does not. */
  private static boolean cannotProbe(Throwable e) {
    return e instanceof TargetRefusedException || e instanceof IOException || e instanceof EngineClosedException;
  }

  private static boolean lookupFailed(Throwable e) {
    return e instanceof UnknownHostException || e instanceof TimeoutException;
  }

  private static String lookupFailure(String target, Throwable e, Duration limit) {
    return e instanceof TimeoutException
        ? "no answer from the name service for " + target + " within " + limit.toMillis() + " ms"
        : "unknown host " + target;
  }

  private static ProbeReport report(long start, long resolved, InetAddress address, PingResult result, Duration timeout) {
    long end = System.nanoTime();
    double rtt = result.isReply() ? result.rttNanos() / 1e9 : 0;
    double lookup = (resolved - start) / 1e9;
    double duration = (end - start) / 1e9;
    double setup = result.isReply() ? Math.max(0, duration - lookup - rtt) : 0;
    String failure = result.isReply() ? null
        : result.outcome() == PingOutcome.TIMEOUT ? "no reply within " + timeout.toMillis() + " ms" : result.toString();
    return new ProbeReport(result.isReply(), duration, lookup, setup, rtt, address, result.replyTtl(), failure);
  }

  private static ProbeReport failure(long start, long resolved, @Nullable InetAddress address, @Nullable String why) {
    double lookup = (resolved - start) / 1e9;
    return new ProbeReport(false, (System.nanoTime() - start) / 1e9, lookup, 0, 0, address, OptionalInt.empty(), why);
  }

  private static ResponseEntity<String> badRequest(String reason) {
    return ResponseEntity.badRequest().header(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").body(reason + "\n");
  }
}
