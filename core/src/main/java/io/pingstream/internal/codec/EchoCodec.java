package io.pingstream.internal.codec;

import io.pingstream.ErrorKind;
import java.nio.ByteBuffer;

/**
 * Encodes ICMP and ICMPv6 echo requests and decodes what the sockets deliver. Not API.
 *
 * <p>Request layout: the 8-byte ICMP header (type, code, checksum, identifier, sequence), then
 * the payload: this engine's 64-bit signature, the probe's 64-bit token (its unique send
 * timestamp), then padding up to the requested size. Only RAW IPv4 needs the checksum from us;
 * the kernel fills it in for ICMPv6 and for DGRAM sockets.
 */
public final class EchoCodec {

  /** ICMP header bytes. */
  public static final int ICMP_HEADER = 8;
  /** Payload bytes that carry the signature and the token. */
  public static final int MIN_PAYLOAD = 16;
  /** IPv4 header without options. */
  public static final int IPV4_HEADER = 20;
  /** IPv6 fixed header. */
  public static final int IPV6_HEADER = 40;

  public static final int ICMP_ECHO_REPLY = 0;
  public static final int ICMP_ECHO_REQUEST = 8;
  public static final int ICMPV6_ECHO_REQUEST = 128;
  public static final int ICMPV6_ECHO_REPLY = 129;
  /** IPv6 next header value of a Fragment header, which is always 8 bytes long. */
  private static final int FRAGMENT_HEADER = 44;

  private EchoCodec() {}

  /**
   * The ICMP message length (header and payload) for a probe whose whole IP packet is {@code
   * packetSize} bytes, Gufo Ping's meaning of "size".
   */
  public static int icmpLength(boolean ipv6, int packetSize) {
    return packetSize - (ipv6 ? IPV6_HEADER : IPV4_HEADER);
  }

  /**
   * Writes an echo request of {@code icmpLength} bytes at absolute index 0 of {@code buffer}.
   *
   * @param withChecksum compute the ICMP checksum (RAW IPv4 only)
   */
  public static void encodeRequest(
      ByteBuffer buffer, boolean ipv6, int icmpLength, int identifier, int sequence, long signature, long token, boolean withChecksum) {
    if (icmpLength < ICMP_HEADER + MIN_PAYLOAD) {
      throw new IllegalArgumentException("ICMP length " + icmpLength + " is below " + (ICMP_HEADER + MIN_PAYLOAD));
    }
    buffer.put(0, (byte) (ipv6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO_REQUEST));
    buffer.put(1, (byte) 0);
    buffer.putShort(2, (short) 0);
    buffer.putShort(4, (short) identifier);
    buffer.putShort(6, (short) sequence);
    buffer.putLong(8, signature);
    buffer.putLong(16, token);
    // Padding like ping(8): a byte pattern that makes captures readable.
    for (int i = ICMP_HEADER + MIN_PAYLOAD; i < icmpLength; i++) {
      buffer.put(i, (byte) i);
    }
    if (withChecksum) {
      buffer.putShort(2, (short) Checksum.compute(buffer, 0, icmpLength));
    }
  }

  /**
   * Decodes one datagram as received from an ICMP socket into {@code out}.
   *
   * @param buffer the datagram at absolute index 0
   * @param received how many bytes of it are in the buffer
   * @param length the datagram's real length (larger than {@code received} when truncated)
   * @param ipv6 whether it came from an ICMPv6 socket
   * @param withIpHeader whether it starts with an IPv4 header (RAW IPv4 sockets)
   * @return what the datagram is
   */
  public static Decoded decode(ByteBuffer buffer, int received, int length, boolean ipv6, boolean withIpHeader, EchoReply out) {
    int start = 0;
    out.ttl = -1;
    out.quotedDestination = -1;
    if (withIpHeader) {
      if (received < IPV4_HEADER) {
        return Decoded.MALFORMED;
      }
      int versionAndIhl = buffer.get(0) & 0xFF;
      int headerLength = (versionAndIhl & 0x0F) * 4;
      if ((versionAndIhl >>> 4) != 4 || headerLength < IPV4_HEADER || headerLength > received) {
        return Decoded.MALFORMED;
      }
      out.ttl = buffer.get(8) & 0xFF;
      int totalLength = buffer.getShort(2) & 0xFFFF;
      if (totalLength < headerLength || totalLength > length) {
        return Decoded.MALFORMED;
      }
      start = headerLength;
      length = totalLength;
    }
    int icmpLength = length - start;
    if (received - start < ICMP_HEADER) {
      return Decoded.MALFORMED;
    }
    int type = buffer.get(start) & 0xFF;
    out.type = type;
    out.code = buffer.get(start + 1) & 0xFF;
    boolean reply = type == (ipv6 ? ICMPV6_ECHO_REPLY : ICMP_ECHO_REPLY);
    boolean error = isError(ipv6, type);
    if (!reply && !error) {
      return Decoded.OTHER_ICMP;
    }
    // The kernel verifies ICMPv6 and DGRAM checksums; RAW IPv4 delivers before verifying, and
    // a datagram cut to the buffer cannot be verified here: it may be anything.
    if (withIpHeader && received < start + icmpLength) {
      return Decoded.MALFORMED;
    }
    if (withIpHeader && Checksum.compute(buffer, start, icmpLength) != 0) {
      return Decoded.BAD_CHECKSUM;
    }
    out.icmpLength = icmpLength;
    if (error) {
      return decodeQuotedPacket(buffer, start + ICMP_HEADER, received, ipv6, out);
    }
    return readEcho(buffer, start, received, out) ? Decoded.ECHO_REPLY : Decoded.MALFORMED;
  }

