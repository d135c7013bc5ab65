package io.pingstream.reactor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pacing clocks of one timebase, one per {@link PacingClock#slack slack}, shared by every
 * paced stream of a {@link Pinger}: streams started one by one batch their probes together as
 * well as the targets of one {@code pingAll}. A clock without tickers schedules nothing.
 */
final class PacingClocks {

  private final Timebase time;
  private final Map<Duration, PacingClock> bySlack = new ConcurrentHashMap<>();

  PacingClocks(Timebase time) {
    this.time = time;
  }

  Timebase time() {
    return time;
  }

  /** The clock for streams with {@code interval}. */
  PacingClock forInterval(Duration interval) {
    return bySlack.computeIfAbsent(PacingClock.slack(interval), slack -> new PacingClock(time, slack));
  }
}
