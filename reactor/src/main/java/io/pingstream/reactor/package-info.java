/**
 * Pingstream's Reactor API: a {@code Mono} per probe and {@code Flux} streams per target. Being
 * built; see the project's issues.
 */
@NullMarked
package io.pingstream.reactor;

import org.jspecify.annotations.NullMarked;
