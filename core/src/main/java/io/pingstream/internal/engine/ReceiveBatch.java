package io.pingstream.internal.engine;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.pingstream.internal.jna.Errors;
import io.pingstream.internal.jna.LibC;
import io.pingstream.internal.jna.SocketAddresses;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native buffers for one recvmmsg(2) call: up to {@link #SLOTS} datagrams with their source
 * addresses, reused for every call (or a recvmsg(2) per datagram where a seccomp filter refuses
 * recvmmsg). Receive loop only. Not API.
 *
 * <pre>
 * struct mmsghdr (64): struct msghdr (56) | u32 msg_len | pad
 * struct msghdr  (56): name* | u32 namelen | pad | iov* | u64 iovlen | control* | u64 controllen | i32 flags | pad
 * struct iovec   (16): base* | u64 len
 * </pre>
 */
final class ReceiveBatch {

  static final int SLOTS = 32;
  /** The largest datagram an ICMP socket can deliver: IP's 16-bit total length. */
  static final int MAX_SLOT_SIZE = 65_535;
  /** Room for a timestamp, a TTL, a drop count and an extended error with its offender. */
  static final int CONTROL_SIZE = 256;
  private static final int MMSGHDR = 64;
  private static final int IOVEC = 16;
  private static final int IOVECS = SLOTS * MMSGHDR;
  private static final int ADDRESSES = IOVECS + SLOTS * IOVEC;
  private static final int CONTROLS = ADDRESSES + SLOTS * SocketAddresses.MAX_SIZE;
  private static final int BUFFERS = CONTROLS + SLOTS * CONTROL_SIZE;

  /** Bytes each datagram may fill; longer ones are truncated and flagged. */
  final int slotSize;
  /** Whether recvmmsg(2) was refused as a call; datagrams are then read one by one. */
  private boolean batchesRefused;
  private final Memory memory;
  private final ByteBuffer structs;
  private final ByteBuffer[] packets = new ByteBuffer[SLOTS];

  ReceiveBatch(int slotSize) {
    this.slotSize = slotSize;
    memory = new Memory(BUFFERS + (long) SLOTS * slotSize);
    memory.clear();
    structs = memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
    for (int i = 0; i < SLOTS; i++) {
      Pointer message = memory.share((long) i * MMSGHDR);
      Pointer iovec = memory.share(IOVECS + (long) i * IOVEC);
      Pointer buffer = memory.share(bufferOffset(i));
      message.setPointer(0, memory.share(addressOffset(i)));
      message.setPointer(16, iovec);
      message.setLong(24, 1);
      message.setPointer(32, memory.share(controlOffset(i)));
      iovec.setPointer(0, buffer);
      iovec.setLong(8, slotSize);
      packets[i] = memory.getByteBuffer(bufferOffset(i), slotSize).order(ByteOrder.BIG_ENDIAN);
    }
  }

  /**
   * Reads up to {@link #SLOTS} datagrams without blocking, from the error queue if {@code
   * errorQueue}.
   *
   * @return how many were read, or -1 with errno set (EAGAIN when none was waiting)
   */
  int receive(int fd, boolean errorQueue) {
    for (int i = 0; i < SLOTS; i++) {
      structs.putInt(i * MMSGHDR + 8, SocketAddresses.MAX_SIZE); // msg_namelen, in and out
      structs.putLong(i * MMSGHDR + 40, CONTROL_SIZE); // msg_controllen, in and out
      structs.putInt(i * MMSGHDR + 48, 0); // msg_flags
    }
    // MSG_TRUNC makes RAW sockets report the datagram's real length even when it did not fit.
    int flags = LibC.MSG_DONTWAIT | LibC.MSG_TRUNC | (errorQueue ? LibC.MSG_ERRQUEUE : 0);
    if (!batchesRefused) {
      int read = LibC.recvmmsg(fd, memory, SLOTS, flags, Pointer.NULL);
      int errno = read < 0 ? Errors.lastErrno() : 0;
      // ENOSYS and EPERM are no errors of a socket read: a seccomp filter refused the call. Left
      // so, the datagrams would wait unread, poll(2) would wake the loop for them again and
      // again, and every probe would time out.
      if (errno != LibC.ENOSYS && errno != LibC.EPERM) {
        return read;
      }
      batchesRefused = true;
    }
    return receiveOneByOne(fd, flags);
  }

  /** As {@link #receive}, with a recvmsg(2) per datagram into the same slots. */
  private int receiveOneByOne(int fd, int flags) {
    for (int i = 0; i < SLOTS; i++) {
      long length = LibC.recvmsg(fd, memory.share((long) i * MMSGHDR), flags);
      if (length < 0) {
        return i > 0 ? i : -1; // errno is this call's
      }
      structs.putInt(i * MMSGHDR + 56, (int) length); // msg_len, as recvmmsg sets it
    }
    return SLOTS;
  }

  /** Parses the slot's control messages into {@code out}. */
  void ancillary(int slot, Ancillary out) {
    int length = (int) Math.min(structs.getLong(slot * MMSGHDR + 40), CONTROL_SIZE);
    out.parse(structs, controlOffset(slot), length);
  }

  /** The datagram's length as the kernel reported it (may exceed {@link #slotSize}). */
  int length(int slot) {
    return structs.getInt(slot * MMSGHDR + 56);
  }

  /** Whether the slot's datagram was longer than the slot (msghdr.msg_flags has MSG_TRUNC). */
  boolean truncated(int slot) {
    return (structs.getInt(slot * MMSGHDR + 48) & LibC.MSG_TRUNC) != 0;
  }

  /** The datagram bytes, at absolute index 0, network order. */
  ByteBuffer packet(int slot) {
    return packets[slot];
  }

  /** The native-order view that holds the source addresses. */
  ByteBuffer structs() {
    return structs;
  }

  /** Where slot's source sockaddr starts in {@link #structs()}. */
  int addressOffset(int slot) {
    return ADDRESSES + slot * SocketAddresses.MAX_SIZE;
  }

  private static int controlOffset(int slot) {
    return CONTROLS + slot * CONTROL_SIZE;
  }

  /** Frees the buffers; the batch is not used after. */
  void close() {
    memory.close();
  }

  private long bufferOffset(int slot) {
    return BUFFERS + (long) slot * slotSize;
  }
}
