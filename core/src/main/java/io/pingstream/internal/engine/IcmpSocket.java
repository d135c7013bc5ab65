package io.pingstream.internal.engine;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.pingstream.IpFamily;
import io.pingstream.NativeIoException;
import io.pingstream.PingOptions;
import io.pingstream.ProbeSettings;
import io.pingstream.SocketMode;
import io.pingstream.internal.codec.EchoCodec;
import io.pingstream.internal.jna.Errors;
import io.pingstream.internal.jna.LibC;
import io.pingstream.internal.jna.SocketAddresses;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalInt;

/**
 * One ICMP or ICMPv6 socket, RAW or DGRAM, non-blocking, with its send buffers. Sends are
 * serialized by the socket's monitor and safe from any thread. Not API.
 */
final class IcmpSocket {

  /** errno-like code {@link #send} returns once the socket is closed. */
  static final int CLOSED = -1;

  private static final int PACKET_CAPACITY = ProbeSettings.MAX_SIZE;
  private static final int ADDRESS_OFFSET = PACKET_CAPACITY;
  private static final int MSGHDR_OFFSET = ADDRESS_OFFSET + SocketAddresses.MAX_SIZE;
  private static final int IOVEC_OFFSET = MSGHDR_OFFSET + 56;
  private static final int CMSG_OFFSET = IOVEC_OFFSET + 16;
  private static final int CMSG_SPACE_INT = 24; // CMSG_SPACE(sizeof(int)) on LP64
  private static final int POLLFD_OFFSET = CMSG_OFFSET + CMSG_SPACE_INT;
  private static final int SEND_MEMORY = POLLFD_OFFSET + 8;

  final IpFamily family;
  final SocketMode mode;
  final int fd;
  /** The identifier we write; DGRAM sockets get theirs rewritten by the kernel. */
  final int identifier;
  private final boolean ipv6;
  private final int defaultTtl;
  private final Memory sendMemory = new Memory(SEND_MEMORY);
  private final ByteBuffer packet = sendMemory.getByteBuffer(0, PACKET_CAPACITY).order(ByteOrder.BIG_ENDIAN);
  private final ByteBuffer structs = sendMemory.getByteBuffer(0, SEND_MEMORY).order(ByteOrder.nativeOrder());
  private final Pointer addressPointer = sendMemory.share(ADDRESS_OFFSET);
  private final Pointer messagePointer = sendMemory.share(MSGHDR_OFFSET);
  private final Pointer pollPointer = sendMemory.share(POLLFD_OFFSET);
  private int nextSequence;
  private boolean closed;

  private IcmpSocket(IpFamily family, SocketMode mode, int fd, int identifier, int defaultTtl) {
    this.family = family;
    this.mode = mode;
    this.fd = fd;
    this.identifier = identifier;
    this.ipv6 = family == IpFamily.IPV6;
    this.defaultTtl = defaultTtl;
    var iovec = sendMemory.share(IOVEC_OFFSET);
    iovec.setPointer(0, sendMemory);
    messagePointer.setPointer(0, addressPointer);
    messagePointer.setPointer(16, iovec);
    messagePointer.setLong(24, 1);
    messagePointer.setPointer(32, sendMemory.share(CMSG_OFFSET));
    messagePointer.setLong(40, CMSG_SPACE_INT);
  }

  /**
   * Opens a socket of {@code mode} and applies the options.
   *
   * @throws NativeIoException from {@code socket(2)} when the mode is not allowed, or from the
   *     option that could not be applied
   */
  static IcmpSocket open(IpFamily family, SocketMode mode, PingOptions options, int identifier) throws NativeIoException {
    boolean ipv6 = family == IpFamily.IPV6;
    int fd = LibC.socket(
        ipv6 ? LibC.AF_INET6 : LibC.AF_INET,
        (mode == SocketMode.RAW ? LibC.SOCK_RAW : LibC.SOCK_DGRAM) | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC,
        ipv6 ? LibC.IPPROTO_ICMPV6 : LibC.IPPROTO_ICMP);
    Errors.check("socket", fd);
    try {
      var socketOptions = new SocketOptions(fd);
      if (mode == SocketMode.RAW) {
        socketOptions.installIcmpFilter(ipv6);
      }
      OptionalInt ttl = options.ttl();
      if (ttl.isPresent()) {
        socketOptions.setInt(ipv6 ? LibC.IPPROTO_IPV6 : LibC.IPPROTO_IP, ipv6 ? LibC.IPV6_UNICAST_HOPS : LibC.IP_TTL, ipv6 ? "IPV6_UNICAST_HOPS" : "IP_TTL", ttl.getAsInt());
      }
      if (options.tos().isPresent()) {
        socketOptions.setInt(ipv6 ? LibC.IPPROTO_IPV6 : LibC.IPPROTO_IP, ipv6 ? LibC.IPV6_TCLASS : LibC.IP_TOS, ipv6 ? "IPV6_TCLASS" : "IP_TOS", options.tos().getAsInt());
      }
      if (options.receiveBufferSize() > 0) {
        socketOptions.setBuffer(LibC.SO_RCVBUFFORCE, LibC.SO_RCVBUF, options.receiveBufferSize());
      }
      if (options.sendBufferSize() > 0) {
        socketOptions.setBuffer(LibC.SO_SNDBUFFORCE, LibC.SO_SNDBUF, options.sendBufferSize());
      }
      var source = options.source(family);
      if (source.isPresent()) {
        socketOptions.bind(source.get());
      }
      return new IcmpSocket(family, mode, fd, identifier, ttl.orElse(-1));
    } catch (NativeIoException | RuntimeException e) {
      LibC.close(fd);
      throw e;
    }
  }

