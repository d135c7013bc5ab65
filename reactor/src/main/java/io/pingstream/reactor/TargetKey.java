package io.pingstream.reactor;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A target as a key: its address, and its scope when it is a scoped IPv6 address. {@link
 * Inet6Address#equals} ignores the scope, yet {@code fe80::1%eth0} and {@code fe80::1%eth1} (say,
 * the routers of two links) are two targets. Not API.
 *
 * @param address the target, IPv4-mapped IPv6 addresses as the IPv4 address the engine pings
 * @param scope the IPv6 scope (interface index), 0 when none
 */
record TargetKey(InetAddress address, int scope) {

  static TargetKey of(InetAddress target) {
    if (target instanceof Inet6Address v6) {
      InetAddress plain = unmapped(v6);
      return new TargetKey(plain, plain == v6 ? v6.getScopeId() : 0);
    }
    return new TargetKey(target, 0);
  }

  /**
   * The IPv4 address an IPv4-mapped one ({@code ::ffff:a.b.c.d}) stands for: the engine pings it
   * and its results carry it, so the stream, its results and its metrics must all use it.
   */
  private static InetAddress unmapped(Inet6Address target) {
    try {
      // getByAddress returns an Inet4Address for an IPv4-mapped address, else an Inet6Address
      InetAddress plain = InetAddress.getByAddress(target.getAddress());
      return plain instanceof Inet4Address ? plain : target;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // unreachable: 16 bytes
    }
  }
}
