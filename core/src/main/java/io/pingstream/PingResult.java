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
 * <p>Immutable. {@link #sequence()} is the ICMP sequence number on the wire (0..65535), or -1
 * for a probe refused before it got one.
 */
public final class PingResult {

  private final InetAddress target;
  private final int sequence;
  private final Instant sentAt;
  private final PingOutcome outcome;
  private final long rttNanos;
  private final int bytes;
  private final int ttl;
  private final @Nullable TimestampSource timestampSource;
  private final @Nullable ErrorKind errorKind;
  private final @Nullable Throwable error;

  private PingResult(
      InetAddress target,
      int sequence,
      Instant sentAt,
      PingOutcome outcome,
      long rttNanos,
      int bytes,
      int ttl,
      @Nullable TimestampSource timestampSource,
      @Nullable ErrorKind errorKind,
      @Nullable Throwable error) {
    this.target = Objects.requireNonNull(target, "target");
    this.sequence = sequence;
    this.sentAt = Objects.requireNonNull(sentAt, "sentAt");
    this.outcome = outcome;
    this.rttNanos = rttNanos;
    this.bytes = bytes;
    this.ttl = ttl;
    this.timestampSource = timestampSource;
    this.errorKind = errorKind;
    this.error = error;
  }

  /**
   * A reply measured by the JVM's clock.
   *
   * @param bytes the ICMP message length of the reply (header and payload)
   * @param ttl the reply's TTL / hop limit, or -1 when unknown
   */
  public static PingResult reply(InetAddress target, int sequence, Instant sentAt, Duration rtt, int bytes, int ttl) {
    return reply(target, sequence, sentAt, rtt, bytes, ttl, TimestampSource.USER);
  }

  /**
   * A reply.
   *
   * @param bytes the ICMP message length of the reply (header and payload)
   * @param ttl the reply's TTL / hop limit, or -1 when unknown
   * @param source the clock that measured {@code rtt}
   */
  public static PingResult reply(
      InetAddress target, int sequence, Instant sentAt, Duration rtt, int bytes, int ttl, TimestampSource source) {
    return answer(PingOutcome.REPLY, target, sequence, sentAt, rtt, bytes, ttl, source);
  }

  /** A further reply to a probe that already had one; see {@link PingOutcome#DUPLICATE}. */
  public static PingResult duplicate(
      InetAddress target, int sequence, Instant sentAt, Duration rtt, int bytes, int ttl, TimestampSource source) {
    return answer(PingOutcome.DUPLICATE, target, sequence, sentAt, rtt, bytes, ttl, source);
  }

  private static PingResult answer(
      PingOutcome outcome, InetAddress target, int sequence, Instant sentAt, Duration rtt, int bytes, int ttl, TimestampSource source) {
    if (rtt.isNegative()) {
      throw new IllegalArgumentException("rtt must not be negative, was " + rtt);
    }
    Objects.requireNonNull(source, "source");
    return new PingResult(target, sequence, sentAt, outcome, rtt.toNanos(), bytes, ttl, source, null, null);
  }

  /** A timeout. */
  public static PingResult timeout(InetAddress target, int sequence, Instant sentAt) {
    return new PingResult(target, sequence, sentAt, PingOutcome.TIMEOUT, -1, 0, -1, null, null, null);
  }

  /**
   * An error. Its kind is that of an {@link IcmpErrorException} cause, else {@link
   * ErrorKind#SEND_FAILED}.
   */
  public static PingResult error(InetAddress target, int sequence, Instant sentAt, Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    ErrorKind kind = cause instanceof IcmpErrorException icmp ? icmp.kind() : ErrorKind.SEND_FAILED;
    return new PingResult(target, sequence, sentAt, PingOutcome.ERROR, -1, 0, -1, null, kind, cause);
  }

  /** The address the probe was sent to. */
  public InetAddress target() {
    return target;
  }

  /** The ICMP sequence number of the probe; -1 when the probe was refused before it got one. */
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

  /** The round-trip time of a reply or duplicate; empty otherwise. */
  public Optional<Duration> rtt() {
    return rttNanos >= 0 ? Optional.of(Duration.ofNanos(rttNanos)) : Optional.empty();
  }

  /** Which clock measured {@link #rtt()}; empty without an RTT. */
  public Optional<TimestampSource> timestampSource() {
    return Optional.ofNullable(timestampSource);
  }

  /** The round-trip time of a reply or duplicate in nanoseconds; -1 otherwise. */
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

  /** Why an {@link PingOutcome#ERROR} happened; empty otherwise. */
  public Optional<ErrorKind> errorKind() {
    return Optional.ofNullable(errorKind);
  }

  /**
   * The cause of an {@link PingOutcome#ERROR}: an {@link IcmpErrorException} for ICMP errors, a
   * {@link NativeIoException} for send failures, a {@link TargetRefusedException} for a target
   * refused before sending (in the Reactor API's paced streams); empty otherwise.
   */
  public Optional<Throwable> error() {
    return Optional.ofNullable(error);
  }

  @Override
  public String toString() {
    String head = "PingResult{" + AddressText.of(target) + " seq=" + sequence + " " + outcome;
    switch (outcome) {
      case REPLY:
      case DUPLICATE:
        return head + " rtt=" + Duration.ofNanos(rttNanos) + " (" + timestampSource + ") bytes=" + bytes
            + (ttl < 0 ? "" : " ttl=" + ttl) + "}";
      case ERROR:
        return head + " " + errorKind + ": " + (error == null ? "" : error.getMessage()) + "}";
      default:
        return head + "}";
    }
  }
}
