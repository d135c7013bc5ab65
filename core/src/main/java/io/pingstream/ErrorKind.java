package io.pingstream;

/** Why a probe ended in {@link PingOutcome#ERROR}. */
public enum ErrorKind {
  /**
   * The probe was not sent: the kernel refused it (e.g. no route, a local firewall, message too
   * big), or the target was refused before sending (a {@link TargetRefusedException} in {@link
   * PingResult#error()}).
   */
  SEND_FAILED,
  /** ICMP destination unreachable (IPv4 type 3, IPv6 type 1), with its code. */
  DESTINATION_UNREACHABLE,
  /** ICMPv6 packet too big (type 2). */
  PACKET_TOO_BIG,
  /** ICMP time exceeded (IPv4 type 11, IPv6 type 3): the TTL / hop limit ran out. */
  TIME_EXCEEDED,
  /** ICMP parameter problem (IPv4 type 12, IPv6 type 4). */
  PARAMETER_PROBLEM
}
