package io.pingstream;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link PingEngine}. Each setter validates its argument (an {@link
 * IllegalArgumentException} names the option, the value and the allowed range) and returns a copy.
 *
 * <pre>{@code
 * PingOptions options = PingOptions.defaults()
 *     .policy(SelectionPolicy.DGRAM)
 *     .timeout(Duration.ofMillis(500))
 *     .ttl(32);
 * }</pre>
 */
public final class PingOptions {

  /** Default receive buffer: large enough to hold the replies to a burst of ~10,000 probes. */
  public static final int DEFAULT_RECEIVE_BUFFER = 4 << 20;
  /** Smallest explicit socket buffer size. */
  public static final int MIN_BUFFER = 4096;
  /** Largest socket buffer size. */
  public static final int MAX_BUFFER = 1 << 30;

  private static final PingOptions DEFAULTS =
      new PingOptions(SelectionPolicy.DGRAM_RAW, ProbeSettings.DEFAULTS, null, null, null, 0, DEFAULT_RECEIVE_BUFFER, null);

  private final SelectionPolicy policy;
  private final ProbeSettings probeSettings;
  private final @Nullable Integer tos;
  private final @Nullable Inet4Address sourceV4;
  private final @Nullable Inet6Address sourceV6;
  private final int sendBufferSize;
  private final int receiveBufferSize;
  private final @Nullable Path namespace;

  private PingOptions(
      SelectionPolicy policy,
      ProbeSettings probeSettings,
      @Nullable Integer tos,
      @Nullable Inet4Address sourceV4,
      @Nullable Inet6Address sourceV6,
      int sendBufferSize,
      int receiveBufferSize,
      @Nullable Path namespace) {
    this.policy = policy;
    this.probeSettings = probeSettings;
    this.tos = tos;
    this.sourceV4 = sourceV4;
    this.sourceV6 = sourceV6;
    this.sendBufferSize = sendBufferSize;
    this.receiveBufferSize = receiveBufferSize;
    this.namespace = namespace;
  }

  /**
   * The defaults: policy {@link SelectionPolicy#DGRAM_RAW}, timeout 1 s, 64-byte packets, the
   * system's TTL and TOS, no source address, a 4 MiB receive buffer, the current namespace.
   */
  public static PingOptions defaults() {
    return DEFAULTS;
  }

  /** The socket selection policy. */
  public SelectionPolicy policy() {
    return policy;
  }

  /** A copy with another socket selection policy. */
  public PingOptions policy(SelectionPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    return new PingOptions(policy, probeSettings, tos, sourceV4, sourceV6, sendBufferSize, receiveBufferSize, namespace);
  }

  /** Timeout, size and TTL of a probe sent without explicit {@link ProbeSettings}. */
  public ProbeSettings probeSettings() {
    return probeSettings;
  }

  /** A copy with other default probe settings. */
  public PingOptions probeSettings(ProbeSettings probeSettings) {
    Objects.requireNonNull(probeSettings, "probeSettings");
    return new PingOptions(policy, probeSettings, tos, sourceV4, sourceV6, sendBufferSize, receiveBufferSize, namespace);
  }

  /** The default timeout. */
  public Duration timeout() {
    return probeSettings.timeout();
  }

  /** A copy with another default timeout, in (0, 1 hour]. */
  public PingOptions timeout(Duration timeout) {
    return probeSettings(probeSettings.timeout(timeout));
  }

  /** The default packet size: the whole IP packet, in bytes. */
  public int size() {
    return probeSettings.size();
  }

  /**
   * A copy with another default packet size, in [{@value ProbeSettings#MIN_SIZE}, {@value
   * ProbeSettings#MAX_SIZE}].
   */
  public PingOptions size(int size) {
    return probeSettings(probeSettings.size(size));
  }

  /** The TTL / hop limit set on the sockets, or empty for the system's default. */
  public OptionalInt ttl() {
    return probeSettings.ttl();
  }

  /** A copy with another TTL / hop limit, in [1, 255]. */
  public PingOptions ttl(int ttl) {
    return probeSettings(probeSettings.ttl(ttl));
  }

