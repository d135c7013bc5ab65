package io.pingstream.internal.engine;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.pingstream.IpFamily;
import io.pingstream.NativeIoException;
import io.pingstream.PingOptions;
import io.pingstream.ProbeSettings;
import io.pingstream.SocketMode;
import io.pingstream.TimestampSource;
import io.pingstream.internal.codec.EchoCodec;
import io.pingstream.internal.jna.Errors;
import io.pingstream.internal.jna.LibC;
import io.pingstream.internal.jna.SocketAddresses;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * One ICMP or ICMPv6 socket, RAW or DGRAM, non-blocking, with its send buffers. Sends are
 * serialized by the socket's monitor and safe from any thread. Not API.
 */
final class IcmpSocket {

  /**
   * How many leftover ICMP errors one send of a ping socket clears before it takes the failure as
   * its own (see {@link Retries}): one, or this many while ICMP errors come in.
   */
  private static final int MAX_PENDING_ERRORS_CLEARED = 8;
  /** How long after the receive loop last read an ICMP error they count as coming in. */
  private static final long ICMP_ERRORS_LATELY_NANOS = 100_000_000;
  /** errno-like code {@link #send} returns once the socket is closed. */
  static final int CLOSED = -1;
  /** The TTL value that means "the system's default" to IP_TTL and IPV6_UNICAST_HOPS. */
  private static final int SYSTEM_TTL = -1;

  private static final int PACKET_CAPACITY = ProbeSettings.MAX_SIZE;
  private static final int ADDRESS_OFFSET = PACKET_CAPACITY;
  private static final int MSGHDR_OFFSET = ADDRESS_OFFSET + SocketAddresses.MAX_SIZE;
  private static final int IOVEC_OFFSET = MSGHDR_OFFSET + 56;
  private static final int CMSG_OFFSET = IOVEC_OFFSET + 16;
  private static final int CMSG_SPACE_INT = 24; // CMSG_SPACE(sizeof(u32)) on LP64
  private static final int OPTION_OFFSET = CMSG_OFFSET + CMSG_SPACE_INT;
  private static final int SEND_MEMORY = OPTION_OFFSET + 8;

  final IpFamily family;
  final SocketMode mode;
  final int fd;
  /** The identifier we write; DGRAM sockets get theirs rewritten by the kernel. */
  final int identifier;
  /** The most exact clock this socket's replies can be measured with. */
  final TimestampSource timestamps;
  private final boolean ipv6;
  /** The interface the socket is bound to, if any: re-bound when it comes back. */
  private final @Nullable String interfaceName;
  private final Memory sendMemory = new Memory(SEND_MEMORY);
  private final ByteBuffer packet = sendMemory.getByteBuffer(0, PACKET_CAPACITY).order(ByteOrder.BIG_ENDIAN);
  private final ByteBuffer structs = sendMemory.getByteBuffer(0, SEND_MEMORY).order(ByteOrder.nativeOrder());
  private final Pointer addressPointer = sendMemory.share(ADDRESS_OFFSET);
  private final Pointer messagePointer = sendMemory.share(MSGHDR_OFFSET);
  private final Pointer optionPointer = sendMemory.share(OPTION_OFFSET);
  private int nextSequence;
  /** The largest probe sent, in bytes: the receive loop sizes its slots to hold its reply whole. */
  private volatile int largestProbe;
  /** Whether the receive loop is reading replies, into slots it sized before the read. */
  private volatile boolean readingReplies;
  /** Send system calls made, for tests. */
  private long sendCalls;
  /**
   * Whether {@code sendmmsg(2)} was refused as a call (a seccomp filter's ENOSYS or EPERM; no
   * kernel that batches here, 6.13 on, lacks it): batches are then sent one by one.
   */
  private boolean batchesRefused;
  /** Made on the first {@link #sendAll}: most sockets never send in batches. */
  private @Nullable SendBatch batch;
  /** Key of the next transmit timestamp; starts at random so that kernel-chosen keys never match. */
  private int nextTxKey = ThreadLocalRandom.current().nextInt();
  /** The TTL the socket currently sends with ({@link #SYSTEM_TTL} for the default). */
  private int currentTtl;
  private boolean closed;
  /** When the receive loop last read an ICMP error of this socket ({@link System#nanoTime()}). */
  private volatile long icmpErrorReadAt = System.nanoTime() - 2 * ICMP_ERRORS_LATELY_NANOS;

