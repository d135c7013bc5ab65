package io.pingstream.testing;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Parses echo requests and builds whole IPv4 / IPv6 packets around ICMP messages, with their
 * checksums. Written independently of the engine's codec, so that the fixture does not share its
 * bugs. Test fixture, not API.
 *
 * <pre>
 * IPv4 (20): ver/ihl | tos | total length(2) | id(2) | flags/fragment(2) | ttl | protocol | checksum(2) | src(4) | dst(4)
 * IPv6 (40): ver/class/flow(4) | payload length(2) | next header | hop limit | src(16) | dst(16)
 * ICMP (8+): type | code | checksum(2) | identifier(2) | sequence(2) | payload; errors: 4 bytes then the quote
 * </pre>
 */
final class Packets {

  static final int IPV4_HEADER = 20;
  static final int IPV6_HEADER = 40;
  static final int ICMP_HEADER = 8;
  static final int PROTOCOL_ICMP = 1;
  static final int PROTOCOL_ICMPV6 = 58;
  static final int ICMP_ECHO_REPLY = 0;
  static final int ICMP_ECHO_REQUEST = 8;
  static final int ICMPV6_ECHO_REQUEST = 128;
  static final int ICMPV6_ECHO_REPLY = 129;
  /** RFC 1812 4.3.2.3: an ICMPv4 error should not exceed 576 bytes. */
  static final int IPV4_ERROR_LIMIT = 576;
  /** RFC 4443 2.4(c): an ICMPv6 error must not exceed the minimum IPv6 MTU. */
  static final int IPV6_ERROR_LIMIT = 1280;

  private Packets() {}

  /** An echo request as read from the tunnel: the whole IP packet, trimmed to its length. */
  record Echo(boolean ipv6, byte[] packet, int icmpOffset) {

    byte[] source() {
      return ipv6 ? Arrays.copyOfRange(packet, 8, 24) : Arrays.copyOfRange(packet, 12, 16);
    }

    byte[] destination() {
      return ipv6 ? Arrays.copyOfRange(packet, 24, 40) : Arrays.copyOfRange(packet, 16, 20);
    }

    int ttl() {
      return packet[ipv6 ? 7 : 8] & 0xFF;
    }

    int identifier() {
      return u16(packet, icmpOffset + 4);
    }

    int sequence() {
      return u16(packet, icmpOffset + 6);
    }

    int icmpLength() {
      return packet.length - icmpOffset;
    }

    /** A copy of the ICMP message. */
    byte[] icmp() {
      return Arrays.copyOfRange(packet, icmpOffset, packet.length);
    }
  }

  /**
   * The echo request in the first {@code length} bytes of {@code buffer}, or null for anything
   * else: other ICMP types, other protocols, IPv6 extension headers, fragments, bad lengths.
   */
  static @Nullable Echo parseEchoRequest(byte[] buffer, int length) {
    if (length < 1) {
      return null;
    }
    int version = (buffer[0] & 0xFF) >>> 4;
    if (version == 4 && length >= IPV4_HEADER) {
      int headerLength = (buffer[0] & 0x0F) * 4;
      int totalLength = u16(buffer, 2);
      boolean fragment = (u16(buffer, 6) & 0x3FFF) != 0; // MF flag or an offset
      if (headerLength < IPV4_HEADER || totalLength > length || totalLength < headerLength + ICMP_HEADER || fragment
          || buffer[9] != PROTOCOL_ICMP || (buffer[headerLength] & 0xFF) != ICMP_ECHO_REQUEST) {
        return null;
      }
      return new Echo(false, Arrays.copyOf(buffer, totalLength), headerLength);
    }
    if (version == 6 && length >= IPV6_HEADER + ICMP_HEADER) {
      int totalLength = IPV6_HEADER + u16(buffer, 4);
      if (totalLength > length || totalLength < IPV6_HEADER + ICMP_HEADER
          || buffer[6] != PROTOCOL_ICMPV6 || (buffer[IPV6_HEADER] & 0xFF) != ICMPV6_ECHO_REQUEST) {
        return null;
      }
      return new Echo(true, Arrays.copyOf(buffer, totalLength), IPV6_HEADER);
    }
    return null;
  }

  /** The ICMP message of the reply to {@code request}: same identifier, sequence and payload. */
  static byte[] echoReply(Echo request) {
    byte[] icmp = request.icmp();
    icmp[0] = (byte) (request.ipv6() ? ICMPV6_ECHO_REPLY : ICMP_ECHO_REPLY);
    icmp[1] = 0;
    return icmp;
  }

  /**
   * An ICMP error message that quotes {@code request}: its IP header and as much of the datagram
   * as fits the RFC's size limit (all of it for ordinary probes).
   *
   * @param rest the 32 bits after the checksum: unused (0), an MTU, or a pointer
   */
  static byte[] error(Echo request, int type, int code, int rest) {
    int limit = request.ipv6() ? IPV6_ERROR_LIMIT - IPV6_HEADER : IPV4_ERROR_LIMIT - IPV4_HEADER;
    int quoted = Math.min(request.packet().length, limit - ICMP_HEADER);
    byte[] icmp = new byte[ICMP_HEADER + quoted];
    icmp[0] = (byte) type;
    icmp[1] = (byte) code;
    putU16(icmp, 4, rest >>> 16);
    putU16(icmp, 6, rest);
    System.arraycopy(request.packet(), 0, icmp, ICMP_HEADER, quoted);
    return icmp;
  }

