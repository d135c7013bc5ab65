package io.pingstream.reactor;

/**
 * Which address a {@link Pinger} picks when a host name resolves to several. The preference is
 * only a preference: a host with addresses of the other family only is still resolved. IP
 * literals are taken as they are.
 */
public enum AddressPreference {
  /** The first IPv4 address, else the first IPv6 address. */
  IPV4,
  /** The first IPv6 address, else the first IPv4 address. */
  IPV6,
  /**
   * The first address, in the resolver's order: IPv4 first unless the JVM runs with {@code
   * -Djava.net.preferIPv6Addresses=true} (or {@code system}). The default.
   */
  ANY
}
