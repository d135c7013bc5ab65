package io.pingstream.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whole-process figures: CPU time from {@code /proc/self/stat}, heap after GC, peak heap. */
final class ProcessStats {

  /** USER_HZ, the unit of utime and stime in /proc; 100 on every Linux architecture we run on. */
  private static final long TICKS_PER_SECOND = 100;
  private static final double MIB = 1024.0 * 1024.0;

  private ProcessStats() {}

  /** User plus system CPU seconds of the whole process so far (10 ms resolution). */
  static double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks / (double) TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/stat", e);
    }
  }

  /** Heap in use after full collections, in MiB. */
  static double heapAfterGcMib() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / MIB;
  }

  /** Forgets the heap pools' peaks, so that {@link #peakHeapMib()} covers what follows. */
  static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /**
   * The sum of the heap pools' peak use since {@link #resetPeakHeap()}, in MiB: an upper bound
   * of the peak, since the pools need not peak at the same moment.
   */
  static double peakHeapMib() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        bytes += pool.getPeakUsage().getUsed();
      }
    }
    return bytes / MIB;
  }
}