  /** The TOS (IPv4) or traffic class (IPv6), or empty for the system's default. */
  public OptionalInt tos() {
    return tos == null ? OptionalInt.empty() : OptionalInt.of(tos);
  }

  /** A copy with another TOS / traffic class, in [0, 255]. */
  public PingOptions tos(int tos) {
    Integer checked = Checks.inRange("tos", tos, 0, 255);
    return new PingOptions(policy, probeSettings, checked, sourceV4, sourceV6, sendBufferSize, receiveBufferSize, namespace);
  }

  /** The source address that probes of {@code family} are sent from, if set. */
  public Optional<InetAddress> source(IpFamily family) {
    return Optional.ofNullable(family == IpFamily.IPV4 ? sourceV4 : sourceV6);
  }

  /**
   * A copy that sends probes of the address's family from {@code source}; the other family keeps
   * its setting. The address must be a local unicast address when the socket opens.
   */
  public PingOptions source(InetAddress source) {
    Objects.requireNonNull(source, "source");
    if (source.isAnyLocalAddress() || source.isMulticastAddress()) {
      throw new IllegalArgumentException("source must be a unicast address, was " + source.getHostAddress());
    }
    if (source instanceof Inet4Address v4) {
      return new PingOptions(policy, probeSettings, tos, v4, sourceV6, sendBufferSize, receiveBufferSize, namespace);
    }
    return new PingOptions(policy, probeSettings, tos, sourceV4, (Inet6Address) source, sendBufferSize, receiveBufferSize, namespace);
  }

  /** The requested send buffer size in bytes, 0 for the system's default. */
  public int sendBufferSize() {
    return sendBufferSize;
  }

  /**
   * A copy with another send buffer size: 0 for the system's default, else in [{@value
   * #MIN_BUFFER}, {@value #MAX_BUFFER}]. With {@code CAP_NET_ADMIN} the size may exceed {@code
   * net.core.wmem_max}; without it the kernel caps it there.
   */
  public PingOptions sendBufferSize(int bytes) {
    return new PingOptions(policy, probeSettings, tos, sourceV4, sourceV6, bufferSize("sendBufferSize", bytes), receiveBufferSize, namespace);
  }

  /** The requested receive buffer size in bytes, 0 for the system's default. */
  public int receiveBufferSize() {
    return receiveBufferSize;
  }

  /**
   * A copy with another receive buffer size: 0 for the system's default, else in [{@value
   * #MIN_BUFFER}, {@value #MAX_BUFFER}]. With {@code CAP_NET_ADMIN} the size may exceed {@code
   * net.core.rmem_max}; without it the kernel caps it there.
   */
  public PingOptions receiveBufferSize(int bytes) {
    return new PingOptions(policy, probeSettings, tos, sourceV4, sourceV6, sendBufferSize, bufferSize("receiveBufferSize", bytes), namespace);
  }

  /** The network namespace the sockets are opened in, if not the current one. */
  public Optional<Path> namespace() {
    return Optional.ofNullable(namespace);
  }

  /**
   * A copy that opens its sockets in the network namespace at {@code namespace}, such as {@code
   * /run/netns/blue} (made by {@code ip netns add blue}) or {@code /proc/PID/ns/net}. Entering a
   * namespace needs {@code CAP_SYS_ADMIN}. The sockets stay in that namespace; the rest of the
   * process does not move.
   */
  public PingOptions namespace(Path namespace) {
    Objects.requireNonNull(namespace, "namespace");
    return new PingOptions(policy, probeSettings, tos, sourceV4, sourceV6, sendBufferSize, receiveBufferSize, namespace);
  }

  private static int bufferSize(String name, int bytes) {
    return bytes == 0 ? 0 : Checks.inRange(name, bytes, MIN_BUFFER, MAX_BUFFER);
  }

  @Override
  public String toString() {
    return "PingOptions{policy=" + policy + ", " + probeSettings + ", tos=" + (tos == null ? "default" : tos)
        + ", sourceV4=" + sourceV4 + ", sourceV6=" + sourceV6 + ", sendBufferSize=" + sendBufferSize
        + ", receiveBufferSize=" + receiveBufferSize + ", namespace=" + namespace + "}";
  }
}
