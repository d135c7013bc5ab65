/**
 * Pingstream's Reactor API: a {@code Mono} per probe, a paced {@code Flux} per target, one
 * {@code Flux} for many (changing) targets, and statistics over them.
 *
 * <p>Start with {@link io.pingstream.reactor.Pinger}:
 *
 * <pre>{@code
 * try (Pinger pinger = Pinger.create()) {
 *   Optional<Duration> rtt = pinger.ping("localhost").block();
 *
 *   Map<InetAddress, PingStatistics> summary = pinger
 *       .pingAll(targets, StreamOptions.every(Duration.ofSeconds(1)).count(10).rateLimit(100))
 *       .as(PingStatistics::collect)
 *       .block();
 * }
 * }</pre>
 *
 * <p>Everything is cold and cancellable: nothing is sent before subscription, and cancelling
 * forgets the probes in flight. Streams are paced by the clock, not by replies; results of one
 * target come in send order; a subscriber without demand makes streams skip probes instead of
 * buffering them.
 */
@NullMarked
package io.pingstream.reactor;

import org.jspecify.annotations.NullMarked;
