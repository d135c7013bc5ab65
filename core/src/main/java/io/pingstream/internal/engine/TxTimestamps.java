package io.pingstream.internal.engine;

import java.util.Arrays;

/**
 * Kernel transmit timestamps by their key, in a fixed ring: no allocation per probe and bounded
 * memory. Keys are consecutive per socket, so the ring keeps the last {@link #CAPACITY} sends;
 * a probe whose stamp was overwritten (more than that many sends while it waited) falls back to
 * the receive-side timestamp. Receive loop only. Not API.
 */
final class TxTimestamps {

  static final int CAPACITY = 1 << 16;
  private static final int MASK = CAPACITY - 1;

  private final int[] keys = new int[CAPACITY];
  private final long[] realtimeNanos = new long[CAPACITY];

  TxTimestamps() {
    Arrays.fill(realtimeNanos, -1);
  }

  void put(int key, long nanos) {
    keys[key & MASK] = key;
    realtimeNanos[key & MASK] = nanos;
  }

  /** The stamp of {@code key} (CLOCK_REALTIME ns), or -1; each stamp can be taken once. */
  long take(int key) {
    int slot = key & MASK;
    long nanos = realtimeNanos[slot];
    if (nanos < 0 || keys[slot] != key) {
      return -1;
    }
    realtimeNanos[slot] = -1;
    return nanos;
  }
}
