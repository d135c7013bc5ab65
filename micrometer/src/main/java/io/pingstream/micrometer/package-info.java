/**
 * Pingstream's Micrometer binding: per-target RTT timers, counters and loss gauges, and the
 * engine's own gauges, with names listed in {@link io.pingstream.micrometer.PingMeterNames}.
 *
 * <p>Start with {@link io.pingstream.micrometer.PingMetrics}.
 */
@NullMarked
package io.pingstream.micrometer;

import org.jspecify.annotations.NullMarked;
