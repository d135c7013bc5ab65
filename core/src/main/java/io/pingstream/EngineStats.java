package io.pingstream;

/**
 * Counters of a {@link PingEngine} since it was created: what was sent, what came back, and what
 * was dropped and why. A snapshot; each counter is read atomically, not the whole record.
 *
 * @param sent probes handed to the kernel
 * @param sendErrors probes the kernel refused (completed as {@link PingOutcome#ERROR})
 * @param replies replies matched to a waiting probe
 * @param timeouts probes that timed out
 * @param duplicates further replies to a probe that already had one (before its deadline)
 * @param late replies with this engine's signature whose probe is gone (timed out or cancelled)
 * @param foreign echo replies to another process's or engine's probes
 * @param malformed truncated, inconsistent or wrongly matched packets
 * @param badChecksums RAW IPv4 replies whose checksum does not add up
 * @param otherIcmp other ICMP messages a RAW socket let through (errors, for now ignored)
 * @param inFlight probes currently waiting for their reply
 */
public record EngineStats(
    long sent,
    long sendErrors,
    long replies,
    long timeouts,
    long duplicates,
    long late,
    long foreign,
    long malformed,
    long badChecksums,
    long otherIcmp,
    long inFlight) {}
