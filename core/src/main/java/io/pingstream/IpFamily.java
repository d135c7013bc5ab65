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

  /** The family of {@code address}. */
  public static IpFamily of(InetAddress address) {
    Objects.requireNonNull(address, "address");
    return address instanceof Inet4Address ? IPV4 : IPV6;
  }
}
