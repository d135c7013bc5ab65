package io.pingstream.samples.cli;

import io.pingstream.ErrorKind;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Prints results as they come, in fping's lines, keeps each target's tally, and prints the
 * summary once: at the end, or from the shutdown hook on Ctrl-C, whichever comes first.
 *
 * <p>Results come on the engine's threads; every method is synchronized, so lines never
 * interleave and nothing is printed after the summary.
 *
 * <p>A {@link PrintStream} never throws: a write to a closed pipe ({@code pingstream -l ... |
 * head -2}) only sets its error flag. The report checks both streams after printing and, once
 * one is broken, prints nothing more and reports it ({@link #outputBroken()}), so that the run
 * stops, as fping dies of SIGPIPE.
 */
final class Report {

  /** What the run prints, as fping without and with {@code -c}. */
  enum Mode {
    /** One probe per target: {@code NAME is alive}, or {@code NAME is unreachable} at the end. */
    ALIVE,
    /** A line per probe on stdout, a summary per target on stderr at the end. */
    COUNT
  }

  /**
   * One target: the name as the user wrote it, the address it resolved to, and how many of the
   * names given resolved to that address (pinged once, yet each counts as a host for {@code -x},
   * as in fping).
   */
  record Target(String name, InetAddress address, int names) {

    Target(String name, InetAddress address) {
      this(name, address, 1);
    }
  }

  /**
   * What to print, as fping's {@code -q}, {@code -a}, {@code -u}, {@code -e} and {@code -C}.
   *
   * @param quiet no line per probe; without {@code -c}, no line at all
   * @param alive list the targets that answered, by name alone (fping {@code -a}); with {@code
   *     -c}, no line per probe
   * @param unreachable list the targets that did not, by name alone (fping {@code -u}); with
   *     {@code -c}, no line per probe
   * @param elapsed add the round trip to the line of a target that answered (fping {@code -e})
   * @param roundTrips a summary that lists each probe's round trip (fping {@code -C})
   * @param timestamps each probe's line starts with the time it is printed (fping {@code -D})
   * @param reachable with more than 0, the run ends with whether at least this many targets
   *     answered, which is also its exit status (fping {@code -x})
   * @param terse no line per probe, nor "is alive" / "is unreachable" lines, as {@code -a} and
   *     {@code -u}: fping's {@code -x} outside loop mode (it turns off fping's verbose_flag, not
   *     {@code -q}: ICMP errors still print, and with {@code -l} so does each probe's line)
   */
  record Display(
      boolean quiet, boolean alive, boolean unreachable, boolean elapsed, boolean roundTrips, boolean timestamps, int reachable,
      boolean terse) {

    /** As fping's {@code -x} outside loop mode: terse whenever {@code reachable} is set. */
    Display(boolean quiet, boolean alive, boolean unreachable, boolean elapsed, boolean roundTrips, boolean timestamps, int reachable) {
      this(quiet, alive, unreachable, elapsed, roundTrips, timestamps, reachable, reachable > 0);
    }

    /** With {@code -a}, {@code -u} or {@code -x} fping prints no line per probe, nor "is alive" lines. */
    boolean lists() {
      return alive || unreachable || terse;
    }

    /** Whether a line per probe is printed: with {@code -c}, unless quiet or listing. */
    boolean probeLines() {
      return !quiet && !lists();
    }
  }

  private static final DateTimeFormatter SPLIT_TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  /** How many recent probes of a target remember their sequence, to number duplicates. */
  private static final int REMEMBERED_SEQUENCES = 1024;

  private final Mode mode;
  private final Display display;
  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;
  private final Map<AddressKey, Entry> entries = new LinkedHashMap<>();
  private boolean finished;
  private boolean broken;

  Report(List<Target> targets, Mode mode, Display display, PrintStream out, PrintStream err) {
    this(targets, mode, display, out, err, Clock.systemUTC());
  }

  /** With the clock of {@code -D}'s timestamps, for tests. */
  Report(List<Target> targets, Mode mode, Display display, PrintStream out, PrintStream err, Clock clock) {
    this.clock = clock;
    this.mode = mode;
    this.display = display;
    this.out = out;
    this.err = err;
    int width = targets.stream().mapToInt(target -> target.name().length()).max().orElse(0);
    for (Target target : targets) {
      entries.put(AddressKey.of(target.address()), new Entry(target.name(), FpingFormat.pad(target.name(), width), target.names()));
    }
  }

  /** Counts and prints the outcome of one probe; its target's results must come in send order. */
  synchronized void result(PingResult result) {
    Entry entry = entries.get(AddressKey.of(result.target()));
    if (finished || entry == null) {
      return;
    }
    record(entry, result);
    checkOutput();
  }

  private void record(Entry entry, PingResult result) {
    if (result.outcome() == PingOutcome.DUPLICATE) {
      duplicateOf(entry, result);
      return;
    }
    long index = entry.tally.sent();
    entry.tally.add(result);
    entry.split.add(result);
    if (display.roundTrips()) {
      entry.roundTrips.append(' ').append(result.outcome() == PingOutcome.REPLY ? FpingFormat.millis(result.rttNanos()) : "-");
    }
    entry.sequences.put(result.sequence(), index);
    if (mode == Mode.ALIVE) {
      printAlive(entry, result);
      return;
    }
    if (display.probeLines() && !isSendFailure(result)) {
      printResult(entry, index, result);
    } else if (printsError(result)) {
      err.println(FpingFormat.error(entry.name, result));
    }
    // Duplicates that overtook this result on the way here, now that it has its number.
    List<PingResult> early = entry.early.remove(result.sequence());
    if (early != null && mode == Mode.COUNT) {
      early.forEach(duplicate -> err.println(FpingFormat.duplicate(entry.padded, index, duplicate)));
    }
  }

  private void printResult(Entry entry, long index, PingResult result) {
    switch (result.outcome()) {
      case REPLY -> out.println(timestamp() + FpingFormat.reply(entry.padded, index, result, entry.tally));
      case TIMEOUT -> out.println(timestamp() + FpingFormat.timeout(entry.padded, index, entry.tally));
      default -> { // an ICMP error; a probe that could not be sent has no line (see printsError)
        err.println(FpingFormat.error(entry.name, result));
        // fping waits out the probe's timeout after an ICMP error, then prints it as timed out.
        out.println(timestamp() + FpingFormat.timeout(entry.padded, index, entry.tally));
      }
    }
  }

  /** With {@code -D}, the time now as fping 5.1 prints it before a probe's line; else nothing. */
  private String timestamp() {
    return display.timestamps() ? FpingFormat.timestamp(clock.instant()) + " " : "";
  }

  /** Without {@code -c}: {@code NAME is alive}, or {@code NAME} alone with {@code -a}; errors. */
  private void printAlive(Entry entry, PingResult result) {
    if (result.outcome() == PingOutcome.REPLY) {
      String elapsed = display.elapsed() ? " (" + FpingFormat.millis(result.rttNanos()) + " ms)" : "";
      if (display.lists()) {
        if (display.alive()) {
          out.println(entry.name + elapsed);
        }
      } else if (!display.quiet()) {
        out.println(FpingFormat.alive(entry.name) + elapsed);
      }
    } else if (printsError(result)) {
      err.println(FpingFormat.error(entry.name, result));
    }
  }

  private static boolean isError(PingResult result) {
    return result.outcome() != PingOutcome.REPLY && result.outcome() != PingOutcome.TIMEOUT;
  }

  /** A probe the kernel refused to send (sendto failed), rather than one an ICMP error answered. */
  static boolean isSendFailure(PingResult result) {
    return result.outcome() == PingOutcome.ERROR && result.errorKind().orElse(null) == ErrorKind.SEND_FAILED;
  }

  /**
   * Whether the error line of {@code result} is printed, as fping 5.1 prints it (compared in a
   * network namespace): an ICMP error unless {@code -q}; a probe that could not be sent (an
   * unreachable, prohibit or blackhole route, no route at all) only without {@code -c}, {@code
   * -C}, {@code -l}, {@code -q}, {@code -a} and {@code -u}, all of which turn off fping's
   * verbose_flag. Such a probe counts as sent and lost, yet gets no "timed out" line: fping
   * never waits for it.
   */
  private boolean printsError(PingResult result) {
    if (!isError(result) || display.quiet()) {
      return false;
    }
    return !isSendFailure(result) || mode == Mode.ALIVE && !display.lists();
  }

  /**
   * Counts and prints a further reply to an answered probe, as {@link
   * io.pingstream.PingEngine#results()} reports them; other outcomes are ignored here.
   */
  synchronized void duplicate(PingResult result) {
    Entry entry = entries.get(AddressKey.of(result.target()));
    if (finished || entry == null || result.outcome() != PingOutcome.DUPLICATE) {
      return;
    }
    duplicateOf(entry, result);
    checkOutput();
  }

  /** Whether a stream was found broken; then nothing more is printed, and the run should stop. */
  synchronized boolean outputBroken() {
    return broken;
  }

  /** Notes a stream that could not be written (a closed pipe): the report is done. */
  private void checkOutput() {
    if (out.checkError() || err.checkError()) { // each flushes first
      broken = true;
      finished = true;
    }
  }

  private void duplicateOf(Entry entry, PingResult duplicate) {
    entry.tally.add(duplicate);
    entry.split.add(duplicate);
    if (!display.probeLines() || mode != Mode.COUNT) {
      return;
    }
    Long index = entry.sequences.get(duplicate.sequence());
    if (index != null) {
      err.println(FpingFormat.duplicate(entry.padded, index, duplicate));
    } else {
      // The engine reports a duplicate at once, and the reply it duplicates may still be on its
      // way through the ordered stream: it is printed when the reply is.
      entry.early.computeIfAbsent(duplicate.sequence(), sequence -> new ArrayList<>()).add(duplicate);
    }
  }

  /**
   * With {@code -c} or {@code -l}: prints a line with the local {@code time}, then each target's
   * summary of the probes since the last such call (or the start), on stderr, as fping's {@code
   * -Q}; nothing once the summary is printed.
   */
  synchronized void printSplits(LocalTime time) {
    if (finished || mode != Mode.COUNT) {
      return;
    }
    err.println("[" + SPLIT_TIME.format(time) + "]");
    for (Entry entry : entries.values()) {
      err.println(FpingFormat.summary(entry.padded, entry.split));
      entry.split = new TargetTally();
    }
    checkOutput();
  }

  /**
   * Prints the summary, once: returns false when it was printed already (the run ended and
   * Ctrl-C came, or the other way round). With {@code -c}: a blank line after the probes' lines,
   * as fping, then a line per target on stderr (with {@code -C}: its round trips). Without: {@code NAME is unreachable} on stdout
   * for every target that did not answer, or {@code NAME} alone with {@code -u}.
   */
  synchronized boolean finish() {
    if (finished) {
      return false;
    }
    finished = true;
    out.flush();
    if (mode == Mode.COUNT) {
      if (display.probeLines()) {
        err.println();
      }
      entries.values().forEach(entry -> err.println(display.roundTrips()
          ? entry.padded + " :" + entry.roundTrips
          : FpingFormat.summary(entry.padded, entry.tally)));
    } else if (display.lists() ? display.unreachable() : !display.quiet()) {
      entries.values().stream().filter(entry -> entry.tally.received() == 0)
          .forEach(entry -> out.println(display.lists() ? entry.name : FpingFormat.unreachable(entry.name)));
    }
    if (display.reachable() > 0) {
      out.println(FpingFormat.reachable(display.reachable(), answered()));
    }
    checkOutput();
    return true;
  }

  /** How many of the names given answered: a second name of an address answers with it (fping counts hosts). */
  private long answered() {
    return entries.values().stream().filter(entry -> entry.tally.received() > 0).mapToLong(entry -> entry.names).sum();
  }

  /** Whether {@code -x}'s verdict, rather than the targets that failed to resolve, decides the exit status, as in fping. */
  boolean hasVerdict() {
    return display.reachable() > 0;
  }

  /**
   * {@link ExitStatus#OK} when every target answered at least once (with {@code -x N}: at least
   * N targets), else {@link ExitStatus#SOME_SILENT}; {@link ExitStatus#BROKEN_PIPE} once a stream
   * was found broken.
   */
  synchronized int exitStatus() {
    if (broken) {
      return ExitStatus.BROKEN_PIPE;
    }
    long required = display.reachable() > 0 ? display.reachable() : entries.values().stream().mapToLong(entry -> entry.names).sum();
    return answered() >= required ? ExitStatus.OK : ExitStatus.SOME_SILENT;
  }

  /** One line on the progress so far: {@code 12 probes to 3 targets, 10 replies, 16% loss}. */
  synchronized String progress() {
    long sent = 0;
    long received = 0;
    for (Entry entry : entries.values()) {
      sent += entry.tally.sent();
      received += entry.tally.received();
    }
    long loss = sent == 0 ? 0 : (sent - received) * 100 / sent;
    return plural(sent, "probe") + " to " + plural(entries.size(), "target") + ", " + plural(received, "reply")
        + ", " + loss + "% loss";
  }

  private static String plural(long count, String noun) {
    return count + " " + (count == 1 ? noun : noun.endsWith("y") ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s");
  }

  /** The tally of {@code target}, for tests. */
  synchronized @Nullable TargetTally tally(InetAddress target) {
    Entry entry = entries.get(AddressKey.of(target));
    return entry == null ? null : entry.tally;
  }

  private static final class Entry {
    final String name;
    final String padded;
    /** How many names given resolved to this target's address. */
    final int names;
    final TargetTally tally = new TargetTally();
    /** The probes since the last {@link #printSplits}. */
    TargetTally split = new TargetTally();
    /** With {@code -C}: " 0.051 -" and so on, a round trip or a dash per probe. */
    final StringBuilder roundTrips = new StringBuilder();
    /** ICMP sequence to the per-target probe index, for the latest probes. */
    final Map<Integer, Long> sequences = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, Long> eldest) {
        return size() > REMEMBERED_SEQUENCES;
      }
    };
    /** Duplicates of probes whose result has not come yet, by sequence. */
    final Map<Integer, List<PingResult>> early = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, List<PingResult>> eldest) {
        return size() > REMEMBERED_SEQUENCES;
      }
    };

    Entry(String name, String padded, int names) {
      this.name = name;
      this.padded = padded;
      this.names = names;
    }
  }
}
