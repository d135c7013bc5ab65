package io.pingstream.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pingstream.PingRecorder;
import io.pingstream.PingResult;
import io.pingstream.TargetRefusedException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The target sets the monitor feeds to pingAll, in virtual time, with a scripted resolver. */
class TargetMonitorTest {

  private static final Duration RESOLVE_EVERY = Duration.ofMinutes(5);

  private final Map<String, Deque<Object>> answers = new HashMap<>();
  private final List<InetAddress> removed = new CopyOnWriteArrayList<>();
  private final MonitoredTargetsRecorder recorder = new MonitoredTargetsRecorder(new PingRecorder() {
    @Override
    public void targetRemoved(InetAddress target) {
      removed.add(target);
    }
  });

  @Test
  void followsANameToItsNewAddressAndRemovesTheOldOnesMetersAfterPingAllHasTheNewSet() {
    answer("moving.test", address("127.0.0.2"), address("127.0.0.3"));
    answer("127.0.0.1", address("127.0.0.1"), address("127.0.0.1"));
    TargetMonitor monitor = monitor("moving.test", "127.0.0.1");

    StepVerifier.withVirtualTime(monitor::targetSets)
        .assertNext(set -> {
          assertThat(List.copyOf(set)).containsExactly(address("127.0.0.2"), address("127.0.0.1"));
          assertThat(set).as("metered before pingAll sends to them").allMatch(recorder::isMonitored);
        })
        .thenAwait(RESOLVE_EVERY)
        .assertNext(set -> {
          assertThat(List.copyOf(set)).containsExactly(address("127.0.0.3"), address("127.0.0.1"));
          assertThat(set).allMatch(recorder::isMonitored);
          assertThat(removed).as("the old address is forgotten only once pingAll has the new set").isEmpty();
        })
        .then(() -> {
          assertThat(removed).containsExactly(address("127.0.0.2"));
          assertThat(recorder.isMonitored(address("127.0.0.2"))).isFalse();
        })
        .thenCancel()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aStreamsLateRemovalOfAnAddressWatchedAgainKeepsItsSeries() {
    answer("moving.test", address("127.0.0.2"), address("127.0.0.3"), address("127.0.0.2"));
    TargetMonitor monitor = monitor("moving.test");

    StepVerifier.withVirtualTime(monitor::targetSets)
        .expectNextCount(1)
        .thenAwait(RESOLVE_EVERY)
        .expectNextCount(1)
        .thenAwait(RESOLVE_EVERY)
        .assertNext(set -> assertThat(set).containsExactly(address("127.0.0.2")))
        .then(() -> {
          removed.clear();
          // pingAll reports the first stream of 127.0.0.2 removed once its last probe settled:
          // that may be after the address came back.
          recorder.targetRemoved(address("127.0.0.2"));
          assertThat(removed).isEmpty();
          assertThat(recorder.isMonitored(address("127.0.0.2"))).isTrue();
          recorder.targetRemoved(address("127.0.0.3"));
          assertThat(removed).containsExactly(address("127.0.0.3"));
        })
        .thenCancel()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aNameWhoseAddressesRotateStaysAtTheOneItIsPingedAt() {
    answer("round.test",
        List.of(address("127.0.0.2"), address("127.0.0.3")),
        List.of(address("127.0.0.3"), address("127.0.0.2")),
        List.of(address("127.0.0.3"), address("127.0.0.4")));
    TargetMonitor monitor = monitor("round.test");

    StepVerifier.withVirtualTime(monitor::targetSets)
        .assertNext(set -> assertThat(set).containsExactly(address("127.0.0.2")))
        .thenAwait(RESOLVE_EVERY) // rotated: still listed, no new set
        .expectNoEvent(Duration.ofSeconds(1))
        .thenAwait(RESOLVE_EVERY) // gone: the name moves
        .assertNext(set -> assertThat(set).containsExactly(address("127.0.0.3")))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
    assertThat(removed).containsExactly(address("127.0.0.2"));
  }

  @Test
  void aNameBackOnItsPreferredFamilyLeavesTheOtherOne() {
    // Preferred IPv6: one answer without it moves the name to IPv4, the next moves it back.
    answer("dual.test", List.of(address("127.0.0.2")), List.of(address("::1"), address("127.0.0.2")));
    TargetMonitor monitor = monitor("dual.test");

    StepVerifier.withVirtualTime(monitor::targetSets)
        .assertNext(set -> assertThat(set).containsExactly(address("127.0.0.2")))
        .thenAwait(RESOLVE_EVERY)
        .assertNext(set -> assertThat(set).containsExactly(address("::1")))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void sameAddressesAreNotSentAgain() {
    answer("127.0.0.1", address("127.0.0.1"), address("127.0.0.1"), address("127.0.0.1"));

    StepVerifier.withVirtualTime(monitor("127.0.0.1")::targetSets)
        .expectNextCount(1)
        .thenAwait(RESOLVE_EVERY.multipliedBy(2))
        .expectNoEvent(Duration.ofSeconds(1))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
    assertThat(removed).isEmpty();
  }

  @Test
  void aFailedLookupKeepsTheLastAddress() {
    answer("flaky.test", address("127.0.0.2"), new UnknownHostException("flaky.test"));

    StepVerifier.withVirtualTime(monitor("flaky.test")::targetSets)
        .assertNext(set -> assertThat(set).containsExactly(address("127.0.0.2")))
        .thenAwait(RESOLVE_EVERY)
        .expectNoEvent(Duration.ofSeconds(1))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
    assertThat(removed).isEmpty();
  }

  @Test
  void aNameThatNeverResolvedIsSkippedUntilItDoes() {
    answer("late.test", new UnknownHostException("late.test"), address("127.0.0.4"));
    answer("127.0.0.1", address("127.0.0.1"), address("127.0.0.1"));

    StepVerifier.withVirtualTime(monitor("late.test", "127.0.0.1")::targetSets)
        .assertNext(set -> assertThat(set).containsExactly(address("127.0.0.1")))
        .thenAwait(RESOLVE_EVERY)
        .assertNext(set -> assertThat(List.copyOf(set)).containsExactly(address("127.0.0.4"), address("127.0.0.1")))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aTargetTheEngineRefusesIsWarnedOfOnceSinceItGetsNoMeters() {
    answer("224.0.0.1", address("224.0.0.1"));
    InetAddress multicast = address("224.0.0.1");
    var refusal = new TargetRefusedException(multicast, "a multicast address cannot be matched to its replies");
    Logger logger = (Logger) LoggerFactory.getLogger(TargetMonitor.class);
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    logger.addAppender(appender);
    try {
      TargetMonitor monitor = new TargetMonitor(this::resolve,
          targetSets -> Flux.range(0, 3).map(i -> PingResult.error(multicast, -1, Instant.EPOCH, refusal)).concatWith(Flux.never()),
          recorder, List.of("224.0.0.1"), RESOLVE_EVERY);

      monitor.start();
      monitor.stop();

      assertThat(appender.list).filteredOn(event -> event.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly("not monitoring 224.0.0.1: cannot ping 224.0.0.1: a multicast address cannot be matched to its replies");
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void stopCancelsTheStream() {
    answer("127.0.0.1", address("127.0.0.1"));
    AtomicBoolean cancelled = new AtomicBoolean();
    TargetMonitor monitor = new TargetMonitor(this::resolve,
        targetSets -> Flux.<PingResult>never().doOnCancel(() -> cancelled.set(true)),
        recorder, List.of("127.0.0.1"), RESOLVE_EVERY);

    monitor.start();
    assertThat(monitor.isRunning()).isTrue();
    monitor.stop();

    assertThat(monitor.isRunning()).isFalse();
    assertThat(cancelled).isTrue();
  }

  @Test
  void aFailedPingAllRemovesTheSeriesAndIsTriedAgainLaterAndLater() {
    VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
    try {
      answer("127.0.0.1", address("127.0.0.1"), address("127.0.0.1"), address("127.0.0.1"));
      AtomicInteger attempts = new AtomicInteger();
      TargetMonitor monitor = new TargetMonitor(this::resolve,
          targetSets -> targetSets.take(1).doOnNext(set -> attempts.incrementAndGet())
              .concatMap(set -> Flux.<PingResult>error(new java.io.IOException("no ICMP socket"))),
          recorder, List.of("127.0.0.1"), RESOLVE_EVERY);

      monitor.start();
      assertThat(attempts).hasValue(1);
      assertThat(removed).as("no stale series while nothing is pinged").containsExactly(address("127.0.0.1"));
      assertThat(recorder.isMonitored(address("127.0.0.1"))).isFalse();

      time.advanceTimeBy(Duration.ofMillis(1_500)); // the first retry after 1-1.5 s, the next 1-3 s later
      assertThat(attempts).hasValue(2);
      assertThat(monitor.isRunning()).isTrue();
      monitor.stop();
    } finally {
      VirtualTimeScheduler.reset();
    }
  }

  @Test
  void withoutTargetsNothingRuns() {
    TargetMonitor monitor = new TargetMonitor(this::resolve, targetSets -> Flux.error(new AssertionError("subscribed")),
        recorder, List.of(), RESOLVE_EVERY);

    monitor.start();

    assertThat(monitor.isRunning()).isFalse();
  }

  private TargetMonitor monitor(String... hosts) {
    return new TargetMonitor(this::resolve, targetSets -> Flux.error(new AssertionError("not used")), recorder, List.of(hosts), RESOLVE_EVERY);
  }

  private void answer(String host, Object... results) {
    answers.put(host, new ArrayDeque<>(List.of(results)));
  }

  /** The next scripted answer for {@code host}: an address, a list of them, or an error. */
  @SuppressWarnings("unchecked")
  private Mono<List<InetAddress>> resolve(String host) {
    Object next = answers.get(host).poll();
    if (next instanceof InetAddress address) {
      return Mono.just(List.of(address));
    }
    return next instanceof List<?> addresses ? Mono.just((List<InetAddress>) addresses) : Mono.error((Throwable) next);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
