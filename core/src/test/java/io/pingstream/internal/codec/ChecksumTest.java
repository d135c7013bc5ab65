package io.pingstream.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ChecksumTest {

  @Test
  void matchesTheRfc1071Example() {
    // RFC 1071 section 3: the sum of these bytes is 0xddf2, so the checksum is its complement.
    var bytes = ByteBuffer.wrap(new byte[] {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7});
    assertThat(Checksum.compute(bytes, 0, 8)).isEqualTo(~0xddf2 & 0xFFFF);
  }

  @Test
  void padsAnOddTrailingByteWithZero() {
    var odd = ByteBuffer.wrap(new byte[] {0x12, 0x34, 0x56});
    var padded = ByteBuffer.wrap(new byte[] {0x12, 0x34, 0x56, 0x00});
    assertThat(Checksum.compute(odd, 0, 3)).isEqualTo(Checksum.compute(padded, 0, 4)).isEqualTo(~(0x1234 + 0x5600) & 0xFFFF);
  }

  @Test
  void foldsCarriesAndSumsToZeroOverAPacketThatCarriesIt() {
    var packet = ByteBuffer.allocate(64);
    for (int i = 0; i < 64; i++) {
      packet.put(i, (byte) 0xFF);
    }
    packet.putShort(2, (short) 0);
    packet.putShort(2, (short) Checksum.compute(packet, 0, 64));
    assertThat(Checksum.compute(packet, 0, 64)).isZero();
  }

  @Test
  void honoursTheOffset() {
    var bytes = ByteBuffer.wrap(new byte[] {(byte) 0xAA, (byte) 0xBB, 0x00, 0x01});
    assertThat(Checksum.compute(bytes, 2, 2)).isEqualTo(0xFFFE);
  }
}
