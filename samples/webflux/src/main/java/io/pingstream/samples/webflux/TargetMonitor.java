package io.pingstream.samples.webflux;

import io.pingstream.AddressText;
import io.pingstream.IpFamily;
import io.pingstream.PingResult;
import io.pingstream.TargetRefusedException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Pings the configured targets from startup to shutdown; the engine's recorder turns their probes
 * into meters (those of the addresses this monitor names, see {@link MonitoredTargetsRecorder}),
 * so nothing here looks at the results.
 *
 * <p>Names are resolved again every {@code resolveInterval}: a name is pinged at one of its
 * addresses, kept while the name still has it (a name service may rotate them). When a name
 * moves to another address, the multi-target stream stops the old address and starts the new one, and the old
 * address's meters are removed ({@link MonitoredTargetsRecorder#forget}) so that they do not
 * linger in Prometheus. A name that fails to resolve keeps its last address; one that never resolved
 * is logged and skipped until it does. When pinging fails (no socket can be opened, say), every
 * series is removed and the monitor starts again after 1 s, then after up to 1 min.
 */
public final class TargetMonitor implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(TargetMonitor.class);
  private static final Duration RETRY_FIRST = Duration.ofSeconds(1);
  private static final Duration RETRY_MAX = Duration.ofMinutes(1);

  private final Function<String, Mono<List<InetAddress>>> resolver;
  private final Function<Flux<Set<InetAddress>>, Flux<PingResult>> pingAll;
  private final MonitoredTargetsRecorder recorder;
  private final List<String> hosts;
  private final Duration resolveInterval;
  /** The last address each name resolved to. */
  private final Map<String, InetAddress> resolved = new ConcurrentHashMap<>();
  /**
   * The addresses being pinged; written by the target-set sequence, one set at a time, and reset
   * when pinging fails (then maybe beside the sequence's last step: forgetting twice is harmless).
   */
  private volatile Set<InetAddress> current = Set.of();
  private volatile @Nullable Disposable running;
  /** Refused targets already warned of: a few configured addresses at most. */
  private final Set<InetAddress> refusedNoted = ConcurrentHashMap.newKeySet();

  /**
   * A monitor, not started.
   *
   * @param resolver resolves one configured name to its addresses, preferred first, e.g. {@code
   *     pinger::resolveAll}
   * @param pingAll pings a changing set of targets, e.g. {@code sets -> pinger.pingAll(sets, options)}
   * @param recorder told which addresses are pinged, before their first probe, and when one no
   *     longer is
   * @param hosts the configured names and addresses
   * @param resolveInterval how often the names are resolved again
   */
  public TargetMonitor(
      Function<String, Mono<List<InetAddress>>> resolver,
      Function<Flux<Set<InetAddress>>, Flux<PingResult>> pingAll,
      MonitoredTargetsRecorder recorder,
      List<String> hosts,
      Duration resolveInterval) {
    this.resolver = resolver;
    this.pingAll = pingAll;
    this.recorder = recorder;
    this.hosts = List.copyOf(hosts);
    this.resolveInterval = resolveInterval;
  }

  @Override
  public void start() {
    if (hosts.isEmpty()) {
      return;
    }
    LOG.info("monitoring {}", hosts);
    running = Flux.defer(() -> pingAll.apply(targetSets()))
        // Stopped (e.g. no socket for a family): remove the series, which would still show the
        // last loss as if all were well, and try again, less and less often.
        .doOnError(error -> {
          LOG.warn("monitoring {} stopped: {}; retrying", hosts, error.toString());
          forgetAll();
        })
        // Not reset by results: a failure that recurs after a first result would retry every second.
        .retryWhen(Retry.backoff(Long.MAX_VALUE, RETRY_FIRST).maxBackoff(RETRY_MAX))
        .subscribe(this::noteResult);
  }

  /**
   * The recorder meters results; a target the engine refuses (multicast, say) gets no meters, so
   * say so, once per address, rather than leave it missing from Prometheus without a word.
   */
  private void noteResult(PingResult result) {
    if (result.error().orElse(null) instanceof TargetRefusedException refused) {
      if (refusedNoted.add(result.target())) {
        LOG.warn("not monitoring {}: {}", AddressText.of(result.target()), refused.getMessage());
      }
    } else {
      LOG.trace("{}", result);
    }
  }

  @Override
  public void stop() {
    Disposable subscription = running;
    running = null;
    if (subscription != null) {
      subscription.dispose();
    }
  }

  @Override
  public boolean isRunning() {
    Disposable subscription = running;
    return subscription != null && !subscription.isDisposed();
  }

  /** The addresses of the configured names, now and after each change. */
  Flux<Set<InetAddress>> targetSets() {
    return Flux.interval(Duration.ZERO, resolveInterval)
        // A slow resolver skips ticks rather than failing the interval for lack of demand.
        .onBackpressureDrop()
        .concatMap(tick -> resolveAll(), 1)
        .distinctUntilChanged()
        // Meter the new addresses before pingAll sends to them; forget the old ones after it
        // stopped them. What is recorded of a forgotten address afterwards is dropped.
        .concatMap(set -> Mono.just(set).doOnNext(recorder::monitor).doAfterTerminate(() -> forgetRemoved(set)), 1);
  }

  private Mono<Set<InetAddress>> resolveAll() {
    return Flux.fromIterable(hosts)
        .flatMapSequential(host -> Mono.defer(() -> resolver.apply(host))
            .map(addresses -> stillOrFirst(resolved.get(host), addresses))
            .doOnNext(address -> resolved.put(host, address))
            .onErrorResume(error -> {
              InetAddress last = resolved.get(host);
              LOG.warn("cannot resolve {}: {}; {}", host, error.getMessage(), last == null ? "skipped" : "keeping " + AddressText.of(last));
              return Mono.justOrEmpty(last);
            }))
        .collect(LinkedHashSet::new, Set::add);
  }

  /**
   * The address pinged so far if the name still has it, else its first: a name service that
   * rotates a name's addresses does not move the name, nor restart its series, at each lookup.
   */
  private static InetAddress stillOrFirst(@Nullable InetAddress last, List<InetAddress> addresses) {
    InetAddress first = addresses.get(0);
    // Same family too: a name that fell back to the other family returns to the preferred one.
    boolean keep = last != null && addresses.contains(last) && IpFamily.of(last) == IpFamily.of(first);
    return keep ? last : first;
  }

  /** After the target-set sequence ended: nothing is monitored until it starts again. */
  private void forgetAll() {
    current = Set.of();
    recorder.forgetAll(); // also a set the sequence handed on, then was cancelled before it noted
  }

  private void forgetRemoved(Set<InetAddress> next) {
    Set<InetAddress> removed = new HashSet<>(current);
    removed.removeAll(next);
    current = next;
    for (InetAddress address : removed) {
      LOG.info("no longer monitoring {}", address);
      recorder.forget(address);
    }
  }
}
