package io.pingstream.reactor;

import io.pingstream.EngineClosedException;
import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import io.pingstream.SocketUnavailableException;
import io.pingstream.TargetRefusedException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Reactive ICMP echo: a {@code Mono} per probe, a paced {@code Flux} per target, and one {@code
 * Flux} for many targets.
 *
 * <p>A pinger owns one {@link PingEngine} (one socket per address family, one receive thread) and
 * is meant to be shared application-wide; it is thread-safe. Everything it returns is cold:
 * nothing is sent before subscription, each subscription sends its own probes, and cancelling a
 * subscription forgets its pending probes at once (a reply that comes later is ignored).
 *
 * <pre>{@code
 * try (Pinger pinger = Pinger.create()) {
 *   // block() suits a main method; a reactive application returns or composes the Mono
 *   Optional<Duration> rtt = pinger.ping("127.0.0.1").block();
 *   System.out.println(rtt.map(Duration::toNanos).map(ns -> ns / 1e6 + " ms").orElse("timeout"));
 *
 *   pinger.stream(InetAddress.getByName("127.0.0.1"), StreamOptions.every(Duration.ofSeconds(1)).count(5))
 *       .doOnNext(System.out::println)
 *       .blockLast(); // closing the pinger fails what still runs: wait for the stream first
 * }
 * }</pre>
 *
 * <p>Signals come on the engine's receive thread (replies and timeouts), on the thread that sent
 * the probe (send errors) or on the thread that requests; never concurrently within one
 * subscription. Do not block in {@code onNext}: that would hold up the receive thread and every
 * other probe of the pinger. Use {@code publishOn} for slow work. The receive thread is one of
 * Reactor's non-blocking threads: {@code block()} there fails at once with an {@code
 * IllegalStateException} (a {@code CompletableFuture.join()} would hang the pinger).
 */
public final class Pinger implements AutoCloseable {

  private final PingEngine engine;
  private final AddressPreference addressPreference;
  private final HostResolver resolver;
  private final Prober prober;
  private final LongAdder skipped = new LongAdder();
  private volatile @Nullable PacingClocks clocks;

  private Pinger(PingEngine engine, AddressPreference addressPreference) {
    this.engine = engine;
    this.addressPreference = addressPreference;
    this.resolver = new HostResolver(addressPreference, InetAddress::getAllByName, Schedulers.boundedElastic());
    this.prober = new EngineProber(engine, Schedulers.boundedElastic());
  }

  /** A pinger with {@link PingOptions#defaults()} and {@link AddressPreference#ANY}. */
  public static Pinger create() {
    return create(PingOptions.defaults());
  }

  /**
   * A pinger with {@code options} and {@link AddressPreference#ANY}. Opens no socket yet: sockets
   * open with the first probe of their family.
   *
   * @throws UnsupportedOperationException when not on 64-bit Linux or libc cannot be bound
   */
  public static Pinger create(PingOptions options) {
    return create(options, AddressPreference.ANY);
  }

