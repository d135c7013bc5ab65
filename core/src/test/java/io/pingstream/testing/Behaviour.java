package io.pingstream.testing;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link TunPeer} answers an echo request: what it sends back (a reply or an ICMP error),
 * when, how many times, and what it breaks on the way. Immutable: every setter returns a copy,
 * so one behaviour can be the base of several.
 *
 * <pre>{@code
 * peer.behave(Behaviour.reply().delay(Duration.ofMillis(5)).ttl(33));
 * peer.behave(Behaviour.reply().loss(0.2, 42).copies(2));
 * peer.behave(Behaviour.unreachable(1).from(InetAddress.getByName("10.200.0.254")));
 * // Reordering: even sequence numbers 20 ms late, so the odd ones overtake them.
 * peer.behave(Behaviour.reply().delay(r -> Duration.ofMillis(r.sequence() % 2 == 0 ? 20 : 0)));
 * }</pre>
 *
 * <p>The steps, in order: drop (every n-th, then at random); build the message (a reply that
 * copies identifier, sequence and payload, with the wrong identifier or signature if asked, or
 * an error that quotes the request); wrap it in an IP packet with the TTL and valid checksums;
 * truncate; spoil the ICMP checksum; wait the delay; send the packet {@link #copies} times.
 */
public final class Behaviour {

  private static final Behaviour REPLY = new Behaviour();

  // What to send: an echo reply when errorTypeV4 < 0, else an ICMP error.
  private int errorTypeV4 = -1;
  private int errorTypeV6 = -1;
  private int errorCode;
  private int errorRest;
  private @Nullable Inet4Address reporterV4;
  private @Nullable Inet6Address reporterV6;
  // How to send it.
  private Function<? super Request, Duration> delay = request -> Duration.ZERO;
  private int ttl = 64;
  private double lossProbability;
  private long lossSeed;
  private int dropEvery;
  private int copies = 1;
  // What to break.
  private boolean wrongIdentifier;
  private boolean wrongSignature;
  private boolean badChecksum;
  private int truncateTo;
  private boolean truncateFixesLength;
  // Or an answer built by the test itself.
  private @Nullable Function<Packets.Echo, byte[]> crafted;

  private Behaviour() {}

  private Behaviour copy() {
    var copy = new Behaviour();
    copy.errorTypeV4 = errorTypeV4;
    copy.errorTypeV6 = errorTypeV6;
    copy.errorCode = errorCode;
    copy.errorRest = errorRest;
    copy.reporterV4 = reporterV4;
    copy.reporterV6 = reporterV6;
    copy.delay = delay;
    copy.ttl = ttl;
    copy.lossProbability = lossProbability;
    copy.lossSeed = lossSeed;
    copy.dropEvery = dropEvery;
    copy.copies = copies;
    copy.wrongIdentifier = wrongIdentifier;
    copy.wrongSignature = wrongSignature;
    copy.badChecksum = badChecksum;
    copy.truncateTo = truncateTo;
    copy.truncateFixesLength = truncateFixesLength;
    copy.crafted = crafted;
    return copy;
  }

  /** Answers every request at once with a correct echo reply, TTL / hop limit 64: the default. */
  public static Behaviour reply() {
    return REPLY;
  }

  /**
   * Answers with the whole IP packet that {@code packet} builds from the request, for shapes the
   * other behaviours do not make (IP options, extension headers, forged fields). The delay,
   * loss, copies, truncation and checksum faults still apply; the reply faults do not.
   */
  static Behaviour crafted(Function<Packets.Echo, byte[]> packet) {
    Objects.requireNonNull(packet, "packet");
    var copy = REPLY.copy();
    copy.crafted = packet;
    return copy;
  }

  /** Answers nothing. */
  public static Behaviour silent() {
    return REPLY.dropEvery(1);
  }

  /**
   * Answers with destination unreachable (ICMP type 3, ICMPv6 type 1) with {@code code}, which
   * means different things per family: e.g. host unreachable is 1 for IPv4, address unreachable
   * 3 for IPv6.
   */
  public static Behaviour unreachable(int code) {
    return icmpError(3, 1, code, 0);
  }

  /** Answers with time exceeded in transit (ICMP type 11, ICMPv6 type 3, code 0). */
  public static Behaviour timeExceeded() {
    return icmpError(11, 3, 0, 0);
  }

  /**
   * Answers with any ICMP error that quotes the request, e.g. {@code icmpError(12, 4, 0, 0)}
   * for a parameter problem or {@code icmpError(3, 2, 4, 1280)} for fragmentation needed /
   * packet too big with an MTU of 1280.
   *
   * @param rest the 32 bits after the checksum: 0 (unused), an MTU or a pointer
   */
  public static Behaviour icmpError(int ipv4Type, int ipv6Type, int code, int rest) {
    var copy = REPLY.copy();
    copy.errorTypeV4 = byteValue("ipv4Type", ipv4Type);
    copy.errorTypeV6 = byteValue("ipv6Type", ipv6Type);
    copy.errorCode = byteValue("code", code);
    copy.errorRest = rest;
    return copy;
  }

  /**
   * A copy whose ICMP errors come from {@code reporter} (a router on the path), for its address
   * family; by default they come from the peer address the request was sent to. Call once per
   * family. The reporter should be in the tunnel's subnet, e.g. {@link TunPeer#router}.
   */
  public Behaviour from(InetAddress reporter) {
    Objects.requireNonNull(reporter, "reporter");
    var copy = copy();
    if (reporter instanceof Inet4Address v4) {
      copy.reporterV4 = v4;
    } else {
      copy.reporterV6 = (Inet6Address) reporter;
    }
    return copy;
  }

  /** A copy that sends every answer {@code delay} after the request arrived. */
  public Behaviour delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    return delay(request -> delay);
  }

  /**
   * A copy whose delay is chosen per request, e.g. from its sequence number or from a seeded
   * distribution. Called on the peer's reader thread, one request at a time, in arrival order.
   * Answers with different delays overtake each other: that is how to reorder.
   */
  public Behaviour delay(Function<? super Request, Duration> delay) {
    Objects.requireNonNull(delay, "delay");
    var copy = copy();
    copy.delay = delay;
    return copy;
  }

  /** A copy whose answers carry this IPv4 TTL / IPv6 hop limit, in [0, 255]; default 64. */
  public Behaviour ttl(int ttl) {
    var copy = copy();
    copy.ttl = byteValue("ttl", ttl);
    return copy;
  }

  /**
   * A copy that drops each request with {@code probability}, in [0, 1]. The draw for the n-th
   * request since {@link TunPeer#behave} depends only on {@code seed} and n, so a run repeats
   * exactly.
   */
  public Behaviour loss(double probability, long seed) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], was " + probability);
    }
    var copy = copy();
    copy.lossProbability = probability;
    copy.lossSeed = seed;
    return copy;
  }

  /** A copy that drops the n-th, 2n-th, ... request since {@link TunPeer#behave}; n >= 1. */
  public Behaviour dropEvery(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("dropEvery must be at least 1, was " + n);
    }
    var copy = copy();
    copy.dropEvery = n;
    return copy;
  }

  /** A copy that sends each answer {@code copies} times, in [1, 100]: 2 makes one duplicate. */
  public Behaviour copies(int copies) {
    if (copies < 1 || copies > 100) {
      throw new IllegalArgumentException("copies must be in [1, 100], was " + copies);
    }
    var copy = copy();
    copy.copies = copies;
    return copy;
  }

  /** A copy whose replies carry the request's identifier with every bit flipped. */
  public Behaviour wrongIdentifier() {
    var copy = copy();
    copy.wrongIdentifier = true;
    return copy;
  }

  /**
   * A copy whose replies have the first byte of the engine signature flipped: byte 8 of the
   * ICMP message, where Pingstream's payload starts (8-byte signature, then 8-byte token).
   */
  public Behaviour wrongSignature() {
    var copy = copy();
    copy.wrongSignature = true;
    return copy;
  }

  /** A copy whose answers have a wrong ICMP / ICMPv6 checksum (the IP header stays valid). */
  public Behaviour badChecksum() {
    var copy = copy();
    copy.badChecksum = true;
    return copy;
  }

  /**
   * A copy that cuts each answer's IP packet to {@code bytes}, in [1, 65535] (longer answers are
   * sent whole). With {@code fixLength} the IP header's length field matches the cut and the
   * checksums are recomputed: a valid, short packet. Without it the header still claims the
   * original length, and Linux drops the packet on input, before any socket sees it.
   */
  public Behaviour truncate(int bytes, boolean fixLength) {
    if (bytes < 1 || bytes > 65_535) {
      throw new IllegalArgumentException("truncate bytes must be in [1, 65535], was " + bytes);
    }
    var copy = copy();
    copy.truncateTo = bytes;
    copy.truncateFixesLength = fixLength;
    return copy;
  }

  /** How many times each answer is sent. */
  int copies() {
    return copies;
  }

  /** The delay before answering {@code request}. */
  Duration delayFor(Request request) {
    Duration chosen = Objects.requireNonNull(delay.apply(request), "delay function returned null");
    if (chosen.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + chosen + " for " + request);
    }
    return chosen;
  }

  /** Whether the {@code index}-th request since {@code behave} is dropped: a pure function. */
  boolean drops(long index) {
    if (dropEvery > 0 && index % dropEvery == 0) {
      return true;
    }
    return lossProbability > 0 && uniform(lossSeed, index) < lossProbability;
  }

  /** The IP packet that answers {@code request}, with every configured fault applied. */
  byte[] answer(Packets.Echo request) {
    boolean ipv6 = request.ipv6();
    byte[] icmp;
    byte[] source = request.destination();
    if (crafted != null) {
      return spoil(Objects.requireNonNull(crafted.apply(request), "crafted packet"));
    }
    if (errorTypeV4 < 0) {
      icmp = Packets.echoReply(request);
      if (wrongIdentifier) {
        icmp[4] ^= (byte) 0xFF;
        icmp[5] ^= (byte) 0xFF;
      }
      if (wrongSignature && icmp.length > Packets.ICMP_HEADER) {
        icmp[Packets.ICMP_HEADER] ^= (byte) 0xFF;
      }
    } else {
      icmp = Packets.error(request, ipv6 ? errorTypeV6 : errorTypeV4, errorCode, errorRest);
      InetAddress reporter = ipv6 ? reporterV6 : reporterV4;
      if (reporter != null) {
        source = reporter.getAddress();
      }
    }
    return spoil(Packets.ipPacket(ipv6, source, request.source(), ttl, icmp));
  }

  /** Applies the truncation and checksum faults to a whole packet. */
  private byte[] spoil(byte[] packet) {
    if (truncateTo > 0) {
      packet = Packets.truncate(packet, truncateTo, truncateFixesLength);
    }
    if (badChecksum) {
      Packets.corruptIcmpChecksum(packet);
    }
    return packet;
  }

  /** A uniform double in [0, 1) from SplitMix64 of (seed, index): reproducible, no state. */
  private static double uniform(long seed, long index) {
    long z = seed + index * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }

  private static int byteValue(String name, int value) {
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException(name + " must be in [0, 255], was " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    var text = new StringBuilder("Behaviour{");
    text.append(errorTypeV4 < 0 ? "reply" : "error v4 " + errorTypeV4 + "/v6 " + errorTypeV6 + " code " + errorCode);
    text.append(", ttl=").append(ttl);
    if (dropEvery > 0) {
      text.append(", dropEvery=").append(dropEvery);
    }
    if (lossProbability > 0) {
      text.append(", loss=").append(lossProbability).append(" seed ").append(lossSeed);
    }
    if (copies > 1) {
      text.append(", copies=").append(copies);
    }
    if (wrongIdentifier) {
      text.append(", wrongIdentifier");
    }
    if (wrongSignature) {
      text.append(", wrongSignature");
    }
    if (truncateTo > 0) {
      text.append(", truncate=").append(truncateTo).append(truncateFixesLength ? " (length fixed)" : " (length kept)");
    }
    if (badChecksum) {
      text.append(", badChecksum");
    }
    return text.append('}').toString();
  }
}
