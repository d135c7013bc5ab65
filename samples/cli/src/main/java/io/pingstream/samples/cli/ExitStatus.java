package io.pingstream.samples.cli;

/**
 * The exit statuses, as fping's where they overlap: 0, 1 and 4 mean what they mean for fping;
 * 2 covers bad usage (fping 5 exits 1 or 3 there) as well as names that do not resolve (fping's
 * 2).
 */
final class ExitStatus {

  /** Every target answered at least once. */
  static final int OK = 0;
  /** Some target never answered. */
  static final int SOME_SILENT = 1;
  /** Bad usage (an unknown option, a bad value, no target), or a target that cannot be pinged: no address, multicast. */
  static final int USAGE = 2;
  /** A system error: no ICMP socket could be opened (permissions), a namespace or port unavailable. */
  static final int SYSTEM = 4;
  /**
   * Standard output (or error) was closed while the run printed, as by {@code | head}: the
   * status of a process killed by SIGPIPE (128 + 13), as fping is, which the JVM cannot be.
   */
  static final int BROKEN_PIPE = 141;

  private ExitStatus() {}
}
