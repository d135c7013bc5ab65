package io.pingstream.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

class PacingClockTest {

  private static final Duration SECOND = Duration.ofSeconds(1);

  private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
  private final PacingClock clock = new PacingClock(Timebase.of(time), PacingClock.slack(SECOND));
  private final List<String> fired = new ArrayList<>();

  @AfterEach
  void resetHooks() {
    Hooks.resetOnErrorDropped();
  }

  @Test
  void theSlackIsAnEighthOfTheIntervalAtMostTenMillisecondsAndAPowerOfTwoNanoseconds() {
    assertThat(PacingClock.slack(SECOND)).isEqualTo(Duration.ofNanos(1 << 23)); // 8.39 ms
    assertThat(PacingClock.slack(Duration.ofMillis(100))).isEqualTo(Duration.ofNanos(1 << 23));
    assertThat(PacingClock.slack(Duration.ofMillis(10))).isEqualTo(Duration.ofNanos(1 << 20)); // 1.05 ms
    assertThat(PacingClock.slack(Duration.ofNanos(5))).isEqualTo(Duration.ofNanos(1));
  }

  @Test
  void sparseTicksFireOnTimeAndInOrder() {
    clock.schedule(Duration.ofMillis(300), SECOND, missed -> fired.add("B@" + now()));
    clock.schedule(Duration.ZERO, SECOND, missed -> fired.add("A@" + now()));
    clock.schedule(Duration.ofMillis(300), SECOND, missed -> fired.add("C@" + now()));

    time.advanceTimeBy(Duration.ofMillis(2_500));

    assertThat(fired).containsExactly("A@0", "B@300", "C@300", "A@1000", "B@1300", "C@1300", "A@2000", "B@2300", "C@2300");
  }

  @Test
  void denseTicksFireInBatchesAtMostASlackLate() {
    long slack = PacingClock.slack(SECOND).toNanos();
    int tickers = 1_000;
    long[] firstLateness = new long[tickers];
    Arrays.fill(firstLateness, -1);
    Set<Long> instants = new HashSet<>();
    for (int i = 0; i < tickers; i++) {
      int index = i;
      long due = i * SECOND.toNanos() / tickers;
      clock.schedule(Duration.ofNanos(due), SECOND, missed -> {
        long now = time.now(TimeUnit.NANOSECONDS);
        if (firstLateness[index] < 0) {
          firstLateness[index] = now - due;
          instants.add(now);
        }
      });
    }

    time.advanceTimeBy(SECOND.plusNanos(slack));

    assertThat(Arrays.stream(firstLateness).boxed().toList()).allSatisfy(late -> assertThat(late).isBetween(0L, slack));
    // One wake-up per slack, not one per ticker.
    assertThat(instants).hasSizeLessThanOrEqualTo((int) (SECOND.toNanos() / slack) + 2);
  }

  @Test
  void ticksMissedDuringAPauseAreCountedNotFiredInABurstAndTheGridIsKept() {
    var nanos = new AtomicLong();
    var paused = new PacingClock(new Timebase(time, nanos::get), PacingClock.slack(SECOND));
    List<Long> missedCounts = new ArrayList<>();
    paused.schedule(Duration.ZERO, SECOND, missedCounts::add);
    time.advanceTimeBy(Duration.ZERO);
    assertThat(missedCounts).containsExactly(0L);

    // The JVM stalls for 3.5 s: the wake-up due at 1 s runs at 4.5 s.
    nanos.set(Duration.ofMillis(4_500).toNanos());
    time.advanceTimeBy(SECOND);
    assertThat(missedCounts).containsExactly(0L, 3L);

    // The next tick is due at 5 s, on the original grid.
    nanos.set(Duration.ofMillis(5_000).toNanos());
    time.advanceTimeBy(Duration.ofMillis(500));
    assertThat(missedCounts).containsExactly(0L, 3L, 0L);
  }

  @Test
  void ticksDueBeyondOneTurnOfTheWheelFireOnTime() {
    // One turn of the wheel is 1,024 slacks (~8.6 s at this slack); these are due after 2 turns.
    clock.schedule(Duration.ofSeconds(20), Duration.ofSeconds(30), missed -> fired.add("slow@" + now()));
    clock.schedule(Duration.ZERO, Duration.ofSeconds(7), missed -> fired.add("fast@" + now()));

    time.advanceTimeBy(Duration.ofSeconds(51));

    assertThat(fired).containsExactly("fast@0", "fast@7000", "fast@14000", "slow@20000", "fast@21000", "fast@28000",
        "fast@35000", "fast@42000", "fast@49000", "slow@50000");
  }

