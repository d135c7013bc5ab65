package io.pingstream;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
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

  private static final PingOptions DEFAULTS = new PingOptions(new Fields());

  private final SelectionPolicy policy;
  private final ProbeSettings probeSettings;
  private final @Nullable Integer tos;
  private final @Nullable Inet4Address sourceV4;
  private final @Nullable Inet6Address sourceV6;
  private final int sendBufferSize;
  private final int receiveBufferSize;
  private final @Nullable Path namespace;
  private final boolean dontFragment;
  private final boolean transmitTimestamps;
  private final @Nullable String interfaceName;
  private final PingRecorder recorder;

  private PingOptions(Fields fields) {
    this.policy = fields.policy;
    this.probeSettings = fields.probeSettings;
    this.tos = fields.tos;
    this.sourceV4 = fields.sourceV4;
    this.sourceV6 = fields.sourceV6;
    this.sendBufferSize = fields.sendBufferSize;
    this.receiveBufferSize = fields.receiveBufferSize;
    this.namespace = fields.namespace;
    this.dontFragment = fields.dontFragment;
    this.transmitTimestamps = fields.transmitTimestamps;
    this.interfaceName = fields.interfaceName;
    this.recorder = fields.recorder;
  }

  /** A copy of these options with one change. */
  private PingOptions with(Consumer<Fields> change) {
    var fields = new Fields();
    fields.policy = policy;
    fields.probeSettings = probeSettings;
    fields.tos = tos;
    fields.sourceV4 = sourceV4;
    fields.sourceV6 = sourceV6;
    fields.sendBufferSize = sendBufferSize;
    fields.receiveBufferSize = receiveBufferSize;
    fields.namespace = namespace;
    fields.dontFragment = dontFragment;
    fields.transmitTimestamps = transmitTimestamps;
    fields.interfaceName = interfaceName;
    fields.recorder = recorder;
    change.accept(fields);
    return new PingOptions(fields);
  }

  /** The mutable twin of the fields, only ever touched inside {@link #with}. */
  private static final class Fields {
    SelectionPolicy policy = SelectionPolicy.DGRAM_RAW;
    ProbeSettings probeSettings = ProbeSettings.DEFAULTS;
    @Nullable Integer tos;
    @Nullable Inet4Address sourceV4;
    @Nullable Inet6Address sourceV6;
    int sendBufferSize;
    int receiveBufferSize = DEFAULT_RECEIVE_BUFFER;
    @Nullable Path namespace;
    boolean dontFragment;
    boolean transmitTimestamps = true;
    @Nullable String interfaceName;
    PingRecorder recorder = PingRecorder.NOOP;
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
    return with(fields -> fields.policy = policy);
  }

  /** Timeout, size and TTL of a probe sent without explicit {@link ProbeSettings}. */
  public ProbeSettings probeSettings() {
    return probeSettings;
  }

  /** A copy with other default probe settings. */
  public PingOptions probeSettings(ProbeSettings probeSettings) {
    Objects.requireNonNull(probeSettings, "probeSettings");
    return with(fields -> fields.probeSettings = probeSettings);
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
    return with(fields -> fields.tos = checked);
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
    if (source.isAnyLocalAddress() || source.isMulticastAddress() || Checks.isLimitedBroadcast(source)) {
      throw new IllegalArgumentException("source must be a unicast address, was " + AddressText.of(source));
    }
    if (source instanceof Inet4Address v4) {
      return with(fields -> fields.sourceV4 = v4);
    }
    return with(fields -> fields.sourceV6 = (Inet6Address) source);
  }

  /** The requested send buffer size in bytes, 0 for the system's default. */
  public int sendBufferSize() {
    return sendBufferSize;
  }

  /**
   * A copy with another send buffer size: 0 for the system's default, else in [{@value
   * #MIN_BUFFER}, {@value #MAX_BUFFER}]. With {@code CAP_NET_ADMIN} the size may exceed {@code
   * net.core.wmem_max}; without it the kernel caps it there. Sends never wait for room: a probe
   * sent while the buffer is full (requests queued behind a slow link) fails at once with {@code
   * EAGAIN} or {@code ENOBUFS} ({@link ErrorKind#SEND_FAILED}).
   */
  public PingOptions sendBufferSize(int bytes) {
    int checked = bufferSize("sendBufferSize", bytes);
    return with(fields -> fields.sendBufferSize = checked);
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
    int checked = bufferSize("receiveBufferSize", bytes);
    return with(fields -> fields.receiveBufferSize = checked);
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
    return with(fields -> fields.namespace = namespace);
  }

  /** Whether probes forbid fragmentation (the IPv4 DF bit; IPv6 never fragments in transit). */
  public boolean dontFragment() {
    return dontFragment;
  }

  /**
   * A copy that sets or clears don't-fragment: {@code IP_MTU_DISCOVER = IP_PMTUDISC_DO} for
   * IPv4, {@code IPV6_DONTFRAG} for IPv6. A probe larger than the path MTU then fails with
   * {@code EMSGSIZE} or an ICMP "fragmentation needed" / "packet too big" error instead of being
   * fragmented, which is how path-MTU checks are done.
   */
  public PingOptions dontFragment(boolean dontFragment) {
    return with(fields -> fields.dontFragment = dontFragment);
  }

  /** Whether the kernel stamps each probe as it leaves; on by default. */
  public boolean transmitTimestamps() {
    return transmitTimestamps;
  }

  /**
   * A copy that asks the kernel for a transmit timestamp per probe ({@code SO_TIMESTAMPING} with a
   * per-packet key, Linux 6.13 and later), or not. With them, which is the default, the RTT runs
   * from the kernel's send to its receive ({@link TimestampSource#KERNEL}); without them it starts
   * at the JVM's send ({@link TimestampSource#KERNEL_RECEIVE}), a few microseconds longer. Each
   * stamp is one more datagram on the socket's error queue for the receive thread to read:
   * turning them off saved about 1.1 us of CPU per probe and raised the loopback burst rate by
   * 13-20% in the latest benchmarks (run R in docs/benchmarks.md: 5.64 to 4.54 us, 301k to 352k
   * replies/s on 2 cores), which matters for sweeps at 100,000+ probes/s.
   */
  public PingOptions transmitTimestamps(boolean transmitTimestamps) {
    return with(fields -> fields.transmitTimestamps = transmitTimestamps);
  }

  /** The interface the sockets are bound to, if any. */
  public Optional<String> interfaceName() {
    return Optional.ofNullable(interfaceName);
  }

  /**
   * A copy that binds the sockets to a network interface ({@code SO_BINDTODEVICE}), e.g. {@code
   * eth1} or a VRF device: probes leave and replies arrive only through it. Binding usually needs
   * {@code CAP_NET_RAW}.
   *
   * @param interfaceName 1 to 15 characters, no '/' or whitespace
   */
  public PingOptions interfaceName(String interfaceName) {
    Objects.requireNonNull(interfaceName, "interfaceName");
    if (interfaceName.isEmpty() || interfaceName.length() > 15 || !interfaceName.matches("[^/\\s]+")) {
      throw new IllegalArgumentException(
          "interfaceName must be 1 to 15 characters without '/' or whitespace, was \"" + interfaceName + "\"");
    }
    return with(fields -> fields.interfaceName = interfaceName);
  }

  /** Where the engine reports every probe event; {@link PingRecorder#NOOP} by default. */
  public PingRecorder recorder() {
    return recorder;
  }

  /**
   * A copy that reports every probe event to {@code recorder}, e.g. the Micrometer recorder of
   * {@code pingstream-micrometer}.
   */
  public PingOptions recorder(PingRecorder recorder) {
    Objects.requireNonNull(recorder, "recorder");
    return with(fields -> fields.recorder = recorder);
  }

  private static int bufferSize(String name, int bytes) {
    if (bytes != 0 && (bytes < MIN_BUFFER || bytes > MAX_BUFFER)) {
      throw new IllegalArgumentException(
          name + " must be 0 (the system's default) or in [" + MIN_BUFFER + ", " + MAX_BUFFER + "], was " + bytes);
    }
    return bytes;
  }

  @Override
  public String toString() {
    return "PingOptions{policy=" + policy + ", " + probeSettings + ", tos=" + (tos == null ? "default" : tos)
        + ", sourceV4=" + sourceV4 + ", sourceV6=" + sourceV6 + ", sendBufferSize=" + sendBufferSize
        + ", receiveBufferSize=" + receiveBufferSize + ", namespace=" + namespace
        + ", dontFragment=" + dontFragment + ", transmitTimestamps=" + transmitTimestamps + ", interfaceName=" + interfaceName + "}";
  }
}
