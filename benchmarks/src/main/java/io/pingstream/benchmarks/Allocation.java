package io.pingstream.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by every live thread of the JVM, from HotSpot's per-thread counters: the
 * receive thread's allocations count as well as the caller's.
 */
final class Allocation {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Allocation() {}

  /** Bytes allocated so far by the threads alive now (threads that ended are not counted). */
  static long allThreads() {
    long total = 0;
    for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
      total += Math.max(0, bytes);
    }
    return total;
  }
}
