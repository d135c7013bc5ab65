package io.pingstream.micrometer;

/** The latest N outcomes of one target, as lost or answered; thread-safe. */
final class LossWindow {

  private final boolean[] lost;
  private int next;
  private int size;
  private int lostCount;

  LossWindow(int capacity) {
    lost = new boolean[capacity];
  }

  synchronized void record(boolean wasLost) {
    if (size == lost.length) {
      if (lost[next]) {
        lostCount--;
      }
    } else {
      size++;
    }
    lost[next] = wasLost;
    if (wasLost) {
      lostCount++;
    }
    next = (next + 1) % lost.length;
  }

  /** Lost outcomes over all in the window; NaN before the first outcome. */
  synchronized double ratio() {
    return size == 0 ? Double.NaN : (double) lostCount / size;
  }
}
