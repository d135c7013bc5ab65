/**
 * A Spring WebFlux app on Pingstream: {@code GET /ping/{host}} probes once, {@code GET
 * /ping/{host}/stream} streams results as Server-Sent Events, the configured targets are pinged
 * in the background, and {@code /actuator/prometheus} exports their {@code ping_*} meters.
 *
 * <p>Start with {@link io.pingstream.samples.webflux.PingstreamApplication} and {@code
 * application.yml}.
 */
@NullMarked
package io.pingstream.samples.webflux;

import org.jspecify.annotations.NullMarked;
