package io.pingstream;

import io.pingstream.internal.engine.Engine;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
   * EngineClosedException} when the engine is or gets closed. Cancelling the future forgets the
   * probe at once; a reply that comes later is counted as late and ignored.
   *
   * <p>An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is pinged over IPv4.
   */
  public CompletableFuture<PingResult> ping(InetAddress target, ProbeSettings settings) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(settings, "settings");
    return engine.ping(unmapped(target), settings);
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
   * signals rather than slowing the engine. Completes when the engine closes.
   */
  public Flux<PingResult> results() {
    return engine.results();
  }

  /** Counters since creation, including probes in flight. */
  public EngineStats stats() {
    return engine.stats();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return engine.isClosed();
  }

  /**
   * Stops the receive thread, closes the sockets and completes every probe in flight
   * exceptionally with {@link EngineClosedException}. Idempotent.
   */
  @Override
  public void close() {
    engine.close();
  }

  private static InetAddress unmapped(InetAddress target) {
    byte[] bytes = target.getAddress();
    if (target instanceof Inet6Address && isIpv4Mapped(bytes)) {
      try {
        return InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // unreachable: four bytes
      }
    }
    return target;
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
  }
}