  /**
   * Stamps {@code probe} (sequence and token), registers it in {@code table} and sends it.
   *
   * @return 0 when the kernel took the packet, {@link #CLOSED} once closed, else the errno
   */
  synchronized int send(PendingProbe probe, ProbeTable table, long signature) {
    if (closed) {
      return CLOSED;
    }
    ProbeSettings settings = probe.settings;
    int icmpLength = EchoCodec.icmpLength(ipv6, settings.size());
    probe.sequence = nextSequence;
    nextSequence = (nextSequence + 1) & 0xFFFF;
    probe.token = table.clock.next();
    EchoCodec.encodeRequest(packet, ipv6, icmpLength, identifier, probe.sequence, signature, probe.token, needsChecksum());
    int addressLength = SocketAddresses.write(structs, ADDRESS_OFFSET, probe.target);
    int ttl = settings.ttl().orElse(defaultTtl);
    table.register(probe);
    long deadline = probe.token + settings.timeout().toNanos();
    while (true) {
      long sent = ttl == defaultTtl
          ? LibC.sendto(fd, sendMemory, icmpLength, 0, addressPointer, addressLength)
          : sendWithTtl(icmpLength, addressLength, ttl);
      if (sent >= 0) {
        return 0;
      }
      int errno = Errors.lastErrno();
      if (errno == LibC.EAGAIN && awaitWritable(deadline)) {
        continue;
      }
      if (errno != LibC.EINTR) {
        return errno;
      }
    }
  }

  private boolean needsChecksum() {
    return mode == SocketMode.RAW && !ipv6;
  }

  /** sendmsg(2) with an IP_TTL / IPV6_HOPLIMIT control message for a per-probe TTL. */
  private long sendWithTtl(int icmpLength, int addressLength, int ttl) {
    structs.putInt(MSGHDR_OFFSET + 8, addressLength);
    structs.putLong(IOVEC_OFFSET + 8, icmpLength);
    structs.putLong(CMSG_OFFSET, 20); // CMSG_LEN(sizeof(int))
    structs.putInt(CMSG_OFFSET + 8, ipv6 ? LibC.IPPROTO_IPV6 : LibC.IPPROTO_IP);
    structs.putInt(CMSG_OFFSET + 12, ipv6 ? LibC.IPV6_HOPLIMIT : LibC.IP_TTL);
    structs.putInt(CMSG_OFFSET + 16, ttl);
    return LibC.sendmsg(fd, messagePointer, 0);
  }

  /** Waits for room in the send buffer until {@code deadline}; false when it did not come. */
  private boolean awaitWritable(long deadline) {
    long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
    if (remainingMillis <= 0) {
      return false;
    }
    structs.putInt(POLLFD_OFFSET, fd);
    structs.putShort(POLLFD_OFFSET + 4, LibC.POLLOUT);
    structs.putShort(POLLFD_OFFSET + 6, (short) 0);
    int ready = LibC.poll(pollPointer, 1, (int) Math.min(remainingMillis, Integer.MAX_VALUE));
    return ready > 0 || (ready < 0 && Errors.lastErrno() == LibC.EINTR);
  }

  /** Closes the descriptor once no send is in progress; later sends return {@link #CLOSED}. */
  synchronized void close() {
    if (!closed) {
      closed = true;
      LibC.close(fd);
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }
}
