package io.pingstream;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one echo probe: a reply with its RTT, a timeout, or an error with its cause.
 *
 * <p>Immutable. {@link #sequence()} is the ICMP sequence number on the wire (0..65535).
 */
public final class PingResult {

  private final InetAddress target;
  private final int sequence;
  private final Instant sentAt;
  private final PingOutcome outcome;
  private final long rttNanos;
  private final int bytes;
  private final int ttl;
  private final @Nullable Throwable error;

  private PingResult(
      InetAddress target, int sequence, Instant sentAt, PingOutcome outcome, long rttNanos, int bytes, int ttl, @Nullable Throwable error) {
    this.target = Objects.requireNonNull(target, "target");
    this.sequence = sequence;
    this.sentAt = Objects.requireNonNull(sentAt, "sentAt");
    this.outcome = outcome;
    this.rttNanos = rttNanos;
    this.bytes = bytes;
    this.ttl = ttl;
    this.error = error;
  }

  /**
   * A reply.
   *
   * @param bytes the ICMP message length of the reply (header and payload)
   * @param ttl the reply's TTL / hop limit, or -1 when unknown
   */
  public static PingResult reply(InetAddress target, int sequence, Instant sentAt, Duration rtt, int bytes, int ttl) {
    if (rtt.isNegative()) {
      throw new IllegalArgumentException("rtt must not be negative, was " + rtt);
    }
    return new PingResult(target, sequence, sentAt, PingOutcome.REPLY, rtt.toNanos(), bytes, ttl, null);
  }

  /** A timeout. */
  public static PingResult timeout(InetAddress target, int sequence, Instant sentAt) {
    return new PingResult(target, sequence, sentAt, PingOutcome.TIMEOUT, -1, 0, -1, null);
  }

  /** An error, such as a send failure. */
  public static PingResult error(InetAddress target, int sequence, Instant sentAt, Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    return new PingResult(target, sequence, sentAt, PingOutcome.ERROR, -1, 0, -1, cause);
  }

  /** The address the probe was sent to. */
  public InetAddress target() {
    return target;
  }

  /** The ICMP sequence number of the probe. */
  public int sequence() {
    return sequence;
  }

  /** When the probe was sent (wall clock). */
  public Instant sentAt() {
    return sentAt;
  }

  /** What happened. */
  public PingOutcome outcome() {
    return outcome;
  }

  /** True for {@link PingOutcome#REPLY}. */
  public boolean isReply() {
    return outcome == PingOutcome.REPLY;
  }

  /** The round-trip time of a reply; empty otherwise. */
  public Optional<Duration> rtt() {
    return outcome == PingOutcome.REPLY ? Optional.of(Duration.ofNanos(rttNanos)) : Optional.empty();
  }

  /** The round-trip time of a reply in nanoseconds; -1 otherwise. */
  public long rttNanos() {
    return rttNanos;
  }

  /** The ICMP message length of the reply in bytes; 0 without a reply. */
  public int bytes() {
    return bytes;
  }

  /** The reply's TTL (IPv4) or hop limit (IPv6), when the socket reported it. */
  public OptionalInt replyTtl() {
    return ttl < 0 ? OptionalInt.empty() : OptionalInt.of(ttl);
  }

  /** The cause of an {@link PingOutcome#ERROR}; empty otherwise. */
  public Optional<Throwable> error() {
    return Optional.ofNullable(error);
  }

  @Override
  public String toString() {
    String head = "PingResult{" + target.getHostAddress() + " seq=" + sequence + " " + outcome;
    switch (outcome) {
      case REPLY:
        return head + " rtt=" + Duration.ofNanos(rttNanos) + " bytes=" + bytes + (ttl < 0 ? "" : " ttl=" + ttl) + "}";
      case ERROR:
        return head + " error=" + error + "}";
      default:
        return head + "}";
    }
  }
}