  /**
   * A whole IP packet around {@code icmp}, whose checksum is filled in here (over the IPv6
   * pseudo-header for ICMPv6), with a valid IPv4 header checksum.
   */
  static byte[] ipPacket(boolean ipv6, byte[] source, byte[] destination, int ttl, byte[] icmp) {
    int headerLength = ipv6 ? IPV6_HEADER : IPV4_HEADER;
    byte[] packet = new byte[headerLength + icmp.length];
    System.arraycopy(icmp, 0, packet, headerLength, icmp.length);
    if (ipv6) {
      packet[0] = 0x60;
      putU16(packet, 4, icmp.length);
      packet[6] = PROTOCOL_ICMPV6;
      packet[7] = (byte) ttl;
      System.arraycopy(source, 0, packet, 8, 16);
      System.arraycopy(destination, 0, packet, 24, 16);
    } else {
      packet[0] = 0x45;
      putU16(packet, 2, packet.length);
      packet[8] = (byte) ttl;
      packet[9] = PROTOCOL_ICMP;
      System.arraycopy(source, 0, packet, 12, 4);
      System.arraycopy(destination, 0, packet, 16, 4);
    }
    fillChecksums(packet);
    return packet;
  }

  /**
   * The first {@code length} bytes of {@code packet}. With {@code fixLength} the IP header's
   * length field says {@code length} and both checksums are recomputed, so the packet is a valid
   * but short one; without it the header still claims the original length.
   */
  static byte[] truncate(byte[] packet, int length, boolean fixLength) {
    byte[] cut = Arrays.copyOf(packet, Math.min(length, packet.length));
    boolean ipv6 = isIpv6(cut);
    if (fixLength && cut.length >= headerLength(ipv6) + 4) {
      putU16(cut, ipv6 ? 4 : 2, ipv6 ? cut.length - IPV6_HEADER : cut.length);
      fillChecksums(cut);
    }
    return cut;
  }

  /** Makes the ICMP checksum wrong, whatever it was: no 16-bit change by ±0x0101 is neutral. */
  static void corruptIcmpChecksum(byte[] packet) {
    int offset = headerLength(isIpv6(packet)) + 2;
    if (packet.length >= offset + 2) {
      packet[offset] ^= 0x01;
      packet[offset + 1] ^= 0x01;
    }
  }

  /** Whether the IPv4 header checksum (if any) and the ICMP checksum of a whole packet add up. */
  static boolean checksumsValid(byte[] packet) {
    boolean ipv6 = isIpv6(packet);
    int start = headerLength(ipv6);
    if (!ipv6 && sum(packet, 0, start, 0) != 0xFFFF) {
      return false;
    }
    return sum(packet, start, packet.length - start, pseudoHeaderSum(packet)) == 0xFFFF;
  }

  /** The Internet checksum (RFC 1071) of {@code data[offset, offset + length)}, plus {@code initial}. */
  static int checksum(byte[] data, int offset, int length, long initial) {
    return ~sum(data, offset, length, initial) & 0xFFFF;
  }

  static int u16(byte[] data, int offset) {
    return (data[offset] & 0xFF) << 8 | data[offset + 1] & 0xFF;
  }

  private static void fillChecksums(byte[] packet) {
    boolean ipv6 = isIpv6(packet);
    int start = headerLength(ipv6);
    if (!ipv6) {
      putU16(packet, 10, 0);
      putU16(packet, 10, checksum(packet, 0, start, 0));
    }
    putU16(packet, start + 2, 0);
    putU16(packet, start + 2, checksum(packet, start, packet.length - start, pseudoHeaderSum(packet)));
  }

  /** ICMPv6 sums source, destination, upper-layer length and next header first (RFC 8200 8.1). */
  private static long pseudoHeaderSum(byte[] packet) {
    if (!isIpv6(packet)) {
      return 0;
    }
    return sum(packet, 8, 32, 0) + (packet.length - IPV6_HEADER) + PROTOCOL_ICMPV6;
  }

  /** Ones'-complement sum, folded to 16 bits, not complemented. */
  private static int sum(byte[] data, int offset, int length, long initial) {
    long sum = initial;
    int end = offset + length;
    for (int i = offset; i < end; i += 2) {
      sum += (data[i] & 0xFF) << 8 | (i + 1 < end ? data[i + 1] & 0xFF : 0);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) sum;
  }

  private static boolean isIpv6(byte[] packet) {
    return (packet[0] & 0xF0) == 0x60;
  }

  private static int headerLength(boolean ipv6) {
    return ipv6 ? IPV6_HEADER : IPV4_HEADER;
  }

  private static void putU16(byte[] data, int offset, int value) {
    data[offset] = (byte) (value >>> 8);
    data[offset + 1] = (byte) value;
  }
}
