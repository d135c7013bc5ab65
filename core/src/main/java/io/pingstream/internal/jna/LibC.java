package io.pingstream.internal.jna;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Direct JNA mapping of the Linux libc calls the engine needs. Not API.
 *
 * <p>Direct mapping (static natives registered once) avoids the proxy and reflection cost of
 * an interface mapping on the send and receive paths. Sizes assume LP64 (Linux on x86_64 and
 * aarch64): {@code size_t}, {@code ssize_t} and {@code socklen_t*} are passed as Java
 * {@code long} or {@link Pointer}. Errors come back as {@code -1}; read errno with {@link
 * Native#getLastError()} right after the call, on the same thread, and turn it into an
 * exception with {@link Errors}.
 */
public final class LibC {

  // Address and protocol families, socket types and flags (<sys/socket.h>, <netinet/in.h>).
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_RAW = 3;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int IPPROTO_IP = 0;
  public static final int IPPROTO_ICMP = 1;
  public static final int IPPROTO_IPV6 = 41;
  public static final int IPPROTO_ICMPV6 = 58;

  // Socket option levels and names.
  public static final int SOL_SOCKET = 1;
  public static final int SOL_RAW = 255;
  public static final int SO_ERROR = 4;
  public static final int SO_SNDBUF = 7;
  public static final int SO_RCVBUF = 8;
  public static final int SO_SNDBUFFORCE = 32;
  public static final int SO_RCVBUFFORCE = 33;
  public static final int SO_BINDTODEVICE = 25;
  public static final int SO_ATTACH_FILTER = 26;
  public static final int SO_TIMESTAMPNS = 35;
  public static final int SO_TIMESTAMPING = 37;
  public static final int SO_RXQ_OVFL = 40;
  /** cmsg type that sets one packet's timestamp key (Linux 6.13+). */
  public static final int SCM_TS_OPT_ID = 81;
  public static final int IP_TOS = 1;
  public static final int IP_TTL = 2;
  public static final int IP_MTU_DISCOVER = 10;
  public static final int IP_RECVERR = 11;
  public static final int IP_RECVTTL = 12;
  public static final int IP_PMTUDISC_DO = 2;
  public static final int ICMP_FILTER = 1;
  public static final int ICMP6_FILTER = 1;
  public static final int IPV6_UNICAST_HOPS = 16;
  public static final int IPV6_RECVERR = 25;
  public static final int IPV6_RECVHOPLIMIT = 51;
  public static final int IPV6_HOPLIMIT = 52;
  public static final int IPV6_DONTFRAG = 62;
  public static final int IPV6_TCLASS = 67;

  // SO_TIMESTAMPING flags (linux/net_tstamp.h).
  public static final int SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1;
  public static final int SOF_TIMESTAMPING_RX_SOFTWARE = 1 << 3;
  public static final int SOF_TIMESTAMPING_SOFTWARE = 1 << 4;
  public static final int SOF_TIMESTAMPING_OPT_ID = 1 << 7;
  public static final int SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11;

  // sock_extended_err origins (linux/errqueue.h).
  public static final int SO_EE_ORIGIN_ICMP = 2;
  public static final int SO_EE_ORIGIN_ICMP6 = 3;
  public static final int SO_EE_ORIGIN_TIMESTAMPING = 4;

  // Message flags.
  public static final int MSG_TRUNC = 0x20;
  public static final int MSG_DONTWAIT = 0x40;
  public static final int MSG_ERRQUEUE = 0x2000;

  public static final int CLOCK_REALTIME = 0;

  // poll(2) events.
  public static final short POLLIN = 0x1;
  public static final short POLLERR = 0x8;
  public static final short POLLHUP = 0x10;
  public static final short POLLNVAL = 0x20;

  // Misc.
  public static final int EFD_NONBLOCK = 0x800;
  public static final int EFD_CLOEXEC = 0x80000;
  public static final int O_RDONLY = 0;
  public static final int O_CLOEXEC = 0x80000;
  public static final int CLONE_NEWNET = 0x40000000;

  // errno values the engine reacts to (asm-generic/errno-base.h).
  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int ENODEV = 19;
  public static final int EPERM = 1;
  /** A system call the kernel lacks, or that a seccomp filter refuses so (asm-generic/errno.h). */
  public static final int ENOSYS = 38;
  // What an ICMP error becomes as a socket error (icmp_err_convert, icmpv6_err_convert, ping_err;
  // EACCES above too), asm-generic/errno.h.
  public static final int ENONET = 64;
  public static final int EPROTO = 71;
  public static final int EMSGSIZE = 90;
  public static final int ENOPROTOOPT = 92;
  public static final int EOPNOTSUPP = 95;
  public static final int ENETUNREACH = 101;
  public static final int ECONNREFUSED = 111;
  public static final int EHOSTDOWN = 112;
  public static final int EHOSTUNREACH = 113;
  public static final int EREMOTEIO = 121;

  private static final Throwable UNAVAILABILITY_CAUSE;

  static {
    Throwable cause = null;
    if (!Platform.isLinux()) {
      cause = new UnsupportedOperationException("Pingstream's socket core supports Linux only, not " + System.getProperty("os.name"));
    } else if (Native.LONG_SIZE != 8 || Native.POINTER_SIZE != 8) {
      cause = new UnsupportedOperationException("Pingstream's socket core needs a 64-bit JVM");
    } else {
      try {
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
      } catch (LinkageError e) {
        cause = e;
      }
    }
    UNAVAILABILITY_CAUSE = cause;
  }

  private LibC() {}

  /** True when the natives are bound and usable on this platform. */
  public static boolean isAvailable() {
    return UNAVAILABILITY_CAUSE == null;
  }

  /** Throws the reason the natives cannot be used, if any. */
  public static void ensureAvailability() {
    if (UNAVAILABILITY_CAUSE != null) {
      throw new UnsupportedOperationException("native socket calls unavailable: " + UNAVAILABILITY_CAUSE.getMessage(), UNAVAILABILITY_CAUSE);
    }
  }

  public static native int socket(int domain, int type, int protocol);

  public static native int setsockopt(int fd, int level, int name, Pointer value, int length);

  /** {@code length} points to a {@code socklen_t} (4 bytes) in and out. */
  public static native int getsockopt(int fd, int level, int name, Pointer value, Pointer length);

  public static native int bind(int fd, Pointer address, int addressLength);

  public static native long sendto(int fd, Pointer buffer, long length, int flags, Pointer address, int addressLength);

  public static native long sendmsg(int fd, Pointer message, int flags);

  /** {@code messages} points to {@code count} {@code struct mmsghdr}s of 64 bytes. */
  public static native int sendmmsg(int fd, Pointer messages, int count, int flags);

  public static native long recv(int fd, Pointer buffer, long length, int flags);

  public static native int recvmmsg(int fd, Pointer messages, int count, int flags, Pointer timeout);

  public static native long recvmsg(int fd, Pointer message, int flags);

  public static native int poll(Pointer fds, long count, int timeoutMillis);

  public static native int eventfd(int initialValue, int flags);

  public static native long read(int fd, Pointer buffer, long length);

  public static native long write(int fd, Pointer buffer, long length);

  public static native int close(int fd);

  public static native int open(String path, int flags);

  public static native int setns(int fd, int namespaceType);

  /** {@code clock_gettime(2)}; {@code timespec} receives two 64-bit fields. */
  public static native int clock_gettime(int clock, Pointer timespec);

  public static native int getegid();

  public static native Pointer strerror(int errno);
}
