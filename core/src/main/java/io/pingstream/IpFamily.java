package io.pingstream;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/** An IP address family; the engine keeps one socket per family. */
public enum IpFamily {
  /** IPv4 and ICMP. */
  IPV4,
  /** IPv6 and ICMPv6. */
  IPV6;

  /**
   * The family {@code address} is pinged over: an IPv4-mapped IPv6 address ({@code
   * ::ffff:a.b.c.d}) counts as IPv4.
   */
  public static IpFamily of(InetAddress address) {
    Objects.requireNonNull(address, "address");
    return address instanceof Inet4Address || isIpv4Mapped(address.getAddress()) ? IPV4 : IPV6;
  }

  /** Whether 16 address bytes are an IPv4-mapped IPv6 address. */
  static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
  }
}
