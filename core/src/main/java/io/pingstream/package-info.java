/**
 * Pingstream core: an ICMP echo engine over shared RAW or DGRAM sockets.
 *
 * <p>Start with {@link io.pingstream.PingEngine#create(io.pingstream.PingOptions)}; most
 * applications use the Reactor API in {@code io.pingstream.reactor} instead.
 */
@NullMarked
package io.pingstream;

import org.jspecify.annotations.NullMarked;