  private IcmpSocket(
      IpFamily family, SocketMode mode, int fd, int identifier, int ttl, TimestampSource timestamps, @Nullable String interfaceName) {
    this.family = family;
    this.interfaceName = interfaceName;
    this.mode = mode;
    this.fd = fd;
    this.identifier = identifier;
    this.ipv6 = family == IpFamily.IPV6;
    this.currentTtl = ttl;
    this.timestamps = timestamps;
    var iovec = sendMemory.share(IOVEC_OFFSET);
    iovec.setPointer(0, sendMemory);
    messagePointer.setPointer(0, addressPointer);
    messagePointer.setPointer(16, iovec);
    messagePointer.setLong(24, 1);
    messagePointer.setPointer(32, sendMemory.share(CMSG_OFFSET));
    messagePointer.setLong(40, CMSG_SPACE_INT);
    // The one control message we send: this packet's transmit timestamp key.
    structs.putLong(CMSG_OFFSET, 20); // CMSG_LEN(sizeof(u32))
    structs.putInt(CMSG_OFFSET + 8, LibC.SOL_SOCKET);
    structs.putInt(CMSG_OFFSET + 12, LibC.SCM_TS_OPT_ID);
  }

  /**
   * Opens a socket of {@code mode} and applies the options.
   *
   * @throws NativeIoException from {@code socket(2)} when the mode is not allowed, or from the
   *     option that could not be applied
   */
  static IcmpSocket open(IpFamily family, SocketMode mode, PingOptions options, int identifier, long signature) throws NativeIoException {
    boolean ipv6 = family == IpFamily.IPV6;
    int fd = LibC.socket(
        ipv6 ? LibC.AF_INET6 : LibC.AF_INET,
        (mode == SocketMode.RAW ? LibC.SOCK_RAW : LibC.SOCK_DGRAM) | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC,
        ipv6 ? LibC.IPPROTO_ICMPV6 : LibC.IPPROTO_ICMP);
    Errors.check("socket", fd);
    try {
      var socket = new SocketOptions(fd);
      int ipLevel = ipv6 ? LibC.IPPROTO_IPV6 : LibC.IPPROTO_IP;
      if (mode == SocketMode.RAW) {
        socket.installIcmpFilter(ipv6);
        Memory program = RawSocketFilter.program(ipv6, signature);
        socket.attachFilter(program, RawSocketFilter.length(program)); // else user space filters alone
        socket.discardQueued();
      } else {
        // DGRAM sockets learn of ICMP errors only through the error queue.
        socket.trySetInt(ipLevel, ipv6 ? LibC.IPV6_RECVERR : LibC.IP_RECVERR, 1);
      }
      TimestampSource timestamps = socket.enableTimestamps(options.transmitTimestamps() && KernelFeatures.perPacketTimestampKey());
      socket.trySetInt(ipLevel, ipv6 ? LibC.IPV6_RECVHOPLIMIT : LibC.IP_RECVTTL, 1);
      socket.trySetInt(LibC.SOL_SOCKET, LibC.SO_RXQ_OVFL, 1);
      int ttl = options.ttl().orElse(SYSTEM_TTL);
      if (ttl != SYSTEM_TTL) {
        socket.setInt(ipLevel, ipv6 ? LibC.IPV6_UNICAST_HOPS : LibC.IP_TTL, ipv6 ? "IPV6_UNICAST_HOPS" : "IP_TTL", ttl);
      }
      if (options.tos().isPresent()) {
        socket.setInt(ipLevel, ipv6 ? LibC.IPV6_TCLASS : LibC.IP_TOS, ipv6 ? "IPV6_TCLASS" : "IP_TOS", options.tos().getAsInt());
      }
      if (options.dontFragment()) {
        if (ipv6) {
          socket.setInt(ipLevel, LibC.IPV6_DONTFRAG, "IPV6_DONTFRAG", 1);
        } else {
          socket.setInt(ipLevel, LibC.IP_MTU_DISCOVER, "IP_MTU_DISCOVER", LibC.IP_PMTUDISC_DO);
        }
      }
      if (options.receiveBufferSize() > 0) {
        socket.setBuffer(LibC.SO_RCVBUFFORCE, LibC.SO_RCVBUF, options.receiveBufferSize());
      }
      if (options.sendBufferSize() > 0) {
        socket.setBuffer(LibC.SO_SNDBUFFORCE, LibC.SO_SNDBUF, options.sendBufferSize());
      }
      if (options.interfaceName().isPresent()) {
        socket.bindToDevice(options.interfaceName().get());
      }
      var source = options.source(family);
      if (source.isPresent()) {
        socket.bind(source.get());
      }
      return new IcmpSocket(family, mode, fd, identifier, ttl, timestamps, options.interfaceName().orElse(null));
    } catch (NativeIoException | RuntimeException e) {
      LibC.close(fd);
      throw e;
    }
  }

