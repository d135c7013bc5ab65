package io.pingstream.reactor;

import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import java.util.Arrays;

/** Counts the outcomes of one target's results and keeps its RTTs in arrival order. Not thread-safe. */
final class RttTally {

  long sent;
  long timeouts;
  long errors;
  long duplicates;
  private long[] rtts = new long[16];
  private int received;

  void add(PingResult result) {
    if (result.outcome() == PingOutcome.DUPLICATE) {
      duplicates++; // an extra reply to a probe already counted: no new probe, no new RTT
      return;
    }
    sent++;
    if (result.outcome() == PingOutcome.REPLY) {
      if (received == rtts.length) {
        rtts = Arrays.copyOf(rtts, received * 2);
      }
      rtts[received++] = result.rttNanos();
    } else if (result.outcome() == PingOutcome.TIMEOUT) {
      timeouts++;
    } else {
      errors++;
    }
  }

  int received() {
    return received;
  }

  /** A copy of the RTTs, in nanoseconds, in arrival order. */
  long[] rtts() {
    return Arrays.copyOf(rtts, received);
  }
}
