package io.pingstream;

import java.net.InetAddress;

/**
 * Receives every probe event of an engine, for metrics. The core knows nothing of any metrics
 * library: {@code pingstream-micrometer} implements this interface with Micrometer meters.
 *
 * <p>Calls come from the engine's receive thread (replies, timeouts, ICMP errors, duplicates)
 * and from the threads that send (sends, send failures), possibly at the same time:
 * implementations must be thread-safe, and fast, since they run on the receive path.
 * What they throw is logged and otherwise ignored, {@code Error}s too, except a {@link
 * VirtualMachineError} (such as {@link OutOfMemoryError}): from a send it reaches the caller of
 * {@code ping}, and on the receive thread it closes the engine. No probe is left without its
 * outcome either way.
 */
public interface PingRecorder {

  /** A recorder that records nothing; the default. */
  PingRecorder NOOP = new PingRecorder() {};

  /** A probe to {@code target} was handed to the kernel (or refused by it). */
  default void recordSent(InetAddress target) {}

  /** A probe's outcome, or a duplicate reply ({@link PingOutcome#DUPLICATE}). */
  default void recordResult(PingResult result) {}

  /**
   * {@code target} is no longer monitored: forget what is kept for it (e.g. remove its meters).
   * Called by whoever manages the set of targets, such as the Reactor API's dynamic target
   * streams; the engine itself never knows when a target is done. A late duplicate reply may
   * still be recorded for the target afterwards: it should not bring back what was forgotten.
   */
  default void targetRemoved(InetAddress target) {}
}
