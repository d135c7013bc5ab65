package io.pingstream.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pingstream.internal.codec.EchoCodec.Decoded;
import io.pingstream.internal.codec.EchoCodec.EchoReply;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class EchoCodecTest {

  private static final long SIGNATURE = 0x1122334455667788L;
  private static final long TOKEN = 0x0102030405060708L;
  private final EchoReply reply = new EchoReply();

  @Test
  void encodesAnIpv4RequestWithAValidChecksum() {
    var packet = ByteBuffer.allocate(64);
    EchoCodec.encodeRequest(packet, false, 44, 0xBEEF, 7, SIGNATURE, TOKEN, true);

    assertThat(packet.get(0)).isEqualTo((byte) 8);
    assertThat(packet.get(1)).isZero();
    assertThat(packet.getShort(4) & 0xFFFF).isEqualTo(0xBEEF);
    assertThat(packet.getShort(6)).isEqualTo((short) 7);
    assertThat(packet.getLong(8)).isEqualTo(SIGNATURE);
    assertThat(packet.getLong(16)).isEqualTo(TOKEN);
    assertThat(Checksum.compute(packet, 0, 44)).isZero();
  }

  @Test
  void leavesTheChecksumToTheKernelWhenAsked() {
    var packet = ByteBuffer.allocate(64);
    EchoCodec.encodeRequest(packet, true, 24, 1, 2, SIGNATURE, TOKEN, false);
    assertThat(packet.get(0) & 0xFF).isEqualTo(128);
    assertThat(packet.getShort(2)).isZero();
  }

  @Test
  void sizeMeansTheWholeIpPacket() {
    assertThat(EchoCodec.icmpLength(false, 64)).isEqualTo(44);
    assertThat(EchoCodec.icmpLength(true, 64)).isEqualTo(24);
  }

  @Test
  void refusesARequestTooShortForSignatureAndToken() {
    assertThatThrownBy(() -> EchoCodec.encodeRequest(ByteBuffer.allocate(64), false, 23, 0, 0, 0, 0, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("23");
  }

  @Test
  void decodesADgramIpv4Reply() {
    var packet = reply(false, 44, 0x1234, 9);
    assertThat(EchoCodec.decode(packet, 44, 44, false, false, reply)).isEqualTo(Decoded.ECHO_REPLY);
    assertThat(reply.identifier).isEqualTo(0x1234);
    assertThat(reply.sequence).isEqualTo(9);
    assertThat(reply.signature).isEqualTo(SIGNATURE);
    assertThat(reply.token).isEqualTo(TOKEN);
    assertThat(reply.icmpLength).isEqualTo(44);
    assertThat(reply.ttl).isEqualTo(-1);
  }

  @Test
  void decodesIpv6RawAndDgramRepliesAlike() {
    var packet = reply(true, 24, 1, 65535);
    assertThat(EchoCodec.decode(packet, 24, 24, true, false, reply)).isEqualTo(Decoded.ECHO_REPLY);
    assertThat(reply.sequence).isEqualTo(65535);
  }

  @Test
  void skipsAnIpv4HeaderWithOptionsByItsIhl() {
    var icmp = reply(false, 44, 0xBEEF, 3);
    var packet = withIpv4Header(icmp, 44, 6, 57);
    assertThat(EchoCodec.decode(packet, 68, 68, false, true, reply)).isEqualTo(Decoded.ECHO_REPLY);
    assertThat(reply.sequence).isEqualTo(3);
    assertThat(reply.ttl).isEqualTo(57);
    assertThat(reply.icmpLength).isEqualTo(44);
  }

  @Test
  void rejectsABadChecksumOnRawIpv4() {
    var icmp = reply(false, 44, 1, 1);
    icmp.put(30, (byte) (icmp.get(30) ^ 0x40));
    var packet = withIpv4Header(icmp, 44, 5, 64);
    assertThat(EchoCodec.decode(packet, 64, 64, false, true, reply)).isEqualTo(Decoded.BAD_CHECKSUM);
  }

  @Test
  void rejectsMalformedIpv4Headers() {
    var packet = withIpv4Header(reply(false, 44, 1, 1), 44, 5, 64);
    packet.put(0, (byte) 0x44); // IHL 4: shorter than the minimum header
    assertThat(EchoCodec.decode(packet, 64, 64, false, true, reply)).isEqualTo(Decoded.MALFORMED);
    packet.put(0, (byte) 0x65); // version 6 in an IPv4 socket
    assertThat(EchoCodec.decode(packet, 64, 64, false, true, reply)).isEqualTo(Decoded.MALFORMED);
    packet.put(0, (byte) 0x4F); // IHL 15: 60 bytes of header, beyond what was received
    assertThat(EchoCodec.decode(packet, 40, 40, false, true, reply)).isEqualTo(Decoded.MALFORMED);
    assertThat(EchoCodec.decode(packet, 10, 10, false, true, reply)).isEqualTo(Decoded.MALFORMED);
  }

  @Test
  void rejectsATotalLengthBeyondTheDatagram() {
    var packet = withIpv4Header(reply(false, 44, 1, 1), 44, 5, 64);
    packet.putShort(2, (short) 200);
    assertThat(EchoCodec.decode(packet, 64, 64, false, true, reply)).isEqualTo(Decoded.MALFORMED);
  }

  @Test
  void rejectsARepliesTooShortForSignatureAndToken() {
    var packet = reply(false, 44, 1, 1);
    assertThat(EchoCodec.decode(packet, 20, 20, false, false, reply)).isEqualTo(Decoded.MALFORMED);
    assertThat(EchoCodec.decode(packet, 5, 5, false, false, reply)).isEqualTo(Decoded.MALFORMED);
  }

  @Test
  void classifiesOtherIcmpTypes() {
    var packet = reply(false, 44, 1, 1);
    packet.put(0, (byte) 5); // redirect
    assertThat(EchoCodec.decode(packet, 44, 44, false, false, reply)).isEqualTo(Decoded.OTHER_ICMP);
    var v6 = reply(true, 24, 1, 1);
    assertThat(EchoCodec.decode(v6, 24, 24, false, false, reply)).isEqualTo(Decoded.OTHER_ICMP);
    v6.put(0, (byte) 128); // a request seen by an ICMPv6 socket
    assertThat(EchoCodec.decode(v6, 24, 24, true, false, reply)).isEqualTo(Decoded.OTHER_ICMP);
  }

  @Test
  void aTruncatedRawIpv4DatagramIsMalformedAsItsChecksumCannotBeChecked() {
    var icmp = reply(false, 1000, 1, 1);
    var packet = withIpv4Header(icmp, 1000, 5, 64);
    assertThat(EchoCodec.decode(packet, 100, 1020, false, true, reply)).isEqualTo(Decoded.MALFORMED);
    assertThat(EchoCodec.decode(packet, 1020, 1020, false, true, reply)).isEqualTo(Decoded.ECHO_REPLY);
    assertThat(reply.icmpLength).isEqualTo(1000);
  }

  @Test
  void decodesTheRequestAnIpv4ErrorQuotes() {
    var request = ByteBuffer.allocate(44);
    EchoCodec.encodeRequest(request, false, 44, 0xBEEF, 12, SIGNATURE, TOKEN, true);
    var quotedPacket = withIpv4Header(request, 44, 5, 1);
    var error = icmpError(3, 1, quotedPacket);
    var packet = withIpv4Header(error, error.capacity(), 5, 64);

    assertThat(EchoCodec.decode(packet, packet.capacity(), packet.capacity(), false, true, reply)).isEqualTo(Decoded.ICMP_ERROR);
    assertThat(reply.type).isEqualTo(3);
    assertThat(reply.code).isEqualTo(1);
    assertThat(reply.identifier).isEqualTo(0xBEEF);
    assertThat(reply.sequence).isEqualTo(12);
    assertThat(reply.signature).isEqualTo(SIGNATURE);
    assertThat(reply.token).isEqualTo(TOKEN);
    assertThat(reply.quotedDestination).isEqualTo(20 + 8 + 16);
  }

  @Test
  void decodesTheRequestAnIpv6ErrorQuotes() {
    var request = ByteBuffer.allocate(24);
    EchoCodec.encodeRequest(request, true, 24, 7, 8, SIGNATURE, TOKEN, false);
    var quotedPacket = ByteBuffer.allocate(64);
    quotedPacket.put(0, (byte) 0x60);
    quotedPacket.put(6, (byte) 58);
    quotedPacket.put(40, request.array());
    var error = icmpError(3, 0, quotedPacket); // time exceeded

    assertThat(EchoCodec.decode(error, error.capacity(), error.capacity(), true, false, reply)).isEqualTo(Decoded.ICMP_ERROR);
    assertThat(reply.sequence).isEqualTo(8);
    assertThat(reply.token).isEqualTo(TOKEN);
    assertThat(reply.quotedDestination).isEqualTo(8 + 24);
    assertThat(EchoCodec.errorKind(true, 3)).isEqualTo(io.pingstream.ErrorKind.TIME_EXCEEDED);
  }

  @Test
  void skipsTheExtensionHeadersOfTheIpv6RequestAnErrorQuotes() {
    var request = ByteBuffer.allocate(24);
    EchoCodec.encodeRequest(request, true, 24, 7, 8, SIGNATURE, TOKEN, false);
    // IPv6 header, hop-by-hop options (8 bytes), Fragment header, then the request.
    var quotedPacket = ByteBuffer.allocate(40 + 8 + 8 + 24);
    quotedPacket.put(0, (byte) 0x60);
    quotedPacket.put(6, (byte) 0);
    quotedPacket.put(40, (byte) 44);
    quotedPacket.put(48, (byte) 58);
    quotedPacket.put(51, (byte) 1); // offset 0, more fragments
    quotedPacket.put(56, request.array());
    var error = icmpError(3, 0, quotedPacket);

    assertThat(EchoCodec.decode(error, error.capacity(), error.capacity(), true, false, reply)).isEqualTo(Decoded.ICMP_ERROR);
    assertThat(reply.sequence).isEqualTo(8);
    assertThat(reply.token).isEqualTo(TOKEN);
    assertThat(reply.quotedDestination).isEqualTo(8 + 24);

    quotedPacket.putShort(50, (short) (1480 | 1)); // a later fragment: no ICMPv6 header in it
    var later = icmpError(3, 0, quotedPacket);
    assertThat(EchoCodec.decode(later, later.capacity(), later.capacity(), true, false, reply)).isEqualTo(Decoded.OTHER_ICMP);
    assertThat(EchoCodec.decode(error, 8 + 40 + 4, error.capacity(), true, false, reply)).isEqualTo(Decoded.MALFORMED);
  }

  @Test
  void decodesAQueuedRequestFromItsIcmpHeader() {
    var request = ByteBuffer.allocate(44);
    EchoCodec.encodeRequest(request, false, 44, 1, 99, SIGNATURE, TOKEN, false);
    assertThat(EchoCodec.decodeQuotedRequest(request, 0, 44, false, reply)).isEqualTo(Decoded.ICMP_ERROR);
    assertThat(reply.sequence).isEqualTo(99);
    // Only the RFC 792 minimum of 8 bytes quoted: no signature, so it cannot be ours for sure.
    assertThat(EchoCodec.decodeQuotedRequest(request, 0, 8, false, reply)).isEqualTo(Decoded.MALFORMED);
  }

  @Test
  void anErrorQuotingAnotherProtocolIsNotOurs() {
    var udp = ByteBuffer.allocate(48);
    udp.put(0, (byte) 0x45);
    udp.put(9, (byte) 17);
    var error = icmpError(3, 3, udp);
    assertThat(EchoCodec.decode(error, error.capacity(), error.capacity(), false, false, reply)).isEqualTo(Decoded.OTHER_ICMP);
  }

  private static ByteBuffer icmpError(int type, int code, ByteBuffer quoted) {
    var error = ByteBuffer.allocate(8 + quoted.capacity());
    error.put(0, (byte) type);
    error.put(1, (byte) code);
    error.put(8, quoted.array());
    error.putShort(2, (short) Checksum.compute(error, 0, error.capacity()));
    return error;
  }

  /** An echo reply with the codec's own request layout, type switched to reply, checksummed. */
  private static ByteBuffer reply(boolean ipv6, int length, int identifier, int sequence) {
    var packet = ByteBuffer.allocate(length);
    EchoCodec.encodeRequest(packet, ipv6, length, identifier, sequence, SIGNATURE, TOKEN, false);
    packet.put(0, (byte) (ipv6 ? 129 : 0));
    packet.putShort(2, (short) Checksum.compute(packet, 0, length));
    return packet;
  }

  private static ByteBuffer withIpv4Header(ByteBuffer icmp, int icmpLength, int ihl, int ttl) {
    int header = ihl * 4;
    var packet = ByteBuffer.allocate(header + icmpLength);
    packet.put(0, (byte) (0x40 | ihl));
    packet.putShort(2, (short) (header + icmpLength));
    packet.put(8, (byte) ttl);
    packet.put(9, (byte) 1);
    for (int i = 20; i < header; i++) {
      packet.put(i, (byte) 1); // IP options: NOPs
    }
    for (int i = 0; i < icmpLength; i++) {
      packet.put(header + i, icmp.get(i));
    }
    return packet;
  }
}
