package io.pingstream.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.internal.codec.EchoCodec.Decoded;
import io.pingstream.internal.codec.EchoCodec.EchoReply;
import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The decoder faces whatever a RAW socket delivers: it must classify any bytes without throwing,
 * and never report a reply or an error for bytes that do not hold one.
 */
class EchoCodecFuzzTest {

  private static final long SIGNATURE = 0x5A5A_1234_9876_A5A5L;

  @Property(tries = 3000)
  void arbitraryBytesNeverThrow(
      @ForAll @Size(max = 200) byte[] bytes, @ForAll boolean ipv6, @ForAll boolean withIpHeader, @ForAll @IntRange(max = 400) int claimedLength) {
    var out = new EchoReply();
    int length = Math.max(bytes.length, claimedLength);
    Decoded decoded = EchoCodec.decode(ByteBuffer.wrap(bytes), bytes.length, length, ipv6, withIpHeader && !ipv6, out);
    assertThat(decoded).isNotNull();
    EchoCodec.decodeQuotedRequest(ByteBuffer.wrap(bytes), 0, bytes.length, ipv6, out);
  }

  @Property(tries = 3000)
  void mutatedRepliesAreEitherRejectedOrDecodedAsWritten(
      @ForAll("mutations") int[] mutation, @ForAll @IntRange(min = 0, max = 80) int cut) {
    // A valid RAW IPv4 reply, with one byte flipped and possibly truncated.
    var packet = rawIpv4Reply(77, 0xBEEF, 1234567L);
    int index = mutation[0] % packet.capacity();
    packet.put(index, (byte) (packet.get(index) ^ mutation[1]));
    int received = Math.max(0, packet.capacity() - cut);
    var out = new EchoReply();

    Decoded decoded = EchoCodec.decode(packet, received, packet.capacity(), false, true, out);

    if (decoded == Decoded.ECHO_REPLY) {
      // Whatever is accepted must be read from exactly where its header says it starts.
      int start = (packet.get(0) & 0x0F) * 4;
      assertThat(out.sequence).isEqualTo(packet.getShort(start + 6) & 0xFFFF);
      assertThat(out.signature).isEqualTo(packet.getLong(start + 8));
      assertThat(out.token).isEqualTo(packet.getLong(start + 16));
    }
    if (decoded == Decoded.ECHO_REPLY && received == packet.capacity() && index >= 20) {
      // A flip inside the ICMP message of a complete packet must break the checksum.
      assertThat(mutation[1] & 0xFF).isZero();
    }
  }

  @Provide
  Arbitrary<int[]> mutations() {
    return Arbitraries.integers().between(0, 10_000).flatMap(index ->
        Arbitraries.integers().between(0, 255).map(flip -> new int[] {index, flip}));
  }

  private static ByteBuffer rawIpv4Reply(int sequence, int identifier, long token) {
    var icmp = ByteBuffer.allocate(44);
    EchoCodec.encodeRequest(icmp, false, 44, identifier, sequence, SIGNATURE, token, false);
    icmp.put(0, (byte) EchoCodec.ICMP_ECHO_REPLY);
    icmp.putShort(2, (short) Checksum.compute(icmp, 0, 44));
    var packet = ByteBuffer.allocate(64);
    packet.put(0, (byte) 0x45);
    packet.putShort(2, (short) 64);
    packet.put(8, (byte) 64);
    packet.put(9, (byte) 1);
    packet.put(20, icmp.array());
    return packet;
  }
}