  /**
   * A pinger with {@code options} that resolves host names to the family {@code preference}
   * asks for, when the host has one.
   *
   * @throws UnsupportedOperationException when not on 64-bit Linux or libc cannot be bound
   */
  public static Pinger create(PingOptions options, AddressPreference preference) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(preference, "preference");
    return new Pinger(PingEngine.create(options), preference);
  }

  /** The options of the engine. */
  public PingOptions options() {
    return engine.options();
  }

  /** Which family host names resolve to. */
  public AddressPreference addressPreference() {
    return addressPreference;
  }

  /**
   * The engine behind this pinger, for its {@link PingEngine#stats() counters}, its {@link
   * PingEngine#results() hot stream of every result} or to {@link PingEngine#open open} sockets
   * eagerly. Closing it closes the pinger.
   */
  public PingEngine engine() {
    return engine;
  }

  /**
   * Probes that paced streams ({@link #stream}, {@link #pingAll}) of this pinger did not send:
   * their time came while the previous probe of the same target was still waiting to leave, for
   * the subscriber's demand, the rate limit, an in-flight slot or room in the target's window. A
   * skipped probe is not sent, so it counts neither as sent nor as lost.
   *
   * <p>A target's window holds {@code min(ceil(timeout / interval) + 2, 1024)} probes sent whose
   * results are not yet handed downstream (one more result may wait there for demand). Below the cap of 1,024 that is room for every probe that can still wait
   * for its outcome, so only a lack of demand fills it. With a timeout of more than 1,022
   * intervals the cap applies, and then probes are skipped whatever the demand once 1,024 probes
   * of a target wait for their outcome: a silent target probed every 1 ms with a 2 s timeout
   * sends 1,024 probes in a row, skips the next 976 ticks until the first of them times out, and
   * so on, about half its ticks. Keep the timeout within 1,022 intervals to probe a silent target
   * at every tick.
   */
  public long skippedProbes() {
    return skipped.sum();
  }

  /**
   * Resolves {@code host} to one address.
   *
   * <p>An IP literal ({@code 127.0.0.1}, {@code ::1}, {@code [fe80::1%eth0]}) is parsed on the
   * subscribing thread without any lookup. A name is looked up on {@link
   * Schedulers#boundedElastic()}, never on the subscribing thread, and the address of the
   * {@link #addressPreference() preferred family} is chosen when there is one. The {@code Mono}
   * emits the address and completes, or fails with an {@link UnknownHostException} whose message
   * names the host. Each subscription looks up again; cancelling abandons the lookup's result.
   *
   * @throws IllegalArgumentException when {@code host} is blank
   */
  public Mono<InetAddress> resolve(String host) {
    return resolver.resolve(host);
  }

  /**
   * Resolves {@code host} to all its addresses, as {@link #resolve(String)} does to one: those of
   * the preferred family first, each family in the name service's order; never empty. A monitor
   * can keep pinging an address while it is among them, where a name service that rotates them
   * would move {@code resolve} to another at each lookup.
   *
   * @throws IllegalArgumentException when {@code host} is blank
   */
  public Mono<List<InetAddress>> resolveAll(String host) {
    return resolver.resolveAll(host);
  }

  /** {@link #probe(InetAddress, ProbeSettings)} with the pinger's default probe settings. */
  public Mono<PingResult> probe(InetAddress target) {
    return probe(target, options().probeSettings());
  }

  /**
   * Sends one probe per subscription and emits its result.
   *
   * <p>Nothing is sent before subscription; the probe leaves on the subscribing thread (the
   * first probe of an address family first opens its socket on {@link
   * Schedulers#boundedElastic()}, as that may block). The {@code Mono} emits one {@link
   * PingResult} and completes: a {@link PingOutcome#REPLY} when the reply comes, a {@link
   * PingOutcome#TIMEOUT} after {@code settings.timeout()}, both on the engine's receive thread
   * (a reply that beats the end of {@code subscribe}, as on loopback, comes on the subscribing
   * thread), or an {@link PingOutcome#ERROR} with its cause when the kernel refuses the packet,
   * on the subscribing thread. It fails with a {@link SocketUnavailableException} when no socket of
   * the {@link io.pingstream.SelectionPolicy} can be opened, with another {@link IOException}
   * when the socket or its namespace cannot be set up, with a {@link TargetRefusedException}
   * when the engine refuses the target before sending (the unspecified address, multicast, the
   * IPv4 limited broadcast, a link-local IPv6 address without a scope; see {@link
   * PingEngine#ping(InetAddress, ProbeSettings)}), and with an {@link EngineClosedException} once
   * the pinger is closed. Cancelling it forgets the probe: the engine's in-flight count drops at
   * once.
   *
   * @param settings timeout, size and TTL of this probe, overriding the pinger's defaults
   */
  public Mono<PingResult> probe(InetAddress target, ProbeSettings settings) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(settings, "settings");
    return prober.probe(target, settings);
  }

  /** {@link #probe(String, ProbeSettings)} with the pinger's default probe settings. */
  public Mono<PingResult> probe(String host) {
    return probe(host, options().probeSettings());
  }

  /**
   * Resolves {@code host} as {@link #resolve(String)} does, then probes it as {@link
   * #probe(InetAddress, ProbeSettings)} does: the probe of a name leaves from {@link
   * Schedulers#boundedElastic()}. Fails with an {@link UnknownHostException} naming the host
   * when it does not resolve. Each subscription resolves again.
   *
   * @throws IllegalArgumentException when {@code host} is blank
   */
  public Mono<PingResult> probe(String host, ProbeSettings settings) {
    Objects.requireNonNull(settings, "settings");
    return resolve(host).flatMap(target -> prober.probe(target, settings));
  }

  /** {@link #ping(InetAddress, ProbeSettings)} with the pinger's default probe settings. */
  public Mono<Optional<Duration>> ping(InetAddress target) {
    return ping(target, options().probeSettings());
  }

  /**
   * The round-trip time of one probe, or empty on timeout: the simple form of {@link
   * #probe(InetAddress, ProbeSettings)}, with the same laziness, threads and cancellation.
   *
   * <p>Emits {@code Optional.of(rtt)} on a reply, {@code Optional.empty()} when no reply came
   * within {@code settings.timeout()}, then completes. A probe that failed ({@link
   * PingOutcome#ERROR}, such as a send refused with {@code ENETUNREACH}) is not a timeout: the
   * {@code Mono} fails with its cause. It also fails as {@code probe} does when no socket can be
   * opened, the engine refuses the target, or the pinger is closed.
   */
  public Mono<Optional<Duration>> ping(InetAddress target, ProbeSettings settings) {
    return rtt(probe(target, settings));
  }

  /** {@link #ping(String, ProbeSettings)} with the pinger's default probe settings. */
  public Mono<Optional<Duration>> ping(String host) {
    return ping(host, options().probeSettings());
  }

  /**
   * Resolves {@code host} as {@link #resolve(String)} does, then pings it as {@link
   * #ping(InetAddress, ProbeSettings)} does. Fails with an {@link UnknownHostException} naming
   * the host when it does not resolve.
   *
   * @throws IllegalArgumentException when {@code host} is blank
   */
  public Mono<Optional<Duration>> ping(String host, ProbeSettings settings) {
    return rtt(probe(host, settings));
  }

  /** {@link #stream(InetAddress, StreamOptions)} with {@code StreamOptions.every(interval)}. */
  public Flux<PingResult> stream(InetAddress target, Duration interval) {
    return stream(target, StreamOptions.every(interval));
  }

  /**
   * Probes {@code target} every {@code options.interval()}, until cancelled or until {@code
   * options.count()} results.
   *
   * <p>The first probe leaves at subscription (the first time, once the family's socket is open);
   * then one every interval, paced by the clock: a probe does not wait for the previous one's
   * reply, so a slow reply or a timeout does not delay the next probe. A clock on {@link
   * Schedulers#parallel()} paces the streams of a pinger and sends the probes that are due
   * together, waking at most once per slack: a probe leaves up to an eighth of the interval late
   * (at most 10 ms, so ~8 ms at 1 s), while the average interval stays exact. Streams of more than
   * 67.1 ms share one clock; shorter intervals, whose slack is smaller, get one per slack. That batching is
   * what lets one pinger watch 10,000 targets at 1 Hz on a fraction of a core.
   *
   * <p>Results are emitted in send order (a reply waits for the outcome of earlier probes, at
   * most their timeout), one per probe sent, errors ({@link PingOutcome#ERROR}) included as
   * values. A target the engine refuses before sending anything (the unspecified address,
   * multicast, the IPv4 limited broadcast, a link-local IPv6 address without a scope; see {@link
   * PingEngine#ping(InetAddress, ProbeSettings)}) is no failure either: each of its probes is an
   * {@code ERROR} result of {@link PingResult#sequence() sequence} -1 whose cause is a {@link
   * TargetRefusedException} naming the target, and the stream goes on, as it does when the
   * kernel refuses a send. With a count the {@code Flux} completes after the last result; without
   * one it never completes. It fails, cancelling the probes in flight, when a socket cannot be
   * opened or the pinger is closed.
   *
   * <p>Backpressure: probes are skipped, never buffered without bound. A target keeps at most
   * {@code ceil(timeout / interval) + 3} probes sent but not yet delivered (enough for every probe
   * that can still be waiting for its reply; at most {@value PacedStreams#MAX_WINDOW} + 1). Once
   * a subscriber without demand holds that many, the probes that come due are not sent (see
   * {@link #skippedProbes()}), and the next one leaves as soon as demand returns. The cap is also
   * a cause of skips independent of demand: with a timeout of more than 1,022 intervals, once
   * {@value PacedStreams#MAX_WINDOW} probes of a target wait for their outcome (a silent target,
   * 1,024 intervals after its start), the probes that come due are skipped until the oldest one's
   * outcome comes, even with unbounded demand. A skipped probe counts in no statistics, and a
   * count counts only probes sent. Even without demand, the first of these probes are sent at
   * subscription, as a prefetch would.
   *
   * <p>Cancelling stops the clock and cancels the probes in flight: nothing is emitted after,
   * and the engine's in-flight count drops at once. Rate and in-flight limits of {@code options}
   * apply as in {@link #pingAll(Publisher, StreamOptions)}.
   */
  public Flux<PingResult> stream(InetAddress target, StreamOptions options) {
    Objects.requireNonNull(target, "target");
    return pingAll(List.of(target), options);
  }

  /**
   * Resolves {@code host} once per subscription, as {@link #resolve(String)} does, then streams
   * it as {@link #stream(InetAddress, StreamOptions)} does. Fails with an {@link
   * UnknownHostException} naming the host, before any probe, when it does not resolve.
   *
   * @throws IllegalArgumentException when {@code host} is blank
   */
  public Flux<PingResult> stream(String host, StreamOptions options) {
    Objects.requireNonNull(options, "options");
    return resolve(host).flatMapMany(target -> stream(target, options));
  }

  /** {@link #pingAll(Collection, StreamOptions)} with {@code StreamOptions.every(interval)}. */
  public Flux<PingResult> pingAll(Collection<? extends InetAddress> targets, Duration interval) {
    return pingAll(targets, StreamOptions.every(interval));
  }

  /**
   * {@link #pingAll(Collection, StreamOptions)} with {@code
   * StreamOptions.every(interval).count(count)}: {@code count} probes per target, then complete.
   */
  public Flux<PingResult> pingAll(Collection<? extends InetAddress> targets, Duration interval, long count) {
    return pingAll(targets, StreamOptions.every(interval).count(count));
  }

  /**
   * Probes every target of {@code targets} as {@link #stream(InetAddress, StreamOptions)} does,
   * with their probes spread over the interval: of {@code n} targets, the {@code i}-th (in
   * iteration order, duplicates removed) sends its first probe {@code i * interval / n} after
   * subscription. An empty collection completes at once.
   *
   * <p>Completes when every target has sent {@code options.count()} probes; without a count,
   * never. See {@link #pingAll(Publisher, StreamOptions)} for ordering, limits, backpressure and
   * cancellation.
   *
   * @throws NullPointerException when {@code targets} or an element is null
   */
  public Flux<PingResult> pingAll(Collection<? extends InetAddress> targets, StreamOptions options) {
    Objects.requireNonNull(targets, "targets");
    for (InetAddress target : targets) {
      Objects.requireNonNull(target, "targets must not contain null");
    }
    return pingAll(Mono.just(List.copyOf(targets)), options);
  }

  /**
   * Probes a changing set of targets: each {@code Collection} that {@code targetSets} emits
   * replaces the previous one. A target that appears starts its own paced stream, a target that
   * disappears has its stream cancelled (its probes in flight too, and its result still waiting
   * for demand goes to the discard hook: it emits nothing more, even after it finished its
   * count), and the targets in both sets go on untouched. The {@code k} targets that one set adds
   * send their first probes spread over the interval, at {@code j * interval / k}. A target that
   * stays after sending its {@code count} is not restarted; removed and added again, it is.
   *
   * <p>Results carry their target ({@link PingResult#target()}), so {@code groupBy}, windows and
   * {@link PingStatistics} work downstream. Each target's results come in its send order;
   * results of different targets interleave as they come, so a silent target does not hold up
   * the others.
   *
   * <p>The limits of {@code options} are shared by the targets of one subscription: with a
   * {@link StreamOptions#rateLimit(int) rate limit} probes leave at least {@code 1 s / rate}
   * apart, and with an {@link StreamOptions#maxInFlight(int) in-flight limit} at most that many
   * wait for their reply. A target whose probe is due while the limit is reached waits for its
   * turn, first come first served, and its probes that come due meanwhile are skipped: every
   * target keeps being probed, less often.
   *
   * <p>Backpressure is per target, as in {@link #stream(InetAddress, StreamOptions)}: a
   * subscriber without demand makes each target skip probes once it holds a few unconsumed
   * results; memory stays bounded by the number of targets. {@code targetSets} is requested
   * unbounded, so target changes apply whatever the demand.
   *
   * <p>When {@code targetSets} completes, the last set keeps running; the {@code Flux} completes
   * when every running target has sent its count (never without a count). It fails when {@code
   * targetSets} fails, when a set is or contains null, when a socket cannot be opened, or when
   * the pinger (or its {@link #engine() engine}) is closed: while {@code targetSets} may still
   * emit, as soon as the engine has closed, even when no target runs (all finished their count,
   * or the set is empty); after, at a running target's next tick or probe. A target the engine
   * refuses does not fail it: its probes are {@link PingOutcome#ERROR} results, as in {@link
   * #stream(InetAddress, StreamOptions)}, and the other targets go on. Cancelling cancels {@code
   * targetSets}, every target's clock and every probe in flight.
   *
   * <p>A target that leaves the set is reported to the options' {@link
   * io.pingstream.PingRecorder#targetRemoved recorder} once each of its probes is cancelled or
   * has its outcome recorded, so that per-target metrics are removed with it and not recreated.
   */
  public Flux<PingResult> pingAll(Publisher<? extends Collection<? extends InetAddress>> targetSets, StreamOptions options) {
    Objects.requireNonNull(targetSets, "targetSets");
    Objects.requireNonNull(options, "options");
    return new PacedStreams(prober, options().probeSettings(), clocks(), skipped, options().recorder())
        .pingAll(targetSets, options);
  }

  /**
   * The clocks of {@link Schedulers#parallel()}, shared by all paced streams. The scheduler is
   * read at assembly, so that {@code StepVerifier.withVirtualTime} can swap it.
   */
  private PacingClocks clocks() {
    Scheduler scheduler = Schedulers.parallel();
    PacingClocks current = clocks;
    if (current == null || current.time().scheduler() != scheduler) {
      current = new PacingClocks(Timebase.of(scheduler));
      clocks = current;
    }
    return current;
  }

  /**
   * Closes the engine: its sockets close, probes in flight complete with an {@link
   * EngineClosedException}, and later probes fail with it. Running streams fail with it at their
   * next probe or tick, those without demand too; a {@link #pingAll(Publisher, StreamOptions)}
   * whose target sets have not completed fails with it as soon as the engine's receive thread has
   * ended, even with no target running. Idempotent.
   */
  @Override
  public void close() {
    // The clocks are left running: their streams fail with the next probe and stop them.
    engine.close();
  }

  private static Mono<Optional<Duration>> rtt(Mono<PingResult> probe) {
    return probe.handle((result, sink) -> {
      switch (result.outcome()) {
        case REPLY -> sink.next(result.rtt());
        case TIMEOUT -> sink.next(Optional.empty());
        case ERROR -> sink.error(result.error().orElseGet(() -> new IOException("probe failed: " + result)));
      }
    });
  }

  @Override
  public String toString() {
    return "Pinger{" + options() + ", addressPreference=" + addressPreference + "}";
  }
}
