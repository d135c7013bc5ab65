package io.pingstream.internal.engine;

import io.pingstream.EngineStats;
import java.util.concurrent.atomic.AtomicLongArray;

/** The engine's event counters. Not API. */
final class Counters {

  enum Event {
    SENT, SEND_ERROR, REPLY, TIMEOUT, ICMP_ERROR, DUPLICATE, LATE, FOREIGN, MALFORMED, BAD_CHECKSUM, OTHER_ICMP, RECEIVE_DROPPED
  }

  private final AtomicLongArray counts = new AtomicLongArray(Event.values().length);

  void add(Event event) {
    counts.incrementAndGet(event.ordinal());
  }

  void add(Event event, long delta) {
    counts.addAndGet(event.ordinal(), delta);
  }

  long get(Event event) {
    return counts.get(event.ordinal());
  }

  EngineStats snapshot(long inFlight) {
    return new EngineStats(
        get(Event.SENT), get(Event.SEND_ERROR), get(Event.REPLY), get(Event.TIMEOUT), get(Event.ICMP_ERROR),
        get(Event.DUPLICATE), get(Event.LATE), get(Event.FOREIGN), get(Event.MALFORMED), get(Event.BAD_CHECKSUM),
        get(Event.OTHER_ICMP), get(Event.RECEIVE_DROPPED), inFlight);
  }
}
