package io.pingstream.benchmarks;

import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/** Replies, timeouts and errors seen by probe futures; thread-safe. */
final class OutcomeTally {

  final LongAdder replies = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder errors = new LongAdder();

  /** Counts one future's outcome; an exceptional completion counts as an error. */
  void count(@Nullable PingResult result, @Nullable Throwable error) {
    if (error == null && result != null && result.outcome() == PingOutcome.REPLY) {
      replies.increment();
    } else if (error == null && result != null && result.outcome() == PingOutcome.TIMEOUT) {
      timeouts.increment();
    } else {
      errors.increment();
    }
  }

  void reset() {
    replies.reset();
    timeouts.reset();
    errors.reset();
  }
}
