package io.pingstream.samples.cli;

import static io.pingstream.samples.cli.Results.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of a run that need no socket. */
class PingRunTest {

  private static final String ERASE_LINE = "\r\033[K";

  @Test
  void ctrlCErasesTheProgressLineAndStopsItBeforeTheSummary() throws Exception {
    var stderr = new ByteArrayOutputStream();
    var err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    var report = new Report(List.of(new Report.Target("127.0.0.1", LOOPBACK)), Report.Mode.COUNT,
        new Report.Display(true, false, false, false, false, false, 0), new PrintStream(new ByteArrayOutputStream()), err);
    report.result(Results.reply(LOOPBACK, 11, 15));
    Progress progress = Progress.start(err, report::progress); // a quiet run on a terminal
    String line = ERASE_LINE + "1 probe to 1 target, 1 reply, 0% loss";
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!stderr.toString(StandardCharsets.UTF_8).contains(line) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    assertThat(PingRun.interrupted(report, progress, ExitStatus.OK)).hasValue(ExitStatus.OK);

    String summary = "127.0.0.1 : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.015/0.015/0.015, stddev/jitter = 0.000/NaN\n";
    String shown = stderr.toString(StandardCharsets.UTF_8);
    assertThat(shown).startsWith(line).endsWith(ERASE_LINE + summary); // not "... 0% loss127.0.0.1 : xmt..."
    Thread.sleep(1_200); // the progress line is drawn every second: not after the summary
    assertThat(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(shown);
    assertThat(PingRun.interrupted(report, progress, ExitStatus.OK)).isEmpty(); // once only
  }
}
