/**
 * Whole-process benchmark scenarios ({@link io.pingstream.benchmarks.Burst}, {@link
 * io.pingstream.benchmarks.Continuous}, {@link io.pingstream.benchmarks.Scale}, {@link
 * io.pingstream.benchmarks.Latency}) and JMH benchmarks of the codec and of {@code ping()}.
 *
 * <p>Every scenario sends only to loopback addresses ({@link io.pingstream.benchmarks.Targets})
 * and prints one {@code RESULT key=value ...} line that {@code benchmarks/compare.sh} parses.
 * See {@code docs/benchmarks.md}.
 */
@NullMarked
package io.pingstream.benchmarks;

import org.jspecify.annotations.NullMarked;
