package io.pingstream.testing;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.pingstream.internal.engine.NetworkNamespace;
import io.pingstream.internal.jna.Errors;
import io.pingstream.internal.jna.LibC;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A TUN device (layer 3, no packet-information header) made inside a network namespace: whole
 * IP packets in and out of one file descriptor. Test fixture, not API.
 *
 * <p>The device lives in the namespace of the thread that opened {@code /dev/net/tun}, so {@link
 * #open} does that on a short-lived thread that entered the namespace first; the descriptor then
 * works from any thread. The device disappears when the descriptor closes.
 */
final class TunDevice implements AutoCloseable {

  // <linux/if_tun.h>: TUNSETIFF = _IOW('T', 202, int); struct ifreq is 40 bytes on LP64.
  private static final long TUNSETIFF = 0x400454caL;
  private static final short IFF_TUN = 0x0001;
  private static final short IFF_NO_PI = 0x1000;
  private static final int IFREQ_SIZE = 40;
  private static final int IFNAMSIZ = 16;
  private static final int O_RDWR = 2;
  private static final int O_NONBLOCK = 0x800;
  private static final int MAX_PACKET = 65_535;

  static {
    Native.register(TunDevice.class, Platform.C_LIBRARY_NAME);
  }

  /** {@code int ioctl(int fd, unsigned long request, ...)}, with one pointer argument. */
  private static native int ioctl(int fd, long request, Pointer argument);

  private final String name;
  private final int fd;
  private final Memory readBuffer = new Memory(MAX_PACKET);
  private final Memory writeBuffer = new Memory(MAX_PACKET);
  private final Memory pollFd = new Memory(8);
  private boolean closed;

  private TunDevice(String name, int fd) {
    this.name = name;
    this.fd = fd;
  }

  /** Creates the TUN device {@code name} in the network namespace at {@code namespace}. */
  static TunDevice open(Path namespace, String name) throws IOException {
    if (name.getBytes(StandardCharsets.US_ASCII).length >= IFNAMSIZ) {
      throw new IllegalArgumentException("name must be shorter than " + IFNAMSIZ + " bytes, was " + name);
    }
    LibC.ensureAvailability();
    return NetworkNamespace.call(namespace, () -> new TunDevice(name, attach(name)));
  }

  private static int attach(String name) throws IOException {
    int fd = LibC.open("/dev/net/tun", O_RDWR | O_NONBLOCK | LibC.O_CLOEXEC);
    if (fd < 0) {
      throw new IOException("cannot open /dev/net/tun", Errors.lastError("open"));
    }
    try (var ifreq = new Memory(IFREQ_SIZE)) {
      ifreq.clear();
      ifreq.write(0, name.getBytes(StandardCharsets.US_ASCII), 0, name.length()); // char ifr_name[16]
      ifreq.setShort(IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI)); // short ifr_flags
      if (ioctl(fd, TUNSETIFF, ifreq) < 0) {
        IOException error = new IOException("cannot create TUN device " + name, Errors.lastError("ioctl", "TUNSETIFF"));
        LibC.close(fd);
        throw error;
      }
    }
    return fd;
  }

  /** The interface name. */
  String name() {
    return name;
  }

  /** The file descriptor (to check for leaks). */
  int fd() {
    return fd;
  }

  /**
   * Waits up to {@code timeoutMillis} for a packet and reads it into {@code into}. Reader thread
   * only.
   *
   * @return the packet's length, or 0 when none came (timeout, EINTR, EAGAIN)
   * @throws IOException when the descriptor fails
   */
  int read(byte[] into, int timeoutMillis) throws IOException {
    pollFd.setInt(0, fd);
    pollFd.setShort(4, LibC.POLLIN);
    pollFd.setShort(6, (short) 0);
    int ready = LibC.poll(pollFd, 1, timeoutMillis);
    if (ready < 0 && !Errors.isTransient(Errors.lastErrno())) {
      throw Errors.lastError("poll", name);
    }
    if (ready <= 0) {
      return 0;
    }
    if ((pollFd.getShort(6) & (LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL)) != 0) {
      throw new IOException(name + " failed: poll revents " + pollFd.getShort(6));
    }
    long length = LibC.read(fd, readBuffer, MAX_PACKET);
    if (length < 0) {
      if (Errors.isTransient(Errors.lastErrno())) {
        return 0;
      }
      throw Errors.lastError("read", name);
    }
    int count = (int) Math.min(length, into.length);
    readBuffer.read(0, into, 0, count);
    return count;
  }

  /**
   * Injects one IP packet, as if it arrived on the device; safe from any thread.
   *
   * @return false once closed
   * @throws IOException when the kernel refuses the packet
   */
  synchronized boolean write(byte[] packet) throws IOException {
    if (closed) {
      return false;
    }
    writeBuffer.write(0, packet, 0, packet.length);
    if (LibC.write(fd, writeBuffer, packet.length) < 0) {
      throw Errors.lastError("write", name);
    }
    return true;
  }

  /** Closes the descriptor, which removes the device. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      LibC.close(fd);
    }
  }
}
