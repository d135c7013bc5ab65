package io.pingstream;

/** What happened to one probe. */
public enum PingOutcome {
  /** An echo reply came back before the timeout; the result has an RTT. */
  REPLY,
  /** No reply within the timeout. A reply that comes later is counted as late and ignored. */
  TIMEOUT,
  /** The probe could not be sent (or was answered by an error); the result has the cause. */
  ERROR
}