  /**
   * Stamps {@code probe} (sequence, token, transmit key), registers it in {@code table} and
   * sends it.
   *
   * @return 0 when the kernel took the packet, {@link #CLOSED} once closed, else the errno
   */
  synchronized int send(PendingProbe probe, ProbeTable table, long signature) {
    if (closed) {
      return CLOSED;
    }
    ProbeSettings settings = probe.settings;
    int ttlErrno = applyTtl(settings.ttl().orElse(SYSTEM_TTL));
    int icmpLength = EchoCodec.icmpLength(ipv6, settings.size());
    stamp(probe, table);
    return ttlErrno != 0 ? ttlErrno : transmit(probe, icmpLength, signature);
  }

  /** Encodes a stamped probe into the send buffer and sends it alone, retrying as worthwhile. */
  private int transmit(PendingProbe probe, int icmpLength, long signature) {
    EchoCodec.encodeRequest(packet, ipv6, icmpLength, identifier, probe.sequence, signature, probe.token, needsChecksum());
    int addressLength = SocketAddresses.write(structs, ADDRESS_OFFSET, probe.targetBytes, probe.scope);
    @Nullable Retries retries = null;
    while (true) {
      sendCalls++;
      long sent = probe.txKeyed ? sendKeyed(icmpLength, addressLength, probe.txKey) : LibC.sendto(fd, sendMemory, icmpLength, 0, addressPointer, addressLength);
      if (sent >= 0) {
        return 0;
      }
      int errno = Errors.lastErrno();
      retries = retries == null ? new Retries() : retries; // only once a send failed
      if (!retries.worthAnother(errno)) {
        return errno;
      }
    }
  }

