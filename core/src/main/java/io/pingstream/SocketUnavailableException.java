package io.pingstream;

import java.io.IOException;
import java.util.List;

/**
 * No socket of the selection policy could be opened for an address family. The message lists
 * each mode tried with its error, the namespace's {@code net.ipv4.ping_group_range}, the
 * process's group id, and the two ways to fix it.
 */
public final class SocketUnavailableException extends IOException {

  private final IpFamily family;
  private final List<Attempt> attempts;

  /**
   * Creates the exception.
   *
   * @param family the address family no socket could be opened for
   * @param attempts each mode tried, in order, with its error
   * @param message the full explanation
   */
  public SocketUnavailableException(IpFamily family, List<Attempt> attempts, String message) {
    super(message);
    this.family = family;
    this.attempts = List.copyOf(attempts);
    attempts.forEach(attempt -> addSuppressed(attempt.error()));
  }

  /** The address family. */
  public IpFamily family() {
    return family;
  }

  /** Each mode tried, in order, with its error. */
  public List<Attempt> attempts() {
    return attempts;
  }

  /**
   * One failed attempt to open a socket.
   *
   * @param mode the socket mode tried
   * @param error why {@code socket(2)} failed
   */
  public record Attempt(SocketMode mode, NativeIoException error) implements java.io.Serializable {}
}
