package io.pingstream.internal.engine;

/**
 * The probes answered lately, so that a second reply is told apart from a late one. A fixed ring
 * indexed by token: bounded memory, no allocation, and short-lived entries (at 100,000 replies a
 * second an entry stays ~80 ms), so answered probes do not outlive the young generation as they
 * would if kept until their deadline. A probe leaves its slot when a later one hashes to it, so
 * this is not a strict "last 8,192": a duplicate that comes after its probe left is counted as
 * late. Receive loop only. Not API.
 */
final class RecentReplies {

  static final int CAPACITY = 1 << 13;
  private static final int MASK = CAPACITY - 1;

  private final PendingProbe[] slots = new PendingProbe[CAPACITY];

  void add(PendingProbe probe) {
    slots[slot(probe.token)] = probe;
  }

  /** The answered probe with {@code token}, or null. */
  PendingProbe find(long token) {
    PendingProbe probe = slots[slot(token)];
    return probe != null && probe.token == token ? probe : null;
  }

  private static int slot(long token) {
    return (int) (token ^ (token >>> 32)) & MASK;
  }
}
