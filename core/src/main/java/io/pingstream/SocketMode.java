package io.pingstream;

/** The kind of ICMP socket an engine uses for one address family. */
public enum SocketMode {
  /**
   * {@code SOCK_RAW}: needs {@code CAP_NET_RAW}; sees every ICMP packet of the host, which the
   * engine filters down to replies to its own probes.
   */
  RAW,
  /**
   * {@code SOCK_DGRAM} with {@code IPPROTO_ICMP}/{@code IPPROTO_ICMPV6} ("ping socket"): needs
   * the process group inside {@code net.ipv4.ping_group_range}; the kernel lets it send only echo
   * requests and deliver only its own replies.
   */
  DGRAM
}
