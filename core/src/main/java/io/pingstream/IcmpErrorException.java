package io.pingstream;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An ICMP error answered a probe: its kind, ICMP type and code, and the address of the host or
 * router that reported it. The cause of a result with {@link PingOutcome#ERROR}.
 */
public final class IcmpErrorException extends IOException {

  private final ErrorKind kind;
  private final int type;
  private final int code;
  private final InetAddress reporter;

  /**
   * Creates the exception.
   *
   * @param kind what the error means
   * @param type the ICMP or ICMPv6 type
   * @param code the ICMP code
   * @param reporter who sent the error
   */
  public IcmpErrorException(ErrorKind kind, int type, int code, InetAddress reporter) {
    super(describe(kind) + " (type " + type + ", code " + code + ") from " + AddressText.of(reporter));
    this.kind = Objects.requireNonNull(kind, "kind");
    this.type = type;
    this.code = code;
    this.reporter = reporter;
  }

  /** What the error means. */
  public ErrorKind kind() {
    return kind;
  }

  /** The ICMP (IPv4) or ICMPv6 type. */
  public int type() {
    return type;
  }

  /** The ICMP code, e.g. 1 for host unreachable in IPv4. */
  public int code() {
    return code;
  }

  /** The host or router that sent the error. */
  public InetAddress reporter() {
    return reporter;
  }

  private static String describe(ErrorKind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }
}
