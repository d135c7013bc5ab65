package io.pingstream.samples.cli;

import static io.pingstream.samples.cli.Results.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pingstream.PingResult;
import io.pingstream.reactor.PingStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TargetTallyTest {

  @Test
  void agreesWithTheReactorApisStatistics() {
    var random = new Random(42);
    List<PingResult> results = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      int roll = random.nextInt(10);
      results.add(roll == 0 ? Results.timeout(LOOPBACK, i)
          : roll == 1 ? Results.noRoute(LOOPBACK, i)
          : Results.reply(LOOPBACK, i, 10 + random.nextInt(5_000)));
    }
    var tally = new TargetTally();
    results.forEach(tally::add);

    PingStatistics statistics = PingStatistics.of(LOOPBACK, results);
    assertThat(tally.sent()).isEqualTo(statistics.sent());
    assertThat(tally.received()).isEqualTo(statistics.received());
    assertThat(tally.min().getAsLong()).isEqualTo(statistics.min().orElseThrow().toNanos());
    assertThat(tally.max().getAsLong()).isEqualTo(statistics.max().orElseThrow().toNanos());
    assertThat((double) tally.avg().getAsLong()).isCloseTo(statistics.avg().orElseThrow().toNanos(), within(1.0));
    assertThat(tally.stddev().getAsDouble()).isCloseTo(statistics.stddev().orElseThrow().toNanos(), within(1.0));
    assertThat(tally.jitter().getAsDouble()).isCloseTo(statistics.jitter().orElseThrow().toNanos(), within(1.0));
  }

  @Test
  void countsLossInWholePercentRoundedDownAsFping() {
    var tally = new TargetTally();
    tally.add(Results.reply(LOOPBACK, 1, 10));
    tally.add(Results.reply(LOOPBACK, 2, 10));
    tally.add(Results.timeout(LOOPBACK, 3));

    assertThat(tally.lossPercent()).isEqualTo(33);
  }

  @Test
  void countsDuplicatesApartFromProbesAndRtts() {
    var tally = new TargetTally();
    tally.add(Results.reply(LOOPBACK, 1, 10));
    tally.add(Results.duplicate(LOOPBACK, 1, 900));

    assertThat(tally.sent()).isEqualTo(1);
    assertThat(tally.received()).isEqualTo(1);
    assertThat(tally.duplicates()).isEqualTo(1);
    assertThat(tally.max().getAsLong()).isEqualTo(10_000);
  }

  @Test
  void hasNoFiguresBeforeTheFirstReply() {
    var tally = new TargetTally();
    tally.add(Results.timeout(LOOPBACK, 1));

    assertThat(tally.lossPercent()).isEqualTo(100);
    assertThat(tally.min()).isEmpty();
    assertThat(tally.avg()).isEmpty();
    assertThat(tally.stddev()).isEmpty();
    assertThat(tally.jitter()).isEmpty();
    assertThat(new TargetTally().lossPercent()).isZero();
  }
}