  /**
   * Sends {@code probes[0, count)}, which share one {@link ProbeSettings}, as {@link #send} does
   * each, with as few {@code sendmmsg(2)} calls as the kernel allows.
   *
   * <p>Only where the kernel stamps each request as it leaves: a probe's send time is otherwise
   * the JVM's, taken before the call, and the kernel's work on the probes ahead of it in the
   * batch (on loopback 1.5-2.5 us each, the reply included) would be counted in its RTT. Without
   * transmit stamps the probes go one by one, as they do once {@code sendmmsg(2)} was refused as
   * a call (a seccomp filter).
   *
   * @param errnos receives each probe's outcome as {@link #send} returns it
   */
  synchronized void sendAll(PendingProbe[] probes, int count, ProbeTable table, long signature, int[] errnos) {
    ProbeSettings settings = probes[0].settings;
    int icmpLength = EchoCodec.icmpLength(ipv6, settings.size());
    if (closed || count == 1 || icmpLength > SendBatch.MAX_ICMP_LENGTH || !stampsTransmit() || batchesRefused) {
      for (int i = 0; i < count; i++) {
        errnos[i] = send(probes[i], table, signature);
      }
      return;
    }
    int ttlErrno = applyTtl(settings.ttl().orElse(SYSTEM_TTL));
    SendBatch batch = batch();
    for (int i = 0; i < count; i++) {
      PendingProbe probe = probes[i];
      stamp(probe, table);
      EchoCodec.encodeRequest(batch.packet(i), ipv6, icmpLength, identifier, probe.sequence, signature, probe.token, needsChecksum());
      batch.set(i, probe.targetBytes, probe.scope, icmpLength, probe.txKey);
      errnos[i] = ttlErrno;
    }
    if (ttlErrno != 0) {
      return;
    }
    @Nullable Retries retries = null; // those of the message at next
    for (int next = 0; next < count; ) {
      sendCalls++;
      int sent = batch.send(fd, next, count);
      if (sent > 0) {
        next += sent; // errnos of sent probes are 0 already
        retries = null;
        continue;
      }
      int errno = Errors.lastErrno();
      if (errno == LibC.ENOSYS || (errno == LibC.EPERM && batchCallRefused(batch))) {
        batchesRefused = true;
        for (; next < count; next++) {
          errnos[next] = transmit(probes[next], icmpLength, signature);
        }
        return;
      }
      retries = retries == null ? new Retries() : retries;
      if (!retries.worthAnother(errno)) {
        errnos[next++] = errno; // the kernel refused this one: the rest may still go
        retries = null;
      }
    }
  }

  /**
   * Whether {@code sendmmsg(2)} failed with EPERM as a call (a seccomp filter, which refuses it
   * whatever it carries) rather than for its first message (a firewall rule, which may let the
   * same message through a moment later: resending it could not tell the two apart). A call of
   * no messages tells: the kernel takes it and sends nothing.
   */
  private boolean batchCallRefused(SendBatch batch) {
    sendCalls++;
    return batch.sendNone(fd) < 0;
  }

  /** The tries one message's send has left after failures. */
  private final class Retries {
    private boolean rebound;
    private int pendingErrorsCleared;

    /**
     * Whether a send that failed with {@code errno} is worth another try: interrupted; or the
     * failure may have been an ICMP error of an earlier probe (a few times); or, once, the bound
     * interface was deleted and has come back with a new index, re-bound here.
     */
    boolean worthAnother(int errno) {
      if (errno == LibC.EINTR) {
        return true;
      }
      // A ping socket with IP_RECVERR also keeps an incoming ICMP error as its pending socket
      // error, and its next send fails with it (whatever the target) and clears it. Reading an
      // error off the error queue sets the next queued one pending again, so while errors come in
      // bunches a send may meet several: a refusal of this packet fails every time.
      if (mode == SocketMode.DGRAM && isIcmpErrno(errno) && pendingErrorsCleared < pendingErrorsToClear()) {
        pendingErrorsCleared++;
        return true;
      }
      // EAGAIN (send buffer full) fails the probe at once, as ENOBUFS does: waiting for room
      // here would hold every sender of the socket, and a Reactor thread, for up to the timeout.
      if (errno == LibC.ENODEV && !rebound) {
        rebound = true;
        return rebind();
      }
      return false;
    }
  }

  /**
   * The receive loop read an ICMP error off this socket's error queue: the next queued one, if
   * any, is now pending, and more may come.
   */
  void icmpErrorRead() {
    icmpErrorReadAt = System.nanoTime();
  }

  /**
   * How many failures of one send may be leftover ICMP errors: one, which an error that came but
   * is not read yet may leave; more while errors come in bunches. A send refused here for good
   * with such an errno (a local unreachable route) then costs two system calls, not nine.
   */
  private int pendingErrorsToClear() {
    return System.nanoTime() - icmpErrorReadAt < ICMP_ERRORS_LATELY_NANOS ? MAX_PENDING_ERRORS_CLEARED : 1;
  }

  /** Whether an ICMP error can leave {@code errno} as a socket's pending error. */
  private static boolean isIcmpErrno(int errno) {
    return switch (errno) {
      case LibC.ENETUNREACH, LibC.EHOSTUNREACH, LibC.EHOSTDOWN, LibC.ENONET, LibC.ECONNREFUSED, LibC.ENOPROTOOPT,
          LibC.EOPNOTSUPP, LibC.EMSGSIZE, LibC.EPROTO, LibC.EREMOTEIO, LibC.EACCES -> true;
      default -> false;
    };
  }

