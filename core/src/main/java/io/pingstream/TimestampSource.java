package io.pingstream;

/**
 * Which clock measured a reply's round-trip time, from most to least exact. Each reply is timed
 * by the most exact clock it has stamps for. Right after a host's first socket asks for receive
 * stamps, the kernel turns them on from a deferred work, and replies that arrive before it has
 * run (microseconds, or longer on a loaded host) come unstamped: they are timed {@link #USER}.
 */
public enum TimestampSource {
  /**
   * The kernel's software timestamps of both the request leaving ({@code SO_TIMESTAMPING} TX,
   * read from the error queue) and the reply arriving: JVM scheduling plays no part.
   */
  KERNEL,
  /** The kernel's receive timestamp and the JVM's clock just before {@code sendto}. */
  KERNEL_RECEIVE,
  /** The JVM's monotonic clock before the send and when the reply was read. */
  USER
}
