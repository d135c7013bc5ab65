package io.pingstream.samples.cli;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A target's address as a key, with its IPv6 scope: {@link Inet6Address#equals} ignores the
 * scope, yet {@code fe80::1%eth0} and {@code fe80::1%eth1} are two targets, as fping has them.
 *
 * @param address the address
 * @param scope its IPv6 scope (interface index), 0 when none
 */
record AddressKey(InetAddress address, int scope) {

  static AddressKey of(InetAddress address) {
    return new AddressKey(address, address instanceof Inet6Address v6 ? v6.getScopeId() : 0);
  }
}