  @Test
  void afterAPauseLongerThanATurnOfTheWheelEveryTickerFiresOnceAndKeepsItsGrid() {
    // Monotonic clocks may start anywhere, negative included.
    var nanos = new AtomicLong(-Duration.ofHours(1).toNanos());
    var paused = new PacingClock(new Timebase(time, nanos::get), PacingClock.slack(SECOND));
    List<String> ticks = new ArrayList<>();
    paused.schedule(Duration.ofMillis(100), SECOND, missed -> ticks.add("A missed " + missed));
    paused.schedule(Duration.ofMillis(600), SECOND, missed -> ticks.add("B missed " + missed));
    nanos.addAndGet(Duration.ofMillis(700).toNanos());
    time.advanceTimeBy(Duration.ofMillis(700));
    assertThat(ticks).containsExactly("A missed 0", "B missed 0");

    // 20 s pass before the next wake-up runs: A was due at 1.1 s, 2.1 s, ... 20.1 s.
    nanos.addAndGet(Duration.ofSeconds(20).toNanos());
    time.advanceTimeBy(Duration.ofMillis(400));
    assertThat(ticks).containsExactly("A missed 0", "B missed 0", "A missed 19", "B missed 19");

    // Both keep their phase: A at 21.1 s (0.4 s later), B at 21.6 s.
    nanos.addAndGet(Duration.ofMillis(400).toNanos());
    time.advanceTimeBy(Duration.ofMillis(400));
    assertThat(ticks).hasSize(5).endsWith("A missed 0");
    nanos.addAndGet(Duration.ofMillis(500).toNanos());
    time.advanceTimeBy(Duration.ofMillis(500));
    assertThat(ticks).hasSize(6).endsWith("B missed 0");
  }

  @Test
  void aCancelledTickerStopsAndTheOthersGoOn() {
    PacingClock.Ticker a = clock.schedule(Duration.ofMillis(100), SECOND, missed -> fired.add("A@" + now()));
    clock.schedule(Duration.ofMillis(100), SECOND, missed -> fired.add("B@" + now()));
    time.advanceTimeBy(Duration.ofMillis(500));

    a.cancel();
    time.advanceTimeBy(SECOND);

    assertThat(fired).containsExactly("A@100", "B@100", "B@1100");
  }

  @Test
  void aTickThatThrowsStopsItsTickerOnlyAndTheErrorIsDropped() {
    List<Throwable> dropped = new ArrayList<>();
    Hooks.onErrorDropped(dropped::add);
    clock.schedule(Duration.ofMillis(100), SECOND, missed -> {
      fired.add("A@" + now());
      throw new IllegalStateException("boom");
    });
    clock.schedule(Duration.ofMillis(100), SECOND, missed -> fired.add("B@" + now()));

    time.advanceTimeBy(Duration.ofMillis(2_500));

    assertThat(fired).containsExactly("A@100", "B@100", "B@1100", "B@2100");
    assertThat(dropped).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
  }

  @Test
  void aFatalErrorFromOneTickLeavesTheOtherTickersOnTheClock() throws Exception {
    // On a real scheduler: virtual time cannot go on once a task has thrown out of it.
    var single = Schedulers.newSingle("pacing-test");
    try {
      var real = new PacingClock(Timebase.of(single), PacingClock.slack(Duration.ofMillis(50)));
      var ticksOfB = new CountDownLatch(5);
      var thrown = new AtomicBoolean();
      real.schedule(Duration.ZERO, Duration.ofMillis(50), missed -> {
        if (!thrown.getAndSet(true)) {
          throw new NoClassDefFoundError("fatal, rethrown by the clock (expected in this test)");
        }
      });
      real.schedule(Duration.ZERO, Duration.ofMillis(50), missed -> ticksOfB.countDown());

      assertThat(ticksOfB.await(5, TimeUnit.SECONDS)).as("B ticks on after A's fatal error").isTrue();
    } finally {
      single.dispose();
    }
  }

  @Test
  void realSchedulersAreTimedByTheMonotonicClockAndVirtualTimeByItsOwn() {
    time.advanceTimeBy(Duration.ofHours(5));
    assertThat(Timebase.of(time).now()).isEqualTo(Duration.ofHours(5).toNanos());

    long before = System.nanoTime();
    long now = Timebase.of(Schedulers.parallel()).now();
    assertThat(now).isBetween(before, System.nanoTime());

    // Under StepVerifier.withVirtualTime, Schedulers.parallel() is a cache entry wrapping it.
    var installed = VirtualTimeScheduler.getOrSet();
    try {
      installed.advanceTimeBy(Duration.ofMinutes(3));
      assertThat(Timebase.of(Schedulers.parallel()).now()).isEqualTo(Duration.ofMinutes(3).toNanos());
    } finally {
      VirtualTimeScheduler.reset();
    }
  }

  private long now() {
    return time.now(TimeUnit.MILLISECONDS);
  }
}
