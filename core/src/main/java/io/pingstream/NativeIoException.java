package io.pingstream;

import java.io.IOException;

/**
 * A system call failed; carries the call, the errno and the C library's description.
 *
 * <p>The message reads like {@code sendto(..) failed: EACCES (13) Permission denied}, or {@code
 * setsockopt(..) failed for IP_TTL: EINVAL (22) Invalid argument} when the call needs context.
 */
public final class NativeIoException extends IOException {

  private final String method;
  private final int errno;
  private final String errnoName;

  /**
   * Creates the exception for a failed call.
   *
   * @param method the system call, e.g. {@code sendto}
   * @param errno the errno it returned
   * @param errnoName the symbolic name, e.g. {@code EACCES}
   * @param description the C library's text for the errno
   * @param context what the call was for, e.g. {@code IP_TTL}, or empty
   */
  public NativeIoException(String method, int errno, String errnoName, String description, String context) {
    super(method + "(..) failed" + (context.isEmpty() ? "" : " for " + context) + ": " + errnoName + " (" + errno + ") " + description);
    this.method = method;
    this.errno = errno;
    this.errnoName = errnoName;
  }

  /** The system call that failed, e.g. {@code socket}. */
  public String method() {
    return method;
  }

  /** The errno value, e.g. 13. */
  public int errno() {
    return errno;
  }

  /** The symbolic errno name, e.g. {@code EACCES}. */
  public String errnoName() {
    return errnoName;
  }
}
