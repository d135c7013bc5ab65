package io.pingstream.internal.engine;

/**
 * The tokens of waiting probes that share one timeout, in send order. A token is its probe's
 * send time, so its deadline is {@code token + timeout} and the queue is ordered by deadline:
 * adding and expiring cost O(1), with no object per probe. Senders add from any thread under
 * the monitor; the receive loop takes what is due, and retires the queue once it is empty and
 * no longer needed. Not API.
 *
 * <p>Tokens of concurrent senders may arrive a few microseconds out of order; a probe behind a
 * later one then times out those microseconds late, never early.
 */
final class DeadlineQueue {

  final long timeoutNanos;
  private long[] tokens = new long[64];
  private int head;
  private int size;

  DeadlineQueue(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  /** Whether the table dropped this queue: it takes no more tokens. */
  private boolean retired;

  /**
   * Adds the token of a probe just sent.
   *
   * @return false if the queue is retired: the caller must add to the table's current queue
   */
  synchronized boolean add(long token) {
    if (retired) {
      return false;
    }
    if (size == tokens.length) {
      grow();
    }
    tokens[(head + size) & (tokens.length - 1)] = token;
    size++;
    return true;
  }

  /** Retires the queue if it is empty, so that the table can drop it; true when retired. */
  synchronized boolean retireIfEmpty() {
    if (size == 0) {
      retired = true;
    }
    return retired;
  }

  /**
   * Moves the tokens due at {@code now} into {@code due} (from index 0, at most its length).
   *
   * @return how many were moved
   */
  synchronized int takeDue(long now, long[] due) {
    int taken = 0;
    while (size > 0 && taken < due.length && tokens[head] + timeoutNanos <= now) {
      due[taken++] = tokens[head];
      head = (head + 1) & (tokens.length - 1);
      size--;
    }
    return taken;
  }

  /** The earliest deadline, or {@link Long#MAX_VALUE} when empty. */
  synchronized long nextDeadline() {
    return size == 0 ? Long.MAX_VALUE : tokens[head] + timeoutNanos;
  }

  synchronized void clear() {
    head = 0;
    size = 0;
  }

  private void grow() {
    long[] larger = new long[tokens.length * 2];
    for (int i = 0; i < size; i++) {
      larger[i] = tokens[(head + i) & (tokens.length - 1)];
    }
    tokens = larger;
    head = 0;
  }
}
