package io.pingstream;

/**
 * Counters of a {@link PingEngine} since it was created: what was sent, what came back, and what
 * was dropped and why. A snapshot; each counter is read atomically, not the whole record.
 *
 * @param sent probes handed to the kernel
 * @param sendErrors probes the kernel refused (completed as {@link ErrorKind#SEND_FAILED})
 * @param replies replies matched to a waiting probe
 * @param timeouts probes that timed out
 * @param icmpErrors probes answered by an ICMP error (unreachable, time exceeded, ...)
 * @param duplicates further replies to a recently answered probe (answered probes are kept in
 *     8,192 slots picked by a hash, so most of the last few thousand are there; a duplicate
 *     whose probe is no longer kept counts as late)
 * @param late replies or errors with this engine's signature whose probe is gone (timed out or
 *     cancelled) or already answered
 * @param foreign echo replies to another process's or engine's probes that reached user space
 *     (RAW sockets drop most of them in the kernel already)
 * @param malformed truncated, inconsistent or wrongly matched packets
 * @param badChecksums RAW IPv4 replies whose checksum does not add up
 * @param otherIcmp other ICMP messages, and errors that do not quote a request of ours
 * @param receiveDropped datagrams the kernel dropped because the receive buffer was full
 *     ({@code SO_RXQ_OVFL}): replies, and also other queued datagrams such as transmit
 *     timestamps; raise {@link PingOptions#receiveBufferSize(int)} if this grows. The kernel
 *     reports its count with the next datagram it delivers, so drops at the end of a burst show
 *     once another reply arrives
 * @param inFlight probes currently waiting for their outcome
 */
public record EngineStats(
    long sent,
    long sendErrors,
    long replies,
    long timeouts,
    long icmpErrors,
    long duplicates,
    long late,
    long foreign,
    long malformed,
    long badChecksums,
    long otherIcmp,
    long receiveDropped,
    long inFlight) {}