  /** Gives {@code probe} its sequence, token and transmit key, and registers it. */
  private void stamp(PendingProbe probe, ProbeTable table) {
    if (probe.settings.size() > largestProbe) {
      largestProbe = probe.settings.size(); // before its reply can come
      // A read under way sized its slots before: it would cut the reply, and a RAW IPv4 reply
      // cut cannot have its checksum checked. Reads take microseconds; sizes seldom grow. Past a
      // few spins, yield: the loop's thread may have been preempted mid-read on this CPU.
      for (int spins = 0; readingReplies; spins++) {
        if (spins < 1_000) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }
    probe.sequence = nextSequence;
    nextSequence = (nextSequence + 1) & 0xFFFF;
    probe.token = table.clock.next();
    if (stampsTransmit()) {
      probe.txKey = nextTxKey++;
      probe.txKeyed = true;
    }
    table.register(probe);
  }

  private SendBatch batch() {
    if (batch == null) {
      batch = new SendBatch();
    }
    return batch;
  }

  /**
   * Binds the socket to its interface again. {@code SO_BINDTODEVICE} holds the interface's index,
   * which a deleted and re-created interface no longer has; the name finds the new one.
   */
  private boolean rebind() {
    if (interfaceName == null) {
      return false;
    }
    try {
      new SocketOptions(fd).bindToDevice(interfaceName);
      return true;
    } catch (NativeIoException stillGone) {
      return false;
    }
  }

  private boolean needsChecksum() {
    return mode == SocketMode.RAW && !ipv6;
  }

  /**
   * Sets the socket's TTL for this probe if it differs from the last one. Under the send lock a
   * setsockopt is exact for every socket kind, where a per-packet control message is ignored by
   * the IPv6 ping sockets of older kernels.
   */
  private int applyTtl(int ttl) {
    if (ttl == currentTtl) {
      return 0;
    }
    optionPointer.setInt(0, ttl);
    int level = ipv6 ? LibC.IPPROTO_IPV6 : LibC.IPPROTO_IP;
    if (LibC.setsockopt(fd, level, ipv6 ? LibC.IPV6_UNICAST_HOPS : LibC.IP_TTL, optionPointer, 4) < 0) {
      return Errors.lastErrno();
    }
    currentTtl = ttl;
    return 0;
  }

  /** sendmsg(2) with an SCM_TS_OPT_ID control message naming the transmit timestamp. */
  private long sendKeyed(int icmpLength, int addressLength, int txKey) {
    structs.putInt(MSGHDR_OFFSET + 8, addressLength);
    structs.putLong(IOVEC_OFFSET + 8, icmpLength);
    structs.putInt(CMSG_OFFSET + 16, txKey);
    return LibC.sendmsg(fd, messagePointer, 0);
  }

  /** The size of the largest probe sent so far (0 before the first). */
  int largestProbe() {
    return largestProbe;
  }

  /**
   * The receive loop starts or ends a read of replies; it reads {@link #largestProbe} once
   * started, so that a larger probe waits for the reads that may not have seen it.
   */
  void readingReplies(boolean reading) {
    readingReplies = reading;
  }

  synchronized long sendCalls() {
    return sendCalls;
  }

  /** Whether requests get kernel transmit timestamps, which the socket's error queue returns. */
  boolean stampsTransmit() {
    return timestamps == TimestampSource.KERNEL;
  }

  /**
   * Closes the descriptor once no send is in progress; later sends return {@link #CLOSED}. Frees
   * the send buffers too: left to JNA's cleaner they would wait for a GC, which a large heap may
   * not run for long, and every engine made and closed would hold them meanwhile.
   */
  synchronized void close() {
    if (!closed) {
      closed = true;
      LibC.close(fd);
      sendMemory.close();
      if (batch != null) {
        batch.close();
      }
    }
  }
}