  /**
   * Decodes the request an ICMP error quotes, given as a whole IP packet (what RAW sockets
   * receive after the error's own header).
   */
  private static Decoded decodeQuotedPacket(ByteBuffer buffer, int start, int received, boolean ipv6, EchoReply out) {
    int headerLength;
    int protocol;
    if (ipv6) {
      headerLength = IPV6_HEADER;
      if (received - start < headerLength) {
        return Decoded.MALFORMED;
      }
      protocol = buffer.get(start + 6) & 0xFF;
      out.quotedDestination = start + 24;
      // A request sent in fragments is quoted with a Fragment header before its ICMPv6 header.
      while (isExtensionHeader(protocol)) {
        int at = start + headerLength;
        if (received - at < 8) {
          return Decoded.MALFORMED;
        }
        if (protocol == FRAGMENT_HEADER && (buffer.getShort(at + 2) & 0xFFF8) != 0) {
          return Decoded.OTHER_ICMP; // a later fragment: it holds no ICMPv6 header
        }
        headerLength += protocol == FRAGMENT_HEADER ? 8 : ((buffer.get(at + 1) & 0xFF) + 1) * 8;
        protocol = buffer.get(at) & 0xFF;
      }
    } else {
      if (received - start < IPV4_HEADER) {
        return Decoded.MALFORMED;
      }
      headerLength = (buffer.get(start) & 0x0F) * 4;
      protocol = buffer.get(start + 9) & 0xFF;
      out.quotedDestination = start + 16;
      if (headerLength < IPV4_HEADER || (buffer.get(start) & 0xF0) != 0x40) {
        return Decoded.MALFORMED;
      }
    }
    if (protocol != (ipv6 ? 58 : 1)) {
      return Decoded.OTHER_ICMP; // quotes something else than an ICMP packet
    }
    return decodeQuotedRequest(buffer, start + headerLength, received, ipv6, out);
  }

  /**
   * Decodes a quoted echo request given from its ICMP header on (what a DGRAM socket's error
   * queue holds); returns {@link Decoded#ICMP_ERROR} with the request's fields in {@code out}.
   */
  public static Decoded decodeQuotedRequest(ByteBuffer buffer, int start, int received, boolean ipv6, EchoReply out) {
    if (received - start < ICMP_HEADER) {
      return Decoded.MALFORMED;
    }
    if ((buffer.get(start) & 0xFF) != (ipv6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO_REQUEST)) {
      return Decoded.OTHER_ICMP;
    }
    // Without the signature and token the request cannot be told apart from others' requests.
    return readEcho(buffer, start, received, out) ? Decoded.ICMP_ERROR : Decoded.MALFORMED;
  }

  private static boolean readEcho(ByteBuffer buffer, int start, int received, EchoReply out) {
    if (received - start < ICMP_HEADER + MIN_PAYLOAD) {
      return false;
    }
    out.identifier = buffer.getShort(start + 4) & 0xFFFF;
    out.sequence = buffer.getShort(start + 6) & 0xFFFF;
    out.signature = buffer.getLong(start + 8);
    out.token = buffer.getLong(start + 16);
    return true;
  }

  /** Hop-by-hop, routing, fragment or destination options: IPv6 headers to skip to the ICMPv6 one. */
  private static boolean isExtensionHeader(int nextHeader) {
    return nextHeader == 0 || nextHeader == 43 || nextHeader == FRAGMENT_HEADER || nextHeader == 60;
  }

  /** Whether {@code type} is an ICMP error that quotes the packet that caused it. */
  public static boolean isError(boolean ipv6, int type) {
    return ipv6 ? type >= 1 && type <= 4 : type == 3 || type == 11 || type == 12;
  }

  /** What an ICMP error type means. */
  public static ErrorKind errorKind(boolean ipv6, int type) {
    if (ipv6) {
      return switch (type) {
        case 1 -> ErrorKind.DESTINATION_UNREACHABLE;
        case 2 -> ErrorKind.PACKET_TOO_BIG;
        case 3 -> ErrorKind.TIME_EXCEEDED;
        default -> ErrorKind.PARAMETER_PROBLEM;
      };
    }
    return switch (type) {
      case 3 -> ErrorKind.DESTINATION_UNREACHABLE;
      case 11 -> ErrorKind.TIME_EXCEEDED;
      default -> ErrorKind.PARAMETER_PROBLEM;
    };
  }

  /** What a received datagram turned out to be. */
  public enum Decoded {
    /** An echo reply with a full signature and token; fields of {@link EchoReply} are set. */
    ECHO_REPLY,
    /**
     * An ICMP error quoting an echo request: {@link EchoReply#type} and {@link EchoReply#code}
     * are the error's, the other fields the quoted request's.
     */
    ICMP_ERROR,
    /** Another ICMP type, or an error quoting something else than an echo request. */
    OTHER_ICMP,
    /** Too short or inconsistent headers, or a RAW IPv4 datagram cut to the buffer. */
    MALFORMED,
    /** RAW IPv4 reply whose checksum does not add up. */
    BAD_CHECKSUM
  }

  /** The fields of a decoded reply; one instance is reused by the receive loop. */
  public static final class EchoReply {
    public int type;
    public int code;
    public int identifier;
    public int sequence;
    public long signature;
    public long token;
    public int icmpLength;
    /** IPv4 header TTL when the datagram carried one, else -1. */
    public int ttl;
    /** For {@link Decoded#ICMP_ERROR} from a RAW socket: index of the quoted destination address. */
    public int quotedDestination = -1;
  }
}
