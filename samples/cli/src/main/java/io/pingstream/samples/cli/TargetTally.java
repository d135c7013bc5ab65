package io.pingstream.samples.cli;

import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What the probes of one target came to so far, in constant memory (a run with {@code --loop}
 * never ends): probes, replies, min / avg / max, and the standard deviation and jitter as {@link
 * io.pingstream.reactor.PingStatistics} defines them (population standard deviation; mean
 * absolute difference between consecutive replies). Not thread-safe: {@link Report} guards it.
 */
final class TargetTally {

  private long sent;
  private long received;
  private long duplicates;
  private long minNanos = Long.MAX_VALUE;
  private long maxNanos;
  private long sumNanos;
  /** Welford's running mean and sum of squared differences, for the standard deviation. */
  private double mean;
  private double squares;
  private long lastNanos = -1;
  private double jitterSum;

  /**
   * Counts one result: a reply, a timeout or an error is a probe; a duplicate is counted apart,
   * never as a probe or an RTT.
   *
   * <p>A probe counts once it has its outcome, not when it leaves, as in fping 5.1 (whose
   * stats_add counts "only on receive/timeout, so that we don't get weird loss percentage"): a
   * probe still in flight at Ctrl-C is in no count. fping -l on a silent target interrupted
   * before the first timeout prints 0/0/0%, as this tally does. (fping -c, interrupted once
   * nothing is left to send, does not stop at once: it waits for the earliest pending timeout,
   * prints it as timed out, then stops; a quirk of its event loop, not followed here.)
   */
  void add(PingResult result) {
    if (result.outcome() == PingOutcome.DUPLICATE) {
      duplicates++;
      return;
    }
    sent++;
    if (result.outcome() == PingOutcome.REPLY) {
      addRtt(result.rttNanos());
    }
  }

  private void addRtt(long nanos) {
    received++;
    minNanos = Math.min(minNanos, nanos);
    maxNanos = Math.max(maxNanos, nanos);
    sumNanos += nanos;
    double delta = nanos - mean;
    mean += delta / received;
    squares += delta * (nanos - mean);
    if (lastNanos >= 0) {
      jitterSum += Math.abs(nanos - lastNanos);
    }
    lastNanos = nanos;
  }

  /** Probes with an outcome: replies, timeouts and errors. */
  long sent() {
    return sent;
  }

  /** Probes answered. */
  long received() {
    return received;
  }

  /** Further replies to answered probes. */
  long duplicates() {
    return duplicates;
  }

  /** The loss in whole percent, rounded down as fping does; 0 before the first probe. */
  long lossPercent() {
    return sent == 0 ? 0 : (sent - received) * 100 / sent;
  }

  /** The shortest RTT in nanoseconds, if any reply came. */
  OptionalLong min() {
    return received == 0 ? OptionalLong.empty() : OptionalLong.of(minNanos);
  }

  /** The mean RTT in nanoseconds (rounded down, as fping's), if any reply came. */
  OptionalLong avg() {
    return received == 0 ? OptionalLong.empty() : OptionalLong.of(sumNanos / received);
  }

  /** The longest RTT in nanoseconds, if any reply came. */
  OptionalLong max() {
    return received == 0 ? OptionalLong.empty() : OptionalLong.of(maxNanos);
  }

  /** The population standard deviation of the RTTs in nanoseconds, if any reply came. */
  OptionalDouble stddev() {
    return received == 0 ? OptionalDouble.empty() : OptionalDouble.of(Math.sqrt(squares / received));
  }

  /** The mean absolute difference between consecutive RTTs in nanoseconds, from two replies on. */
  OptionalDouble jitter() {
    return received < 2 ? OptionalDouble.empty() : OptionalDouble.of(jitterSum / (received - 1));
  }
}
