package io.pingstream.internal.engine;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.pingstream.internal.jna.LibC;
import io.pingstream.internal.jna.SocketAddresses;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native memory for up to {@link #CAPACITY} echo requests sent with one {@code sendmmsg(2)}:
 * per message a {@code struct mmsghdr}, an iovec, a socket address, a transmit-key control
 * message and a packet slot, all linked once. Used under its socket's lock. Not API.
 *
 * <pre>
 * mmsghdr (64): msghdr { name* @0 | namelen u32 @8 | iov* @16 | iovlen @24 | control* @32 | controllen @40 | flags @48 } | len u32 @56
 * </pre>
 */
final class SendBatch {

  static final int CAPACITY = 64;
  /** Largest ICMP message a batch carries; larger probes are sent one by one. */
  static final int MAX_ICMP_LENGTH = 512;

  private static final int MMSGHDR_SIZE = 64;
  private static final int IOVEC_SIZE = 16;
  private static final int CMSG_SPACE_INT = 24; // CMSG_SPACE(sizeof(u32)) on LP64
  private static final int IOVEC_OFFSET = CAPACITY * MMSGHDR_SIZE;
  private static final int ADDRESS_OFFSET = IOVEC_OFFSET + CAPACITY * IOVEC_SIZE;
  private static final int CMSG_OFFSET = ADDRESS_OFFSET + CAPACITY * SocketAddresses.MAX_SIZE;
  private static final int PACKET_OFFSET = CMSG_OFFSET + CAPACITY * CMSG_SPACE_INT;
  private static final int SIZE = PACKET_OFFSET + CAPACITY * MAX_ICMP_LENGTH;

  private final Memory memory = new Memory(SIZE);
  private final ByteBuffer structs = memory.getByteBuffer(0, SIZE).order(ByteOrder.nativeOrder());
  private final ByteBuffer[] packets = new ByteBuffer[CAPACITY];
  /** {@code messages[i]} points to the i-th mmsghdr: sendmmsg resumes after a failed message. */
  private final Pointer[] messages = new Pointer[CAPACITY];

  SendBatch() {
    for (int i = 0; i < CAPACITY; i++) {
      int packet = PACKET_OFFSET + i * MAX_ICMP_LENGTH;
      packets[i] = memory.getByteBuffer(packet, MAX_ICMP_LENGTH).order(ByteOrder.BIG_ENDIAN);
      messages[i] = memory.share((long) i * MMSGHDR_SIZE);
      Pointer control = memory.share(CMSG_OFFSET + (long) i * CMSG_SPACE_INT);
      Pointer iovec = memory.share(IOVEC_OFFSET + (long) i * IOVEC_SIZE);
      iovec.setPointer(0, memory.share(packet));
      messages[i].setPointer(0, memory.share(ADDRESS_OFFSET + (long) i * SocketAddresses.MAX_SIZE));
      messages[i].setPointer(16, iovec);
      messages[i].setLong(24, 1);
      messages[i].setPointer(32, control);
      messages[i].setLong(40, CMSG_SPACE_INT);
      control.setLong(0, 20); // CMSG_LEN(sizeof(u32))
      control.setInt(8, LibC.SOL_SOCKET);
      control.setInt(12, LibC.SCM_TS_OPT_ID);
    }
  }

  /** The packet slot of message {@code index}, big-endian, to encode the request into. */
  ByteBuffer packet(int index) {
    return packets[index];
  }

  /**
   * Fills in message {@code index}: its destination, the request's length (already encoded in
   * {@link #packet}) and the key of its transmit timestamp. Batches are sent only by sockets that
   * stamp each request: a send time taken before the call would count the messages ahead.
   */
  void set(int index, byte[] address, int scope, int icmpLength, int txKey) {
    int addressLength = SocketAddresses.write(structs, ADDRESS_OFFSET + index * SocketAddresses.MAX_SIZE, address, scope);
    structs.putInt(index * MMSGHDR_SIZE + 8, addressLength);
    structs.putLong(IOVEC_OFFSET + index * IOVEC_SIZE + 8, icmpLength);
    structs.putInt(CMSG_OFFSET + index * CMSG_SPACE_INT + 16, txKey);
  }

  /**
   * Sends messages {@code [from, to)}.
   *
   * @return how many the kernel took from {@code from} on, or -1 with errno set when it refused
   *     the first of them
   */
  int send(int fd, int from, int to) {
    return LibC.sendmmsg(fd, messages[from], to - from, 0);
  }

  /**
   * A {@code sendmmsg(2)} of no messages: 0 where the call is allowed, else -1 with errno set (a
   * seccomp filter refuses the call whatever it carries).
   */
  int sendNone(int fd) {
    return LibC.sendmmsg(fd, messages[0], 0, 0);
  }

  /** Frees the buffers; the batch is not used after. */
  void close() {
    memory.close();
  }
}
