package io.pingstream;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * What one probe sends and how long it waits: timeout, packet size and TTL. Immutable; each
 * setter returns a validated copy.
 *
 * <pre>{@code
 * ProbeSettings slow = engine.options().probeSettings().timeout(Duration.ofSeconds(5)).ttl(3);
 * engine.ping(address, slow);
 * }</pre>
 */
public final class ProbeSettings {

  /** Smallest packet: an IPv6 header, the ICMP header and the 16-byte signature and token. */
  public static final int MIN_SIZE = 64;
  /** Largest packet: the IPv4 total-length limit. */
  public static final int MAX_SIZE = 65_535;
  /** Default packet size, as in Gufo Ping: 64 bytes of IP packet. */
  public static final int DEFAULT_SIZE = 64;
  /** Default timeout: one second. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  static final ProbeSettings DEFAULTS = new ProbeSettings(DEFAULT_TIMEOUT, DEFAULT_SIZE, null);

  private final Duration timeout;
  private final int size;
  private final @Nullable Integer ttl;

  private ProbeSettings(Duration timeout, int size, @Nullable Integer ttl) {
    this.timeout = timeout;
    this.size = size;
    this.ttl = ttl;
  }

  /** Settings with the defaults: 1 s timeout, 64-byte packets, the system's TTL. */
  public static ProbeSettings defaults() {
    return DEFAULTS;
  }

  /** How long a probe waits for its reply. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * A copy with another timeout.
   *
   * @param timeout in (0, 1 hour]
   */
  public ProbeSettings timeout(Duration timeout) {
    return new ProbeSettings(Checks.timeout("timeout", timeout), size, ttl);
  }

  /** Size of the whole IP packet in bytes (IP header + ICMP header + payload). */
  public int size() {
    return size;
  }

  /**
   * A copy with another packet size.
   *
   * @param size the whole IP packet, in [{@value #MIN_SIZE}, {@value #MAX_SIZE}]
   */
  public ProbeSettings size(int size) {
    return new ProbeSettings(timeout, Checks.inRange("size", size, MIN_SIZE, MAX_SIZE), ttl);
  }

  /** The TTL (IPv4) or hop limit (IPv6), or empty for the system's default. */
  public OptionalInt ttl() {
    return ttl == null ? OptionalInt.empty() : OptionalInt.of(ttl);
  }

  /**
   * A copy with another TTL / hop limit.
   *
   * @param ttl in [1, 255]
   */
  public ProbeSettings ttl(int ttl) {
    return new ProbeSettings(timeout, size, Checks.inRange("ttl", ttl, 1, 255));
  }

  /** A copy that leaves the TTL to the system's default. */
  public ProbeSettings defaultTtl() {
    return new ProbeSettings(timeout, size, null);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ProbeSettings other
        && timeout.equals(other.timeout) && size == other.size && Objects.equals(ttl, other.ttl);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timeout, size, ttl);
  }

  @Override
  public String toString() {
    return "ProbeSettings{timeout=" + timeout + ", size=" + size + ", ttl=" + (ttl == null ? "default" : ttl) + "}";
  }
}
