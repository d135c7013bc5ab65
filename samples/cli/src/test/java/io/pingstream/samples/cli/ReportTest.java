package io.pingstream.samples.cli;

import static io.pingstream.samples.cli.Results.LOOPBACK;
import static io.pingstream.samples.cli.Results.LOOPBACK6;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  private Report report(Report.Mode mode, boolean quiet) {
    return report(mode, new Report.Display(quiet, false, false, false, false, false, 0));
  }

  private Report report(Report.Mode mode, Report.Display display) {
    return new Report(
        List.of(new Report.Target("127.0.0.1", LOOPBACK), new Report.Target("::1", LOOPBACK6)),
        mode, display,
        new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return stderr.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withTimestampsEachProbesLineStartsWithTheTimeItWasPrintedAsFpingDashD() {
    var clock = Clock.fixed(Instant.ofEpochSecond(1_795_794_013, 726_929_999), ZoneOffset.UTC);
    Report report = new Report(List.of(new Report.Target("127.0.0.1", LOOPBACK)), Report.Mode.COUNT,
        new Report.Display(false, false, false, false, false, true, 0),
        new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8), clock);
    report.result(Results.reply(LOOPBACK, 11, 15));
    report.result(Results.timeout(LOOPBACK, 12));
    report.finish();

    assertThat(out()).isEqualTo(String.join("\n",
        "[1795794013.72692] 127.0.0.1 : [0], 64 bytes, 0.015 ms (0.015 avg, 0% loss)",
        "[1795794013.72692] 127.0.0.1 : [1], timed out (0.015 avg, 50% loss)",
        ""));
    assertThat(err()).doesNotContain("[1795794013"); // as fping 5.1: the summary has no time
  }

  @Test
  void splitsSummariseTheProbesSinceTheLastSplitAfterTheTimeAsFpingDashQ() {
    Report report = report(Report.Mode.COUNT, new Report.Display(true, false, false, false, false, false, 0));
    report.result(Results.reply(LOOPBACK, 11, 15));
    report.result(Results.reply(LOOPBACK, 12, 25));
    report.printSplits(LocalTime.of(15, 40, 14));
    report.result(Results.timeout(LOOPBACK, 13));
    report.result(Results.reply(LOOPBACK6, 14, 35));
    report.printSplits(LocalTime.of(15, 40, 15, 999_000_000));
    report.finish();
    report.printSplits(LocalTime.of(15, 40, 16)); // after the summary: nothing

    assertThat(out()).isEmpty();
    assertThat(err()).isEqualTo(String.join("\n",
        "[15:40:14]",
        "127.0.0.1 : xmt/rcv/%loss = 2/2/0%, min/avg/max = 0.015/0.020/0.025, stddev/jitter = 0.005/0.010",
        "::1       : xmt/rcv/%loss = 0/0/0%",
        "[15:40:15]",
        "127.0.0.1 : xmt/rcv/%loss = 1/0/100%",
        "::1       : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.035/0.035/0.035, stddev/jitter = 0.000/NaN",
        "127.0.0.1 : xmt/rcv/%loss = 3/2/33%, min/avg/max = 0.015/0.020/0.025, stddev/jitter = 0.005/0.010",
        "::1       : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.035/0.035/0.035, stddev/jitter = 0.000/NaN",
        ""));
  }

  @Test
  void reachableEndsWithFpingsVerdictInsteadOfALinePerTargetAndSetsTheExitStatus() {
    for (int required : new int[] {1, 2}) {
      stdout.reset();
      Report report = report(Report.Mode.ALIVE, new Report.Display(true, false, false, false, false, false, required));
      report.result(Results.reply(LOOPBACK6, 11, 25));
      report.result(Results.timeout(LOOPBACK, 12));
      report.finish();

      assertThat(out()).isEqualTo(required == 1
          ? "Enough hosts reachable (required: 1, reachable: 1)\n"
          : "Not enough hosts reachable (required: 2, reachable: 1)\n");
      assertThat(report.exitStatus()).isEqualTo(required == 1 ? ExitStatus.OK : ExitStatus.SOME_SILENT);
    }
  }

  @Test
  void reachableCountsEveryNameOfAnAddressAsFpingCountsHosts() {
    var report = new Report(List.of(new Report.Target("localhost", LOOPBACK, 2), new Report.Target("::1", LOOPBACK6)),
        Report.Mode.ALIVE, new Report.Display(false, false, false, false, false, false, 3),
        new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
    report.result(Results.reply(LOOPBACK, 11, 25));
    report.result(Results.reply(LOOPBACK6, 12, 25));
    report.finish();

    assertThat(out()).isEqualTo("Enough hosts reachable (required: 3, reachable: 3)\n");
    assertThat(report.exitStatus()).isEqualTo(ExitStatus.OK);
  }

  @Test
  void countModePrintsALinePerProbeThenABlankLineAndTheSummariesOnStderr() {
    Report report = report(Report.Mode.COUNT, false);
    report.result(Results.reply(LOOPBACK, 11, 15));
    report.result(Results.reply(LOOPBACK6, 12, 25));
    report.result(Results.timeout(LOOPBACK, 13));
    report.result(Results.reply(LOOPBACK6, 14, 35));

    assertThat(report.finish()).isTrue();

    assertThat(out()).isEqualTo(String.join("\n",
        "127.0.0.1 : [0], 64 bytes, 0.015 ms (0.015 avg, 0% loss)",
        "::1       : [0], 64 bytes, 0.025 ms (0.025 avg, 0% loss)",
        "127.0.0.1 : [1], timed out (0.015 avg, 50% loss)",
        "::1       : [1], 64 bytes, 0.035 ms (0.030 avg, 0% loss)",
        ""));
    assertThat(err()).isEqualTo(String.join("\n",
        "",
        "127.0.0.1 : xmt/rcv/%loss = 2/1/50%, min/avg/max = 0.015/0.015/0.015, stddev/jitter = 0.000/NaN",
        "::1       : xmt/rcv/%loss = 2/2/0%, min/avg/max = 0.025/0.030/0.035, stddev/jitter = 0.005/0.010",
        ""));
    assertThat(report.exitStatus()).isEqualTo(ExitStatus.OK);
  }

  @Test
  void quietCountModePrintsOnlyTheSummariesWithoutTheBlankLine() {
    Report report = report(Report.Mode.COUNT, true);
    report.result(Results.reply(LOOPBACK, 11, 15));
    report.result(Results.hostUnreachable(LOOPBACK6, 12, "::1"));
    report.finish();

    assertThat(out()).isEmpty();
    assertThat(err()).isEqualTo(String.join("\n",
        "127.0.0.1 : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.015/0.015/0.015, stddev/jitter = 0.000/NaN",
        "::1       : xmt/rcv/%loss = 1/0/100%",
        ""));
  }

  @Test
  void errorsGoToStderrAndCountAsLostAndTimedOutAsInFping() {
    Report report = report(Report.Mode.COUNT, false);
    report.result(Results.hostUnreachable(LOOPBACK, 11, "127.0.0.1"));

    assertThat(out()).isEqualTo("127.0.0.1 : [0], timed out (NaN avg, 100% loss)\n");
    assertThat(err()).isEqualTo("ICMP Host Unreachable from 127.0.0.1 for ICMP Echo sent to 127.0.0.1\n");
    assertThat(report.tally(LOOPBACK).lossPercent()).isEqualTo(100);
  }

  @Test
  void aProbeThatCannotBeSentHasNoLineWithCountButCountsAsLostAsInFping() {
    Report report = report(Report.Mode.COUNT, false);
    report.result(Results.noRoute(LOOPBACK, 11));
    report.result(Results.reply(LOOPBACK, 12, 15));
    report.finish();

    // fping 5.1 -c 2, its first probe refused by an unreachable route: no line for it, not even an error.
    assertThat(out()).isEqualTo("127.0.0.1 : [1], 64 bytes, 0.015 ms (0.015 avg, 50% loss)\n");
    assertThat(err().lines().toList()).containsExactly(
        "",
        "127.0.0.1 : xmt/rcv/%loss = 2/1/50%, min/avg/max = 0.015/0.015/0.015, stddev/jitter = 0.000/NaN",
        "::1       : xmt/rcv/%loss = 0/0/0%");
  }

  @Test
  void aProbeThatCannotBeSentIsADashWithVcountAndNoLineWithAlive() {
    Report vcount = report(Report.Mode.COUNT, new Report.Display(false, false, false, false, true, false, 0));
    vcount.result(Results.noRoute(LOOPBACK, 11));
    vcount.finish();
    assertThat(out()).isEmpty();
    assertThat(err()).startsWith("\n127.0.0.1 : -\n");

    stderr.reset();
    Report alive = report(Report.Mode.COUNT, new Report.Display(false, true, false, false, false, false, 0));
    alive.result(Results.noRoute(LOOPBACK, 11));
    assertThat(err()).isEmpty();
  }

  @Test
  void withoutCountAProbeThatCannotBeSentIsPrintedUnlessQuietOrListingAsInFping() {
    Report report = report(Report.Mode.ALIVE, false);
    report.result(Results.noRoute(LOOPBACK, 11));
    assertThat(err()).isEqualTo("127.0.0.1: error while sending ping: sendto(..) failed for 127.0.0.1: EHOSTUNREACH (113) No route to host\n");

    for (Report.Display display : List.of(new Report.Display(false, true, false, false, false, false, 0), new Report.Display(false, false, true, false, false, false, 0))) {
      stderr.reset();
      report(Report.Mode.ALIVE, display).result(Results.noRoute(LOOPBACK, 11));
      assertThat(err()).isEmpty(); // fping -a, fping -u
    }
  }

  @Test
  void duplicatesAreNumberedAfterTheProbeTheyAnswer() {
    Report report = report(Report.Mode.COUNT, false);
    report.result(Results.reply(LOOPBACK, 11, 15));
    report.result(Results.reply(LOOPBACK, 12, 15));
    report.duplicate(Results.duplicate(LOOPBACK, 12, 90));
    report.duplicate(Results.reply(LOOPBACK, 13, 15)); // not a duplicate: the engine's stream has every result

    assertThat(err()).isEqualTo("127.0.0.1 : duplicate for [1], 64 bytes, 0.090 ms\n");
    assertThat(report.tally(LOOPBACK).duplicates()).isEqualTo(1);
    assertThat(report.tally(LOOPBACK).sent()).isEqualTo(2);
  }

  @Test
  void aDuplicateThatOvertakesItsReplyIsPrintedAfterIt() {
    Report report = report(Report.Mode.COUNT, false);
    report.duplicate(Results.duplicate(LOOPBACK, 11, 90));
    assertThat(err()).isEmpty();

    report.result(Results.reply(LOOPBACK, 11, 15));

    assertThat(out()).isEqualTo("127.0.0.1 : [0], 64 bytes, 0.015 ms (0.015 avg, 0% loss)\n");
    assertThat(err()).isEqualTo("127.0.0.1 : duplicate for [0], 64 bytes, 0.090 ms\n");
  }

  @Test
  void aliveModeSaysAliveOnReplyAndUnreachableAtTheEnd() {
    Report report = report(Report.Mode.ALIVE, false);
    report.result(Results.timeout(LOOPBACK, 11));
    report.result(Results.reply(LOOPBACK6, 12, 25));
    report.finish();

    assertThat(out()).isEqualTo("::1 is alive\n127.0.0.1 is unreachable\n");
    assertThat(err()).isEmpty();
    assertThat(report.exitStatus()).isEqualTo(ExitStatus.SOME_SILENT);
  }

  @Test
  void quietAliveModePrintsNothing() {
    Report report = report(Report.Mode.ALIVE, true);
    report.result(Results.timeout(LOOPBACK, 11));
    report.result(Results.reply(LOOPBACK6, 12, 25));
    report.finish();

    assertThat(out()).isEmpty();
    assertThat(err()).isEmpty();
  }

  @Test
  void aliveAndUnreachableListsNameTheTargetsAloneAsFpingAAndU() {
    for (boolean quiet : new boolean[] {false, true}) { // fping prints its lists even with -q
      assertThat(aliveRun(new Report.Display(quiet, true, false, false, false, false, 0))).isEqualTo("::1\n");
      assertThat(aliveRun(new Report.Display(quiet, false, true, false, false, false, 0))).isEqualTo("127.0.0.1\n");
    }
  }

  @Test
  void elapsedAddsTheRoundTripOfEachTargetThatAnswered() {
    assertThat(aliveRun(new Report.Display(false, false, false, true, false, false, 0))).isEqualTo("::1 is alive (0.025 ms)\n127.0.0.1 is unreachable\n");
    assertThat(aliveRun(new Report.Display(false, true, false, true, false, false, 0))).isEqualTo("::1 (0.025 ms)\n");
  }

  /** Without -c: 127.0.0.1 times out, ::1 answers in 25 us; stdout. */
  private String aliveRun(Report.Display display) {
    stdout.reset();
    Report report = report(Report.Mode.ALIVE, display);
    report.result(Results.timeout(LOOPBACK, 11));
    report.result(Results.reply(LOOPBACK6, 12, 25));
    report.finish();
    assertThat(err()).isEmpty();
    assertThat(report.exitStatus()).isEqualTo(ExitStatus.SOME_SILENT);
    return out();
  }

  @Test
  void withCountAliveOrUnreachablePrintNoLinePerProbeButErrorsAndTheSummaries() {
    Report report = report(Report.Mode.COUNT, new Report.Display(false, true, false, false, false, false, 0));
    report.result(Results.reply(LOOPBACK, 11, 40));
    report.result(Results.timeout(LOOPBACK6, 12));
    report.result(Results.hostUnreachable(LOOPBACK, 13, "127.0.0.9"));
    report.finish();

    // As fping -c 2 -a: no line per probe, no list, no blank line; errors, then the summaries.
    assertThat(out()).isEmpty();
    assertThat(err().lines().toList()).containsExactly(
        "ICMP Host Unreachable from 127.0.0.9 for ICMP Echo sent to 127.0.0.1",
        "127.0.0.1 : xmt/rcv/%loss = 2/1/50%, min/avg/max = 0.040/0.040/0.040, stddev/jitter = 0.000/NaN",
        "::1       : xmt/rcv/%loss = 1/0/100%");
  }

  @Test
  void withVcountTheSummaryListsEachProbesRoundTripOrADash() {
    Report report = report(Report.Mode.COUNT, new Report.Display(false, false, false, false, true, false, 0));
    report.result(Results.reply(LOOPBACK, 11, 40));
    report.result(Results.timeout(LOOPBACK, 12));
    report.result(Results.reply(LOOPBACK, 13, 1_250));
    report.result(Results.timeout(LOOPBACK6, 14));
    report.finish();

    assertThat(err()).isEqualTo("\n127.0.0.1 : 0.040 - 1.25\n::1       : -\n");
  }

  @Test
  void theSummaryIsPrintedOnceAndNothingAfterIt() {
    Report report = report(Report.Mode.COUNT, true);
    report.result(Results.reply(LOOPBACK, 11, 15));

    assertThat(report.finish()).isTrue();
    String summary = err();
    report.result(Results.reply(LOOPBACK6, 12, 25));
    assertThat(report.finish()).isFalse();

    assertThat(err()).isEqualTo(summary).contains("::1       : xmt/rcv/%loss = 0/0/0%");
    assertThat(report.exitStatus()).isEqualTo(ExitStatus.SOME_SILENT);
  }

  @Test
  void aStdoutThatCannotBeWrittenStopsTheReportWithTheStatusOfSigpipe() {
    var closed = new PrintStream(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("Broken pipe"); // what writing to a closed pipe gives
      }
    }, true, StandardCharsets.UTF_8);
    Report report = new Report(List.of(new Report.Target("127.0.0.1", LOOPBACK), new Report.Target("::1", LOOPBACK6)),
        Report.Mode.COUNT, new Report.Display(false, false, false, false, false, false, 0),
        closed, new PrintStream(stderr, true, StandardCharsets.UTF_8));
    assertThat(report.outputBroken()).isFalse();

    report.result(Results.reply(LOOPBACK, 12, 15));

    assertThat(report.outputBroken()).isTrue();
    report.result(Results.hostUnreachable(LOOPBACK, 13, "127.0.0.1"));
    assertThat(report.finish()).isFalse(); // no summary: fping dies of SIGPIPE
    assertThat(err()).isEmpty();
    assertThat(report.exitStatus()).isEqualTo(ExitStatus.BROKEN_PIPE);
  }

  @Test
  void aProbeStillInFlightAtCtrlCIsInNoCountAsInFping() {
    Report report = report(Report.Mode.COUNT, new Report.Display(false, false, false, false, true, false, 0));
    report.result(Results.reply(LOOPBACK, 11, 15)); // ::1's probe left too, without an outcome yet

    assertThat(report.finish()).isTrue();

    // fping 5.1 -C 3, interrupted before ::1's first timeout, prints "::1 :" (and with -c, 0/0/0%).
    assertThat(err()).isEqualTo("\n127.0.0.1 : 0.015\n::1       :\n");
  }

  @Test
  void theProgressLineAddsUpAllTargets() {
    Report report = report(Report.Mode.COUNT, true);
    report.result(Results.reply(LOOPBACK, 11, 15));
    assertThat(report.progress()).isEqualTo("1 probe to 2 targets, 1 reply, 0% loss");
    report.result(Results.timeout(LOOPBACK6, 12));
    report.result(Results.reply(LOOPBACK6, 13, 15));

    assertThat(report.progress()).isEqualTo("3 probes to 2 targets, 2 replies, 33% loss");
  }
}
