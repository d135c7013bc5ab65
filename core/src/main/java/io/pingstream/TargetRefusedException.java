package io.pingstream;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A target the engine will not ping, refused before anything is sent: the unspecified address,
 * a multicast address, the IPv4 limited broadcast address (replies to those come from other
 * addresses and could never be matched to the probe), or a link-local IPv6 address without a
 * scope (it names no interface to send on). The message says which. Retrying cannot help: the
 * caller's input is at fault, hence an {@link IllegalArgumentException}.
 */
public final class TargetRefusedException extends IllegalArgumentException {

  /** The refused target; InetAddress is serializable. */
  private final InetAddress target;

  /**
   * Creates the exception.
   *
   * @param target the refused target
   * @param reason why it is refused, e.g. "a multicast address cannot be matched to its replies"
   */
  public TargetRefusedException(InetAddress target, String reason) {
    super("cannot ping " + AddressText.of(target) + ": " + Objects.requireNonNull(reason, "reason"));
    this.target = target;
  }

  /** The refused target, as it was given (an IPv4-mapped address as its IPv4 address). */
  public InetAddress target() {
    return target;
  }
}
