package io.pingstream.internal.jna;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Reads and writes {@code sockaddr_in} / {@code sockaddr_in6} in a native-order {@link
 * ByteBuffer} view of native memory, at absolute indexes. Not API.
 *
 * <pre>
 * sockaddr_in  (16): u16 family | u16 port (BE) | u8[4] addr | u8[8] zero
 * sockaddr_in6 (28): u16 family | u16 port (BE) | u32 flowinfo | u8[16] addr | u32 scope_id
 * </pre>
 */
public final class SocketAddresses {

  public static final int SOCKADDR_IN_SIZE = 16;
  public static final int SOCKADDR_IN6_SIZE = 28;
  /** Room for either. */
  public static final int MAX_SIZE = 32;

  private SocketAddresses() {}

  /** Writes {@code address} (port 0) at {@code offset}; returns the sockaddr length. */
  public static int write(ByteBuffer structs, int offset, InetAddress address) {
    int scope = address instanceof Inet6Address v6 ? v6.getScopeId() : 0;
    return write(structs, offset, address.getAddress(), scope);
  }

  /**
   * Writes the address with {@code bytes} (4 or 16) and IPv6 {@code scope}, port 0, at {@code
   * offset}; returns the sockaddr length. Allocates nothing.
   */
  public static int write(ByteBuffer structs, int offset, byte[] bytes, int scope) {
    structs.putLong(offset, 0);
    structs.putLong(offset + 8, 0);
    structs.putLong(offset + 16, 0);
    structs.putLong(offset + 24, 0);
    if (bytes.length == 4) {
      structs.putShort(offset, (short) LibC.AF_INET);
      structs.put(offset + 4, bytes);
      return SOCKADDR_IN_SIZE;
    }
    structs.putShort(offset, (short) LibC.AF_INET6);
    structs.put(offset + 8, bytes);
    structs.putInt(offset + 24, scope);
    return SOCKADDR_IN6_SIZE;
  }

  /** Whether the sockaddr at {@code offset} holds exactly {@code address} (scope ignored). */
  public static boolean hasAddress(ByteBuffer structs, int offset, byte[] address) {
    int family = structs.getShort(offset);
    int start;
    if (address.length == 4 && family == LibC.AF_INET) {
      start = offset + 4;
    } else if (address.length == 16 && family == LibC.AF_INET6) {
      start = offset + 8;
    } else {
      return false;
    }
    for (int i = 0; i < address.length; i++) {
      if (structs.get(start + i) != address[i]) {
        return false;
      }
    }
    return true;
  }

  /** The address in the sockaddr at {@code offset}. */
  public static InetAddress read(ByteBuffer structs, int offset) {
    int family = structs.getShort(offset);
    byte[] bytes = new byte[family == LibC.AF_INET ? 4 : 16];
    structs.get(offset + (family == LibC.AF_INET ? 4 : 8), bytes);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // unreachable: the length is 4 or 16
    }
  }
}
