/**
 * Pingstream's Micrometer binding: RTT and loss as meters. Being built; see the project's issues.
 */
@NullMarked
package io.pingstream.micrometer;

import org.jspecify.annotations.NullMarked;
