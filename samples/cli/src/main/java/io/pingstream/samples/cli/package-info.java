/**
 * {@code pingstream}, an fping-style command-line tool built on the Reactor API: {@link
 * io.pingstream.samples.cli.PingstreamCli} is the shaded jar's main class.
 *
 * <pre>java -jar samples/target/pingstream.jar -c 3 127.0.0.1 ::1</pre>
 */
@NullMarked
package io.pingstream.samples.cli;

import org.jspecify.annotations.NullMarked;
