package io.pingstream;

/** Which clock measured a reply's round-trip time, from most to least exact. */
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
