package io.pingstream.internal.codec;

import java.nio.ByteBuffer;

/** The Internet checksum (RFC 1071). Not API. */
public final class Checksum {

  private Checksum() {}

  /**
   * The ones'-complement checksum of {@code length} bytes of {@code buffer} starting at {@code
   * offset}; absolute indexes, the buffer's position is not used. Summing a packet that already
   * carries its checksum yields 0.
   */
  public static int compute(ByteBuffer buffer, int offset, int length) {
    long sum = 0;
    int index = offset;
    int end = offset + length;
    // Four bytes at a time; ones'-complement addition is associative, so fold at the end.
    for (; index + 3 < end; index += 4) {
      sum += buffer.getInt(index) & 0xFFFFFFFFL;
    }
    for (; index + 1 < end; index += 2) {
      sum += buffer.getShort(index) & 0xFFFF;
    }
    if (index < end) {
      sum += (buffer.get(index) & 0xFF) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) (~sum & 0xFFFF);
  }
}
