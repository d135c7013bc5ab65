package io.pingstream;

/** What happened to one probe. */
public enum PingOutcome {
  /** An echo reply came back within the timeout; the result has an RTT, never above the timeout. */
  REPLY,
  /**
   * No reply within the timeout. A reply that comes later is counted as late and ignored, also
   * one read before the probe's timeout was reported; one that came in time counts, even if the
   * receive thread reads it late (held by a GC pause or a throttled CPU).
   */
  TIMEOUT,
  /**
   * The probe could not be sent, or an ICMP error answered it; {@link PingResult#errorKind()}
   * says which and {@link PingResult#error()} has the cause.
   */
  ERROR,
  /**
   * A further reply to a probe that already had one, with its own RTT. Never the outcome of a
   * probe's future: only {@link PingEngine#results()} reports duplicates, so that they are
   * counted without being mistaken for a new measurement.
   */
  DUPLICATE
}
