package io.pingstream.internal.engine;

import com.sun.jna.Memory;
import io.pingstream.AddressText;
import io.pingstream.NativeIoException;
import io.pingstream.TimestampSource;
import io.pingstream.internal.jna.Errors;
import io.pingstream.internal.jna.LibC;
import io.pingstream.internal.jna.SocketAddresses;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** setsockopt(2) and bind(2) on a fresh socket, with errors that name the option. Not API. */
final class SocketOptions {

  // ICMP types a RAW socket lets through: echo replies and the errors that quote a request.
  private static final int[] ICMP_PASSED = {0, 3, 11, 12};
  private static final int[] ICMPV6_PASSED = {129, 1, 2, 3, 4};

  private final int fd;
  private final Memory scratch = new Memory(64);

  SocketOptions(int fd) {
    this.fd = fd;
  }

  void setInt(int level, int name, String what, int value) throws NativeIoException {
    scratch.setInt(0, value);
    set(level, name, what, 4);
  }

  /** Sets an option the engine can do without; returns whether the kernel took it. */
  boolean trySetInt(int level, int name, int value) {
    scratch.setInt(0, value);
    return LibC.setsockopt(fd, level, name, scratch, 4) == 0;
  }

  /**
   * Turns on the most exact timestamps the kernel offers: software RX and, when each packet can
   * carry its own key, TX stamps on the error queue; else {@code SO_TIMESTAMPNS}.
   */
  TimestampSource enableTimestamps(boolean withTransmit) {
    int flags = LibC.SOF_TIMESTAMPING_RX_SOFTWARE | LibC.SOF_TIMESTAMPING_SOFTWARE;
    if (withTransmit) {
      int transmit = flags | LibC.SOF_TIMESTAMPING_TX_SOFTWARE | LibC.SOF_TIMESTAMPING_OPT_ID | LibC.SOF_TIMESTAMPING_OPT_TSONLY;
      if (trySetInt(LibC.SOL_SOCKET, LibC.SO_TIMESTAMPING, transmit)) {
        return TimestampSource.KERNEL;
      }
    }
    if (trySetInt(LibC.SOL_SOCKET, LibC.SO_TIMESTAMPING, flags) || trySetInt(LibC.SOL_SOCKET, LibC.SO_TIMESTAMPNS, 1)) {
      return TimestampSource.KERNEL_RECEIVE;
    }
    return TimestampSource.USER;
  }

  /**
   * Reads and discards what the socket queued before its filters were in place: a RAW socket
   * receives from the moment it exists, so foreign packets may already be waiting.
   */
  void discardQueued() {
    while (LibC.recv(fd, scratch, scratch.size(), LibC.MSG_DONTWAIT | LibC.MSG_TRUNC) >= 0) {
      // keep draining
    }
  }

  void bindToDevice(String name) throws NativeIoException {
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    scratch.clear();
    scratch.write(0, bytes, 0, bytes.length);
    set(LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, "SO_BINDTODEVICE " + name, bytes.length + 1);
  }

  /** Attaches a classic BPF program ({@code struct sock_fprog}); false if the kernel refused it. */
  boolean attachFilter(Memory program, int instructions) {
    scratch.clear();
    scratch.setShort(0, (short) instructions);
    scratch.setPointer(8, program);
    return LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, scratch, 16) == 0;
  }

  /** Sets a buffer size, beyond the sysctl maximum when the process may (CAP_NET_ADMIN). */
  void setBuffer(int forceName, int name, int bytes) throws NativeIoException {
    scratch.setInt(0, bytes);
    if (LibC.setsockopt(fd, LibC.SOL_SOCKET, forceName, scratch, 4) == 0) {
      return;
    }
    set(LibC.SOL_SOCKET, name, name == LibC.SO_RCVBUF ? "SO_RCVBUF" : "SO_SNDBUF", 4);
  }

  /**
   * Lets only echo replies and ICMP errors reach a RAW socket, so that requests looped back on
   * this host and other ICMP chatter never wake the receive loop.
   */
  void installIcmpFilter(boolean ipv6) throws NativeIoException {
    if (ipv6) {
      // struct icmp6_filter: 256 bits, a set bit blocks that type.
      for (int word = 0; word < 8; word++) {
        scratch.setInt(word * 4L, -1);
      }
      for (int type : ICMPV6_PASSED) {
        int word = type >>> 5;
        scratch.setInt(word * 4L, scratch.getInt(word * 4L) & ~(1 << (type & 31)));
      }
      set(LibC.IPPROTO_ICMPV6, LibC.ICMP6_FILTER, "ICMP6_FILTER", 32);
    } else {
      // struct icmp_filter: 32 bits, a set bit blocks that type.
      int blocked = -1;
      for (int type : ICMP_PASSED) {
        blocked &= ~(1 << type);
      }
      scratch.setInt(0, blocked);
      set(LibC.SOL_RAW, LibC.ICMP_FILTER, "ICMP_FILTER", 4);
    }
  }

  void bind(InetAddress source) throws NativeIoException {
    var structs = scratch.getByteBuffer(0, 64).order(ByteOrder.nativeOrder());
    int length = SocketAddresses.write(structs, 0, source);
    if (LibC.bind(fd, scratch, length) < 0) {
      throw Errors.lastError("bind", "source address " + AddressText.of(source));
    }
  }

  private void set(int level, int name, String what, int length) throws NativeIoException {
    if (LibC.setsockopt(fd, level, name, scratch, length) < 0) {
      throw Errors.lastError("setsockopt", what);
    }
  }
}
