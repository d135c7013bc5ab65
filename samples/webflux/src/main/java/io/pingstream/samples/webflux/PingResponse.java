package io.pingstream.samples.webflux;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.pingstream.AddressText;
import io.pingstream.ErrorKind;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import io.pingstream.TimestampSource;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of one probe's result. Fields without a value are left out, except {@code
 * rttSeconds}, which is {@code null} on a timeout or an error so that clients always find it.
 *
 * <pre>{@code
 * {"host":"localhost","address":"127.0.0.1","rttSeconds":4.1E-5,"outcome":"REPLY",
 *  "sequence":3,"bytes":44,"ttl":64,"timestampSource":"KERNEL"}
 * }</pre>
 *
 * @param host the host as the client gave it
 * @param address the address probed
 * @param rttSeconds the round-trip time of a reply, in seconds
 * @param outcome {@code REPLY}, {@code TIMEOUT} or {@code ERROR}
 * @param sequence the ICMP sequence number of the probe
 * @param bytes the ICMP length of the reply: 44 for the default 64-byte IPv4 packet (its IP
 *     header is the other 20)
 * @param ttl the reply's TTL (IPv4) or hop limit (IPv6), when the socket reported it
 * @param timestampSource which clock measured the RTT
 * @param errorKind why the probe ended in an error
 * @param error the error's message
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"host", "address", "rttSeconds", "outcome", "sequence", "bytes", "ttl", "timestampSource", "errorKind", "error"})
public record PingResponse(
    String host,
    String address,
    @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable Double rttSeconds,
    PingOutcome outcome,
    int sequence,
    @Nullable Integer bytes,
    @Nullable Integer ttl,
    @Nullable TimestampSource timestampSource,
    @Nullable ErrorKind errorKind,
    @Nullable String error) {

  /** The JSON of {@code result}, a probe of {@code host}. */
  public static PingResponse of(String host, PingResult result) {
    boolean answered = result.rttNanos() >= 0;
    return new PingResponse(
        host,
        AddressText.of(result.target()),
        answered ? result.rttNanos() / 1e9 : null,
        result.outcome(),
        result.sequence(),
        answered ? result.bytes() : null,
        result.replyTtl().isPresent() ? result.replyTtl().getAsInt() : null,
        result.timestampSource().orElse(null),
        result.errorKind().orElse(null),
        result.error().map(PingResponse::message).orElse(null));
  }

  private static String message(Throwable error) {
    return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
  }
}
