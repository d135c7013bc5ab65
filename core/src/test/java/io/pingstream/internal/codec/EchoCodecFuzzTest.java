package io.pingstream.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.pingstream.internal.codec.EchoCodec.Decoded;
import io.pingstream.internal.codec.EchoCodec.EchoReply;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decoder faces whatever a RAW socket delivers: it must classify any bytes without throwing,
 * and never report a reply or an error for bytes that do not hold one.
 */
class EchoCodecFuzzTest {

  private static final long SIGNATURE = 0x5A5A_1234_9876_A5A5L;
  /** Fixed, so that a failure names the try that reproduces it. */
  private static final long SEED = 0x9E37_79B9_7F4A_7C15L;

  @Test
  void arbitraryBytesNeverThrow() {
    var random = new SplittableRandom(SEED);
    var out = new EchoReply();
    for (int attempt = 0; attempt < 20_000; attempt++) {
      byte[] bytes = new byte[random.nextInt(201)];
      random.nextBytes(bytes);
      boolean ipv6 = random.nextBoolean();
      boolean withIpHeader = !ipv6 && random.nextBoolean();
      int length = Math.max(bytes.length, random.nextInt(401));

      assertThatCode(() -> {
        assertThat(EchoCodec.decode(ByteBuffer.wrap(bytes), bytes.length, length, ipv6, withIpHeader, out)).isNotNull();
        EchoCodec.decodeQuotedRequest(ByteBuffer.wrap(bytes), 0, bytes.length, ipv6, out);
      }).as("try %d of seed %x", attempt, SEED).doesNotThrowAnyException();
    }
  }

  @Test
  void everySingleByteFlipOfAReplyIsEitherRejectedOrDecodedAsWritten() {
    var out = new EchoReply();
    // A valid RAW IPv4 reply with each of its bytes flipped in every way, complete or cut short.
    for (int index = 0; index < 64; index++) {
      for (int flip = 0; flip < 256; flip++) {
        var packet = rawIpv4Reply(77, 0xBEEF, 1234567L);
        packet.put(index, (byte) (packet.get(index) ^ flip));
        for (int cut = 0; cut <= 80; cut++) {
          int received = Math.max(0, packet.capacity() - cut);

          Decoded decoded = EchoCodec.decode(packet, received, packet.capacity(), false, true, out);

          if (decoded == Decoded.ECHO_REPLY) {
            String where = "byte " + index + " ^ " + flip + ", " + cut + " cut";
            // Whatever is accepted must be read from exactly where its header says it starts.
            int start = (packet.get(0) & 0x0F) * 4;
            assertThat(out.sequence).as(where).isEqualTo(packet.getShort(start + 6) & 0xFFFF);
            assertThat(out.signature).as(where).isEqualTo(packet.getLong(start + 8));
            assertThat(out.token).as(where).isEqualTo(packet.getLong(start + 16));
            if (received == packet.capacity() && index >= 20) {
              // A flip inside the ICMP message of a complete packet must break the checksum.
              assertThat(flip).as(where).isZero();
            }
          }
        }
      }
    }
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
