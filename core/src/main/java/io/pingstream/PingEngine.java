package io.pingstream;

import io.pingstream.internal.engine.Engine;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Sends ICMP echo requests and matches their replies, over one shared socket per address family.
 *
 * <p>Thread-safe and meant to be shared: every probe of the application can go through one
 * engine. Sockets open on the first probe of their family (or on {@link #open(IpFamily)}), with
 * the modes of the {@link SelectionPolicy} tried in order. One daemon thread receives replies
 * and expires deadlines; there is no timer or thread per probe.
 *
 * <pre>{@code
 * try (PingEngine engine = PingEngine.create(PingOptions.defaults())) {
 *   PingResult result = engine.ping(InetAddress.getLoopbackAddress()).join();
 *   System.out.println(result.rtt().map(Duration::toNanos).orElse(-1L));
 * }
 * }</pre>
 *
 * <p>Most applications use {@code io.pingstream.reactor.Pinger}, which wraps an engine in
 * {@code Mono} and {@code Flux} operators.
 */
public final class PingEngine implements AutoCloseable {

  private final Engine engine;

  private PingEngine(PingOptions options) {
    this.engine = new Engine(options);
  }

  /**
   * Creates an engine. Opens nothing yet.
   *
   * @throws UnsupportedOperationException when not on 64-bit Linux or libc cannot be bound
   */
  public static PingEngine create(PingOptions options) {
    Objects.requireNonNull(options, "options");
    return new PingEngine(options);
  }

  /** The options the engine was created with. */
  public PingOptions options() {
    return engine.options();
  }

  /** Sends one probe with the engine's default {@link PingOptions#probeSettings()}. */
  public CompletableFuture<PingResult> ping(InetAddress target) {
    return ping(target, options().probeSettings());
  }

  /**
   * Sends one probe now and returns its future.
   *
   * <p>The future completes on the receive thread with a {@link PingOutcome#REPLY} or, after the
   * timeout, a {@link PingOutcome#TIMEOUT}; on the calling thread with a {@link
   * PingOutcome#ERROR} when the kernel refuses the packet. It completes exceptionally with a
   * {@link SocketUnavailableException} when no socket of the policy opens, and with an {@link
   * EngineClosedException} when the engine is or gets closed. Cancelling the future, or
   * completing it yourself (e.g. with {@code completeOnTimeout}, {@code orTimeout} or {@code
   * completeAsync}), forgets the
   * probe at once: a reply that comes later is counted as late and ignored, and no timeout follows.
   *
   * <p>The first probe of an address family opens its socket on the calling thread (with a
   * namespace, on a helper thread that is joined), which may take a few milliseconds; call
   * {@link #open(IpFamily)} beforehand, or from a thread that may block, to keep that off
   * non-blocking threads. Later probes only call {@code sendto(2)} on a non-blocking socket.
   *
   * <p>Targets: an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is pinged over IPv4. These
   * are refused at once, before anything is sent, with the future failing with a {@link
   * TargetRefusedException} (an {@link IllegalArgumentException}): the unspecified address
   * ({@code 0.0.0.0}, {@code ::}), multicast addresses and the IPv4 limited broadcast address,
   * whose replies come from other addresses and could never be matched to the probe; and a
   * link-local IPv6 address without a scope (write {@code fe80::1%eth0}), which names no
   * interface to send on.
   */
  public CompletableFuture<PingResult> ping(InetAddress target, ProbeSettings settings) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(settings, "settings");
    InetAddress unicast = unmapped(target);
    @Nullable TargetRefusedException refusal = refusal(unicast);
    if (refusal != null) {
      return CompletableFuture.failedFuture(refusal);
    }
    return engine.ping(unicast, settings);
  }

  /** Sends one probe to each target with the engine's default {@link PingOptions#probeSettings()}. */
  public List<CompletableFuture<PingResult>> pingEach(List<? extends InetAddress> targets) {
    return pingEach(targets, options().probeSettings());
  }

  /**
   * Sends one probe to each of {@code targets} now, in order, and returns their futures in the
   * same order; each completes as {@link #ping(InetAddress, ProbeSettings)} describes. A target
   * that method refuses gets a failed future in its place; the others are sent.
   *
   * <p>Cheaper than a call per target where the kernel stamps each request as it leaves (Linux
   * 6.13 and later, with {@link PingOptions#transmitTimestamps(boolean)} on, the default):
   * consecutive targets of one family then go to the kernel together, up to 64 per {@code
   * sendmmsg(2)} call (probes of up to 512 ICMP bytes), and each RTT still starts when its own
   * request left (a probe whose stamp is lost, e.g. to a full receive buffer, is timed from
   * before the call). Elsewhere they go one by one, since an RTT timed from the JVM's clock would
   * also count the kernel's work on the probes ahead of it in the batch; so do they where {@code
   * sendmmsg(2)} itself is refused (a seccomp profile).
   *
   * <p>All the probes leave at once and their replies come together: the receive buffer ({@link
   * PingOptions#receiveBufferSize(int)}) must hold them, else send a long list in parts.
   *
   * @throws NullPointerException if the list or one of its targets is null; nothing is sent then
   */
  public List<CompletableFuture<PingResult>> pingEach(List<? extends InetAddress> targets, ProbeSettings settings) {
    Objects.requireNonNull(targets, "targets");
    Objects.requireNonNull(settings, "settings");
    var futures = new ArrayList<CompletableFuture<PingResult>>(targets.size());
    var sendable = new ArrayList<InetAddress>(targets.size());
    for (InetAddress target : targets) {
      InetAddress unicast = unmapped(Objects.requireNonNull(target, "target"));
      @Nullable TargetRefusedException refusal = refusal(unicast);
      futures.add(refusal == null ? null : CompletableFuture.failedFuture(refusal));
      if (refusal == null) {
        sendable.add(unicast);
      }
    }
    Iterator<CompletableFuture<PingResult>> sent = engine.pingEach(sendable, settings).iterator();
    futures.replaceAll(future -> future != null ? future : sent.next());
    return futures;
  }

  /**
   * Opens the socket of {@code family} now, if it is not open yet, and returns the mode chosen.
   * Useful to fail fast at startup on missing privileges.
   *
   * @throws SocketUnavailableException when no mode of the policy opens
   * @throws IOException when an option cannot be applied or the namespace cannot be entered
   */
  public SocketMode open(IpFamily family) throws IOException {
    Objects.requireNonNull(family, "family");
    return engine.open(family);
  }

  /** The mode of the family's socket, or empty while it is not open. */
  public Optional<SocketMode> socketMode(IpFamily family) {
    Objects.requireNonNull(family, "family");
    return engine.socketMode(family);
  }

  /**
   * Every probe outcome of this engine, as it happens: a hot {@code Flux} that costs nothing
   * without subscribers. Signals are emitted on the receive thread (replies, timeouts) or the
   * sending thread (send errors), never concurrently. A subscriber that has no demand misses
   * signals rather than slowing the engine. Completes when the engine closes, on the receive
   * thread as it ends (a subscriber that holds that thread delays it). What a subscriber throws
   * is logged and ignored. Do not block in a subscriber: {@code block()} there fails at once. (A
   * Reactor {@code Pinger} whose {@code pingAll} has run keeps one subscriber without demand, to
   * learn when the engine closes: each outcome is then offered to it and dropped.)
   */
  public Flux<PingResult> results() {
    return engine.results();
  }

  /** Counters since creation, including probes in flight. */
  public EngineStats stats() {
    return engine.stats();
  }

  /**
   * Whether {@link #close()} was called, or the receive thread ended on its own (a fatal error
   * such as {@link OutOfMemoryError}, logged), which closes the engine too.
   */
  public boolean isClosed() {
    return engine.isClosed();
  }

  /**
   * Stops the receive thread, closes the sockets and completes every probe in flight
   * exceptionally with {@link EngineClosedException}. Waits for the receive thread at most 5 s
   * (a subscriber may hold it); it closes the sockets as it ends. Idempotent.
   */
  @Override
  public void close() {
    engine.close();
  }

  private static @Nullable TargetRefusedException refusal(InetAddress target) {
    String why = null;
    if (target.isAnyLocalAddress()) {
      why = "the unspecified address";
    } else if (target.isMulticastAddress()) {
      why = "a multicast address";
    } else if (Checks.isLimitedBroadcast(target)) {
      why = "the limited broadcast address";
    } else if (target instanceof Inet6Address v6 && v6.isLinkLocalAddress() && v6.getScopeId() == 0) {
      return new TargetRefusedException(target, "a link-local address needs a scope, e.g. fe80::1%eth0");
    }
    return why == null ? null : new TargetRefusedException(target, why + " cannot be matched to its replies");
  }

  private static InetAddress unmapped(InetAddress target) {
    if (!(target instanceof Inet6Address)) {
      return target; // no copy of the address bytes for the common IPv4 case
    }
    byte[] bytes = target.getAddress();
    if (IpFamily.isIpv4Mapped(bytes)) {
      try {
        return InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // unreachable: four bytes
      }
    }
    return target;
  }
}
