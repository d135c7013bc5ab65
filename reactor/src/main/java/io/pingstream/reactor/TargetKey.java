package io.pingstream.reactor;

import io.pingstream.IpFamily;
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
      // IPv4-mapped (::ffff:a.b.c.d): the engine pings the IPv4 address and its results carry
      // that, so the stream, its results and its metrics must all use it.
      return IpFamily.of(v6) == IpFamily.IPV4 ? new TargetKey(ipv4(v6.getAddress()), 0) : new TargetKey(v6, v6.getScopeId());
    }
    return new TargetKey(target, 0);
  }

  private static InetAddress ipv4(byte[] mapped) {
    try {
      return InetAddress.getByAddress(new byte[] {mapped[12], mapped[13], mapped[14], mapped[15]});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // unreachable: four bytes
    }
  }
}
