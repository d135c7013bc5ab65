package io.pingstream.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.IpFamily;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import io.pingstream.SocketUnavailableException;
import io.pingstream.TargetRefusedException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The pacing logic on virtual time, with a fake prober instead of sockets. */
class PacedStreamsTest {

  private static final InetAddress A = address("127.0.0.1");
  private static final InetAddress B = address("127.0.0.2");
  private static final InetAddress C = address("127.0.0.3");
  private static final InetAddress D = address("127.0.0.4");
  private static final InetAddress E = address("127.0.0.5");

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
  private final LongAdder skipped = new LongAdder();
  private final List<InetAddress> removedTargets = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final io.pingstream.PingRecorder recorder = new io.pingstream.PingRecorder() {
    @Override
    public void targetRemoved(InetAddress target) {
      removedTargets.add(target);
    }
  };

  private PacedStreams streams(Prober prober) {
    return new PacedStreams(prober, ProbeSettings.defaults(), new PacingClocks(Timebase.of(time)), skipped, recorder);
  }

  private static Flux<PingResult> all(PacedStreams streams, StreamOptions options, InetAddress... targets) {
    return streams.pingAll(Mono.just(List.of(targets)), options);
  }

  @Test
  void aLargeTargetListIsSpreadOverTheIntervalAndEachTargetProbedOnce() throws Exception {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(5));
    List<InetAddress> targets = new ArrayList<>();
    // 20,000 in virtual time, which grows slow with many periodic tasks (measured: 100,000
    // targets took over a minute here, where Schedulers.parallel() takes ~3 s for real).
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      targets.add(InetAddress.getByAddress(new byte[] {127, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
    }
    List<PingResult> results = new ArrayList<>();
    streams(prober).pingAll(Mono.just(targets), StreamOptions.every(Duration.ofSeconds(1)).count(1)).subscribe(results::add);

    long slack = PacingClock.slack(Duration.ofSeconds(1)).toMillis();
    time.advanceTimeBy(Duration.ofMillis(1_005 + slack));

    assertThat(results).hasSize(n);
    assertThat(results).extracting(PingResult::target).doesNotHaveDuplicates();
    // Spread: target i is due at i * 1 s / n, the last one just before 1 s, and leaves with the
    // clock's next batch, at most a slack later.
    assertThat(prober.sendTimes(targets.get(0))).containsExactly(0L);
    assertThat(prober.sendTimes(targets.get(n / 2))).singleElement().satisfies(at -> assertThat(at).isBetween(500L, 500 + slack));
    assertThat(prober.sendTimes(targets.get(n - 1))).singleElement().satisfies(at -> assertThat(at).isBetween(999L, 999 + slack));
    // Batched: 20,000 sends in about 1 s / slack instants rather than 20,000.
    assertThat(prober.sends().stream().map(FakeProber.Send::atMillis).distinct().count()).isLessThanOrEqualTo(1_000 / slack + 1);
  }

  @Test
  void streamsSubscribedOneByOneShareTheClockAndTheirProbesLeaveInBatches() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(1));
    var streams = streams(prober);
    List<Disposable> subscriptions = new ArrayList<>();
    // 500 single-target streams, one subscribed every 2 ms, as an application might start them.
    for (int i = 0; i < 500; i++) {
      subscriptions.add(all(streams, StreamOptions.every(Duration.ofSeconds(1)), address("127.1." + (i / 250) + "." + (i % 250))).subscribe());
      time.advanceTimeBy(Duration.ofMillis(2));
    }
    time.advanceTimeBy(Duration.ofSeconds(2));
    subscriptions.forEach(Disposable::dispose);

    List<Long> times = prober.sends().stream().map(FakeProber.Send::atMillis).toList();
    long slack = PacingClock.slack(Duration.ofSeconds(1)).toMillis();
    // Three probes per stream in 3 s, but for the last ones, due within a slack of the end.
    assertThat(times).hasSizeBetween(1_490, 1_500);
    // Each stream keeps its own phase: probes an interval apart, give or take the slack.
    assertThat(prober.sendTimes(address("127.1.0.7"))).satisfies(sent -> {
      assertThat(sent).hasSize(3);
      assertThat(sent.get(2) - sent.get(1)).isBetween(1_000 - slack, 1_000 + slack);
    });
    assertThat(times.stream().filter(at -> at >= 1_000).distinct().count()).as("instants that sent probes after the first second").isLessThanOrEqualTo(2_000 / slack + 2);
  }

  @Test
  void probesArePacedByTheClockNotByTheReplies() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(250));
    var streams = streams(prober);

    StepVerifier.withVirtualTime(() -> all(streams, StreamOptions.every(Duration.ofMillis(100)).count(4), A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(250))
        .assertNext(result -> assertThat(result.sequence()).isZero())
        .expectNoEvent(Duration.ofMillis(100))
        .assertNext(result -> assertThat(result.sequence()).isEqualTo(1))
        .expectNoEvent(Duration.ofMillis(100))
        .assertNext(result -> assertThat(result.sequence()).isEqualTo(2))
        .expectNoEvent(Duration.ofMillis(100))
        .assertNext(result -> assertThat(result.sequence()).isEqualTo(3))
        .expectComplete().verify(TIMEOUT);

    // Stop-and-wait would have sent at 0, 250, 500, 750.
    assertThat(prober.sendTimes(A)).containsExactly(0L, 100L, 200L, 300L);
  }

  @Test
  void resultsComeInSendOrderSoATimeoutHoldsBackOnlyTheLaterResultsOfItsTarget() {
    // The first probe times out after 300 ms; the others reply within 10 ms.
    var prober = new FakeProber(time, (target, index) -> index == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(10)));
    var options = StreamOptions.every(Duration.ofMillis(100)).count(4).probeSettings(ProbeSettings.defaults().timeout(Duration.ofMillis(300)));

    StepVerifier.withVirtualTime(() -> all(streams(prober), options, A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(300))
        .assertNext(result -> assertThat(result.outcome()).isEqualTo(PingOutcome.TIMEOUT))
        .assertNext(result -> assertThat(result.sequence()).isEqualTo(1))
        .assertNext(result -> assertThat(result.sequence()).isEqualTo(2))
        .expectNoEvent(Duration.ofMillis(10))
        .assertNext(result -> assertThat(result.sequence()).isEqualTo(3))
        .expectComplete().verify(TIMEOUT);

    assertThat(prober.sendTimes(A)).containsExactly(0L, 100L, 200L, 300L);
  }

  @Test
  void targetsAreSpreadEvenlyOverTheInterval() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(1));

    StepVerifier.withVirtualTime(() -> all(streams(prober), StreamOptions.every(Duration.ofSeconds(1)).count(2), A, B, C, D), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(2))
        .expectNextCount(8)
        .expectComplete().verify(TIMEOUT);

    assertThat(prober.sendTimes(A)).containsExactly(0L, 1000L);
    assertThat(prober.sendTimes(B)).containsExactly(250L, 1250L);
    assertThat(prober.sendTimes(C)).containsExactly(500L, 1500L);
    assertThat(prober.sendTimes(D)).containsExactly(750L, 1750L);
  }

  @Test
  void aSilentTargetDoesNotHoldUpTheOthers() {
    var prober = new FakeProber(time, (target, index) -> target.equals(A) ? Optional.empty() : Optional.of(Duration.ofMillis(1)));

    StepVerifier.withVirtualTime(() -> all(streams(prober), StreamOptions.every(Duration.ofMillis(100)), A, B), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofMillis(500))
        .recordWith(ArrayList::new)
        .expectNextCount(5) // B's probes sent at 50, 150, ..., 450; A's first times out at 1000
        .consumeRecordedWith(results -> assertThat(results).extracting(PingResult::target).containsOnly(B))
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void withoutDemandAStreamHoldsABoundedWindowAndSkipsTheProbesThatComeDue() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(5));
    // Timeout 1 s, interval 100 ms: a window of 10 + 2 probes.
    int window = PacedStreams.window(Duration.ofSeconds(1), Duration.ofMillis(100));
    assertThat(window).isEqualTo(12);

    StepVerifier.withVirtualTime(() -> all(streams(prober), StreamOptions.every(Duration.ofMillis(100)), A), () -> time, 0)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(10))
        .then(() -> {
          // 101 ticks in [0 s, 10 s]: 12 results held by the target's window and one by the
          // merge of the targets, the 14th probe waits for demand, the other 87 were skipped.
          assertThat(prober.sends()).hasSize(13);
          assertThat(skipped.sum()).isEqualTo(87);
        })
        .thenRequest(13)
        .expectNextCount(13)
        // Demand is back: the waiting probe leaves at once, then the clock resumes.
        .then(() -> assertThat(prober.sendTimes(A)).hasSize(14).endsWith(10_000L))
        .thenAwait(Duration.ofMillis(100))
        .then(() -> assertThat(prober.sendTimes(A)).hasSize(15).endsWith(10_100L))
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void aTimeoutOfMoreThan1022IntervalsHitsTheWindowCapAndASilentTargetSkipsProbesWhateverTheDemand() {
    // 1 ms interval, 2 s timeout: 2,000 probes would wait for their timeout; the window holds 1,024.
    var prober = FakeProber.silent(time);
    var options = StreamOptions.every(Duration.ofMillis(1)).probeSettings(ProbeSettings.defaults().timeout(Duration.ofSeconds(2)));
    assertThat(PacedStreams.window(Duration.ofMillis(1_022), Duration.ofMillis(1))).isEqualTo(PacedStreams.MAX_WINDOW);
    assertThat(PacedStreams.window(Duration.ofSeconds(2), Duration.ofMillis(1))).isEqualTo(PacedStreams.MAX_WINDOW);
    List<PingResult> results = new ArrayList<>();
    Disposable subscription = all(streams(prober), options, A).subscribe(results::add); // unbounded demand

    // Ticks at 0, 1, ..., 1999 ms: 1,024 sent, the 1,025th waits for room, the other 975 skipped.
    time.advanceTimeBy(Duration.ofMillis(1_999));
    assertThat(prober.sends()).hasSize(PacedStreams.MAX_WINDOW);
    assertThat(skipped.sum()).isEqualTo(975);
    assertThat(results).isEmpty();

    // From 2 s each timeout makes room for one probe: bursts of 1,024 probes every 2 s, 976 ticks skipped in between.
    time.advanceTimeBy(Duration.ofMillis(4_000));
    subscription.dispose();
    List<Long> bursts = new ArrayList<>();
    for (long start : new long[] {0, 2_000, 4_000}) {
      LongStream.range(start, start + 1_024).forEach(bursts::add);
    }
    assertThat(prober.sendTimes(A)).containsExactlyElementsOf(bursts);
    assertThat(skipped.sum()).as("6,000 ticks, 3,072 sent, one waiting").isEqualTo(6_000 - 3 * 1_024 - 1);
    assertThat(results).hasSize(2 * 1_024).extracting(PingResult::outcome).containsOnly(PingOutcome.TIMEOUT);
  }

  @Test
  void theRateLimitSpacesProbesAndEveryTargetStillGetsItsTurn() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(5));
    // Four targets every 100 ms ask for 40 probes/s; the limit allows 20.
    var options = StreamOptions.every(Duration.ofMillis(100)).rateLimit(20);
    Disposable subscription = all(streams(prober), options, A, B, C, D).subscribe();

    time.advanceTimeBy(Duration.ofMillis(1999));
    subscription.dispose();

    List<Long> times = prober.sends().stream().map(FakeProber.Send::atMillis).toList();
    assertThat(times).hasSize(40);
    for (int i = 1; i < times.size(); i++) {
      assertThat(times.get(i) - times.get(i - 1)).as("gap before send %d", i).isEqualTo(50);
    }
    Map<InetAddress, Long> perTarget = prober.sends().stream().collect(Collectors.groupingBy(FakeProber.Send::target, Collectors.counting()));
    assertThat(perTarget).containsOnlyKeys(A, B, C, D).allSatisfy((target, sends) -> assertThat(sends).isEqualTo(10));
    assertThat(skipped.sum()).isPositive();
  }

  @Test
  void theInFlightLimitCapsWaitingProbesAndEveryTargetStillGetsItsTurn() {
    var prober = FakeProber.silent(time);
    var options = StreamOptions.every(Duration.ofMillis(100)).maxInFlight(2).probeSettings(ProbeSettings.defaults().timeout(Duration.ofMillis(300)));
    List<PingResult> results = new ArrayList<>();
    Disposable subscription = all(streams(prober), options, A, B, C, D, E).subscribe(results::add);

    time.advanceTimeBy(Duration.ofSeconds(3));
    int sentBeforeCancel = prober.sends().size();
    subscription.dispose();

    assertThat(prober.maxInFlight()).isEqualTo(2);
    assertThat(results).extracting(PingResult::outcome).containsOnly(PingOutcome.TIMEOUT);
    // Two slots, each freed every 300 ms, taken in turn: 0, 20, 300, 320, ..., 2720, 3000 ms.
    assertThat(prober.sends()).hasSize(21);
    Map<InetAddress, Long> perTarget = prober.sends().stream().collect(Collectors.groupingBy(FakeProber.Send::target, Collectors.counting()));
    assertThat(perTarget).containsOnlyKeys(A, B, C, D, E).allSatisfy((target, sends) -> assertThat(sends).isBetween(4L, 5L));
    // Tearing down frees slots; they must not go to targets that are about to be cancelled.
    assertThat(prober.sends()).hasSize(sentBeforeCancel);
  }

  @Test
  void addedTargetsStartTheirOwnStreamsAndRemovedOnesStopWhileTheOthersGoOn() {
    // Replies take 500 ms, so A has a probe in flight when it is removed.
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(500));
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
    List<PingResult> results = new ArrayList<>();
    Disposable subscription = streams(prober).pingAll(sets.asFlux(), StreamOptions.every(Duration.ofSeconds(1))).subscribe(results::add);

    sets.tryEmitNext(List.of(A, B));
    time.advanceTimeBy(Duration.ofMillis(1200));
    sets.tryEmitNext(List.of(B, C, B));
    time.advanceTimeBy(Duration.ofMillis(1999));
    subscription.dispose();

    assertThat(prober.sendTimes(A)).containsExactly(0L, 1000L);
    assertThat(prober.sendTimes(B)).containsExactly(500L, 1500L, 2500L);
    assertThat(prober.sendTimes(C)).containsExactly(1200L, 2200L);
    // A's probe sent at 1000 ms was cancelled at 1200 ms; its result never came.
    assertThat(results).filteredOn(result -> result.target().equals(A)).extracting(PingResult::sequence).containsExactly(0);
    assertThat(prober.cancelled()).isGreaterThanOrEqualTo(1);
    // Only the target that left the set is reported removed; cancelling the whole Flux is not a removal.
    assertThat(removedTargets).containsExactly(A);
  }

  @Test
  void aResultWaitingForDemandWhenItsTargetIsRemovedIsDiscardedNotEmittedAfterTheRemoval() {
    assertRemovedTargetsWaitingResultIsDiscarded();
  }

  @Test
  void aResultWaitingForDemandIsDiscardedAlsoWhenAHookWrapsEverySubscriber() {
    // As tracing instrumentations and automatic context propagation do: the merge's subscriber
    // reaches the target stream wrapped, so the stream cannot find the merge through it.
    Hooks.onLastOperator("wrap", Operators.lift((scannable, subscriber) -> new PassThrough<>(subscriber)));
    try {
      assertRemovedTargetsWaitingResultIsDiscarded();
    } finally {
      Hooks.resetOnLastOperator("wrap");
    }
  }

  /** A subscriber that only passes signals on. */
  private record PassThrough<T>(reactor.core.CoreSubscriber<T> actual) implements reactor.core.CoreSubscriber<T> {
    @Override
    public reactor.util.context.Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(org.reactivestreams.Subscription subscription) {
      actual.onSubscribe(subscription);
    }

    @Override
    public void onNext(T value) {
      actual.onNext(value);
    }

    @Override
    public void onError(Throwable failure) {
      actual.onError(failure);
    }

    @Override
    public void onComplete() {
      actual.onComplete();
    }
  }

  private void assertRemovedTargetsWaitingResultIsDiscarded() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(10));
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.pingstream.PingRecorder logging = new io.pingstream.PingRecorder() {
      @Override
      public void targetRemoved(InetAddress target) {
        events.add("removed " + target.getHostAddress());
      }
    };
    var streams = new PacedStreams(prober, ProbeSettings.defaults(), new PacingClocks(Timebase.of(time)), skipped, logging);
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
    List<PingResult> discarded = new ArrayList<>();

    StepVerifier.withVirtualTime(() -> streams.pingAll(sets.asFlux(), StreamOptions.every(Duration.ofSeconds(1)))
            .doOnNext(result -> events.add("next " + result.target().getHostAddress() + " #" + result.sequence()))
            .doOnDiscard(PingResult.class, discarded::add), () -> time, 0)
        .expectSubscription()
        .then(() -> sets.tryEmitNext(List.of(A, B))) // A sends at 0 ms, B at 500 ms
        .thenAwait(Duration.ofMillis(600))            // both answered: A's result waits in the merge
        .then(() -> sets.tryEmitNext(List.of(B)))
        .thenAwait(Duration.ofMillis(100))
        .thenRequest(10)
        .assertNext(result -> assertThat(result.target()).isEqualTo(B))
        .thenAwait(Duration.ofSeconds(1))
        .assertNext(result -> assertThat(result.target()).isEqualTo(B))
        .thenCancel()
        .verify(TIMEOUT);

    assertThat(events).containsExactly("removed 127.0.0.1", "next 127.0.0.2 #0", "next 127.0.0.2 #1");
    assertThat(discarded).singleElement().satisfies(result -> {
      assertThat(result.target()).isEqualTo(A);
      assertThat(result.sequence()).isZero();
    });
  }

  @Test
  void aTargetThatFinishedItsCountStillDeliversItsLastResultOnceDemandComesUnlessItIsRemovedFirst() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(10));
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
    List<PingResult> discarded = new ArrayList<>();

    StepVerifier.withVirtualTime(() -> streams(prober).pingAll(sets.asFlux(), StreamOptions.every(Duration.ofMillis(100)).count(1))
            .doOnDiscard(PingResult.class, discarded::add), () -> time, 0)
        .expectSubscription()
        .then(() -> sets.tryEmitNext(List.of(A, B))) // A sends at 0 ms, B at 50 ms; both then finish
        .thenAwait(Duration.ofMillis(500))
        .then(() -> sets.tryEmitNext(List.of(A)))     // B leaves before its last result is delivered
        .thenRequest(10)
        .assertNext(result -> assertThat(result.target()).isEqualTo(A))
        .then(sets::tryEmitComplete)
        .expectComplete()
        .verify(TIMEOUT);

    assertThat(discarded).extracting(PingResult::target).containsExactly(B);
    assertThat(removedTargets).containsExactly(B);
  }

  @Test
  void aRemovedTargetIsReportedOnceItsProbesInFlightAreCancelled() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(500));
    List<Integer> inFlightWhenReported = new ArrayList<>();
    io.pingstream.PingRecorder reportingInFlight = new io.pingstream.PingRecorder() {
      @Override
      public void targetRemoved(InetAddress target) {
        inFlightWhenReported.add(prober.inFlight());
      }
    };
    var streams = new PacedStreams(prober, ProbeSettings.defaults(), new PacingClocks(Timebase.of(time)), skipped, reportingInFlight);
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
    List<PingResult> results = new ArrayList<>();
    Disposable subscription = streams.pingAll(sets.asFlux(), StreamOptions.every(Duration.ofSeconds(1))).subscribe(results::add);

    sets.tryEmitNext(List.of(A));
    time.advanceTimeBy(Duration.ofMillis(200));
    assertThat(prober.inFlight()).isEqualTo(1);
    sets.tryEmitNext(List.of());
    time.advanceTimeBy(Duration.ofSeconds(2));
    subscription.dispose();

    assertThat(inFlightWhenReported).containsExactly(0);
    assertThat(prober.cancelled()).isEqualTo(1);
    assertThat(prober.sends()).hasSize(1);
    assertThat(results).isEmpty();
  }

  /** Probes whose outcome comes 300 ms after they leave, and which cannot be cancelled. */
  private Prober tooLateToCancel(List<Long> sentAt) {
    // As a probe whose reply the engine is matching at that moment: too late to cancel, its
    // outcome is recorded before its future completes.
    return new Prober() {
      @Override
      public Mono<PingResult> probe(InetAddress target, ProbeSettings settings) {
        throw new AssertionError("paced streams use send");
      }

      @Override
      public CompletableFuture<PingResult> send(InetAddress target, ProbeSettings settings) {
        var future = new CompletableFuture<PingResult>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
          }
        };
        time.schedule(() -> future.complete(PingResult.reply(target, 0, Instant.EPOCH, Duration.ofMillis(300), 56, 64)), 300, TimeUnit.MILLISECONDS);
        sentAt.add(time.now(TimeUnit.MILLISECONDS));
        return future;
      }
    };
  }

  /**
   * Starts {@code pingAll} at 1 Hz with {@link #tooLateToCancel} probes and a recorder that logs
   * "removed at <ms>" into {@code events}; returns the sink of target sets.
   */
  private Sinks.Many<Collection<InetAddress>> pingAllTooLateToCancel(List<Long> sentAt, List<String> events) {
    io.pingstream.PingRecorder logging = new io.pingstream.PingRecorder() {
      @Override
      public void targetRemoved(InetAddress target) {
        events.add("removed at " + time.now(TimeUnit.MILLISECONDS));
      }
    };
    var streams = new PacedStreams(tooLateToCancel(sentAt), ProbeSettings.defaults(), new PacingClocks(Timebase.of(time)), skipped, logging);
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
    streams.pingAll(sets.asFlux(), StreamOptions.every(Duration.ofSeconds(1))).subscribe();
    return sets;
  }

  @Test
  void aRemovalIsReportedOnlyAfterAnOutcomeThatCouldNotBeCancelledIsIn() {
    List<Long> sent = new ArrayList<>();
    Prober tooLateToCancel = tooLateToCancel(sent);
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
    streams(tooLateToCancel).pingAll(sets.asFlux(), StreamOptions.every(Duration.ofSeconds(1))).subscribe();

    sets.tryEmitNext(List.of(A));
    time.advanceTimeBy(Duration.ofMillis(100));
    sets.tryEmitNext(List.of());
    time.advanceTimeBy(Duration.ofMillis(100));
    assertThat(sent).hasSize(1);
    assertThat(removedTargets).as("reported while the outcome was still coming").isEmpty();

    time.advanceTimeBy(Duration.ofMillis(200));
    assertThat(removedTargets).containsExactly(A);
  }

  @Test
  void aTargetAddedAgainBeforeItsRemovalIsReportedStartsOnceItIs() {
    List<Long> sent = new ArrayList<>();
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    Sinks.Many<Collection<InetAddress>> sets = pingAllTooLateToCancel(sent, events);

    sentThenRemovedAt100ms(sets);
    sets.tryEmitNext(List.of(A));          // back at 150 ms: must not send before the report
    time.advanceTimeBy(Duration.ofMillis(1_000));

    assertThat(events).containsExactly("removed at 300");
    assertThat(sent).containsExactly(0L, 300L);
  }

  @Test
  void aTargetThatFlapsWhileItsRemovalIsPendingStartsAfterEveryEarlierReport() {
    List<Long> sent = new ArrayList<>();
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    Sinks.Many<Collection<InetAddress>> sets = pingAllTooLateToCancel(sent, events);

    sentThenRemovedAt100ms(sets);
    sets.tryEmitNext(List.of(A));          // back at 150 ms, waiting for that report
    time.advanceTimeBy(Duration.ofMillis(50));
    sets.tryEmitNext(List.of());           // gone again at 200 ms, before it sent anything
    time.advanceTimeBy(Duration.ofMillis(50));
    sets.tryEmitNext(List.of(A));          // back at 250 ms: must wait for both reports
    time.advanceTimeBy(Duration.ofMillis(1_000));

    assertThat(events).containsExactly("removed at 300", "removed at 300");
    assertThat(sent).containsExactly(0L, 300L);
  }

  /** A is sent at 0 (its outcome comes at 300 ms) and removed at 100 ms; the clock is at 150 ms. */
  private void sentThenRemovedAt100ms(Sinks.Many<Collection<InetAddress>> sets) {
    sets.tryEmitNext(List.of(A));          // sends at 0; its outcome comes at 300 ms
    time.advanceTimeBy(Duration.ofMillis(100));
    sets.tryEmitNext(List.of());           // removed at 100 ms: reported at 300 ms
    time.advanceTimeBy(Duration.ofMillis(50));
  }

  @Test
  void aTargetRemovedWhileItsSocketOpensSendsNothingAndStopsWaitingForTheSocket() {
    var replying = FakeProber.replyingAfter(time, Duration.ofMillis(1));
    var preparations = new AtomicInteger();
    var abandoned = new AtomicInteger();
    Prober slowToOpen = new Prober() {
      @Override
      public Mono<PingResult> probe(InetAddress target, ProbeSettings settings) {
        return replying.probe(target, settings);
      }

      @Override
      public Mono<Void> prepare(InetAddress target) {
        return Mono.delay(Duration.ofMillis(300), time)
            .doOnSubscribe(subscription -> preparations.incrementAndGet())
            .doOnCancel(abandoned::incrementAndGet)
            .then();
      }
    };
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
    List<PingResult> results = new ArrayList<>();
    streams(slowToOpen).pingAll(sets.asFlux(), StreamOptions.every(Duration.ofMillis(100))).subscribe(results::add);

    sets.tryEmitNext(List.of(A, B));
    time.advanceTimeBy(Duration.ofMillis(100));
    sets.tryEmitNext(List.of(B));
    time.advanceTimeBy(Duration.ofMillis(1_000));

    assertThat(preparations).hasValue(2);
    assertThat(abandoned).hasValue(1);
    assertThat(replying.sendTimes(A)).isEmpty();
    assertThat(replying.sendTimes(B)).isNotEmpty().allSatisfy(at -> assertThat(at).isGreaterThanOrEqualTo(300L));
    assertThat(removedTargets).containsExactly(A);
    assertThat(results).allSatisfy(result -> assertThat(result.target()).isEqualTo(B));
  }

  @Test
  void churningTheTargetSetLeavesNothingBehindOnTheClockOrInFlight() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(300));
    var clocks = new PacingClocks(Timebase.of(time));
    var streams = new PacedStreams(prober, ProbeSettings.defaults(), clocks, skipped, recorder);
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
    List<PingResult> results = new ArrayList<>();
    Disposable subscription = streams.pingAll(sets.asFlux(), StreamOptions.every(Duration.ofSeconds(1))).subscribe(results::add);

    // 200 sets of 100 targets, each replacing half of the previous one, 250 ms apart.
    for (int round = 0; round < 200; round++) {
      List<InetAddress> set = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        set.add(address("127.2." + ((round + i / 50) % 256) + "." + (i % 50)));
      }
      sets.tryEmitNext(set);
      time.advanceTimeBy(Duration.ofMillis(250));
    }
    PacingClock clock = clocks.forInterval(Duration.ofSeconds(1));
    // The running 100, and at most the 200 removed within the last interval.
    assertThat(clock.tickers()).isBetween(100, 300);
    subscription.dispose();
    time.advanceTimeBy(Duration.ofSeconds(1));

    assertThat(clock.tickers()).as("tickers left one interval after the end").isZero();
    assertThat(prober.inFlight()).isZero();
    assertThat(results).isNotEmpty();
    assertThat(removedTargets).hasSizeGreaterThan(9_000);
  }

  @Test
  void aTargetThatFinishedItsCountIsNotRestartedWhileItStays() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(1));
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
    List<PingResult> results = new ArrayList<>();
    streams(prober).pingAll(sets.asFlux(), StreamOptions.every(Duration.ofMillis(100)).count(2)).subscribe(results::add);

    sets.tryEmitNext(List.of(A));
    time.advanceTimeBy(Duration.ofMillis(500));
    sets.tryEmitNext(List.of(A, B));
    time.advanceTimeBy(Duration.ofMillis(500));
    sets.tryEmitNext(List.of(B));
    sets.tryEmitNext(List.of(A, B));
    time.advanceTimeBy(Duration.ofMillis(500));

    assertThat(prober.sendTimes(A)).containsExactly(0L, 100L, 1000L, 1100L);
    assertThat(prober.sendTimes(B)).containsExactly(500L, 600L);
    assertThat(results).hasSize(6);
  }

  @Test
  void aTargetThatFinishedItsCountIsReportedWhenItLeavesTheSetButNotWhenTheFluxIsCancelled() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(1));
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
    Disposable subscription = streams(prober).pingAll(sets.asFlux(), StreamOptions.every(Duration.ofMillis(100)).count(1)).subscribe();

    sets.tryEmitNext(List.of(A, B));
    time.advanceTimeBy(Duration.ofMillis(500));
    assertThat(prober.sends()).hasSize(2);
    sets.tryEmitNext(List.of(B));
    time.advanceTimeBy(Duration.ofMillis(100));
    subscription.dispose();

    assertThat(removedTargets).containsExactly(A);
  }

  @Test
  void theFluxCompletesWhenTheTargetSetsCompleteAndEveryTargetHasSentItsCount() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(30));

    StepVerifier.withVirtualTime(() -> all(streams(prober), StreamOptions.every(Duration.ofMillis(100)).count(3), A, B), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofMillis(279)) // B's last probe leaves at 250 ms and replies at 280 ms
        .expectNextCount(5)
        .expectNoEvent(Duration.ofMillis(1))
        .expectNextCount(1)
        .expectComplete().verify(TIMEOUT);
  }

  @Test
  void anEmptySetCompletesAtOnce() {
    StepVerifier.withVirtualTime(() -> all(streams(FakeProber.silent(time)), StreamOptions.defaults()), () -> time, Long.MAX_VALUE)
        .expectComplete().verify(TIMEOUT);
  }

  @Test
  void cancellingStopsTheClockAndCancelsTheProbesInFlight() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(300));

    StepVerifier.withVirtualTime(() -> all(streams(prober), StreamOptions.every(Duration.ofMillis(100)), A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofMillis(250))
        .then(() -> assertThat(prober.inFlight()).isEqualTo(3))
        .thenCancel()
        .verify(TIMEOUT);

    assertThat(prober.inFlight()).isZero();
    assertThat(prober.cancelled()).isEqualTo(3);
    time.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(prober.sends()).hasSize(3);
  }

  @Test
  void errorResultsAreValuesAndTheStreamGoesOn() {
    AtomicInteger index = new AtomicInteger();
    Prober failingFirst = (target, settings) -> Mono.fromSupplier(() -> {
      int i = index.getAndIncrement();
      return i == 0
          ? PingResult.error(target, i, Instant.EPOCH, new IOException("sendto failed"))
          : PingResult.reply(target, i, Instant.EPOCH, Duration.ofMillis(1), 56, 64);
    });

    StepVerifier.withVirtualTime(() -> all(streams(failingFirst), StreamOptions.every(Duration.ofMillis(100)).count(2), A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .assertNext(result -> assertThat(result.error()).get().extracting(Throwable::getMessage).isEqualTo("sendto failed"))
        .thenAwait(Duration.ofMillis(100))
        .assertNext(result -> assertThat(result.isReply()).isTrue())
        .expectComplete().verify(TIMEOUT);
  }

  @Test
  void aTargetTheProberRefusesIsAnErrorAtEachIntervalAndTheOtherTargetsGoOn() {
    // As PingEngine.ping refuses multicast, the unspecified address, ...: before anything is sent.
    var replying = FakeProber.replyingAfter(time, Duration.ofMillis(5));
    Prober refusingA = (target, settings) -> target.equals(A)
        ? Mono.error(new TargetRefusedException(target, "a multicast address cannot be matched to its replies"))
        : replying.probe(target, settings);

    StepVerifier.withVirtualTime(() -> all(streams(refusingA), StreamOptions.every(Duration.ofMillis(100)).count(3), A, B), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .assertNext(result -> assertThat(result.target()).isEqualTo(A)) // at once, as a send error
        .expectNoEvent(Duration.ofMillis(55))
        .assertNext(result -> assertThat(result.target()).isEqualTo(B))
        .thenAwait(Duration.ofMillis(300))
        .recordWith(ArrayList::new)
        .expectNextCount(4)
        .consumeRecordedWith(results -> {
          assertThat(results).filteredOn(result -> result.target().equals(A)).hasSize(2);
          assertThat(results).filteredOn(result -> result.target().equals(B)).hasSize(2).allSatisfy(result -> assertThat(result.isReply()).isTrue());
        })
        .expectComplete().verify(TIMEOUT);
  }

  @Test
  void aRefusedProbeIsAnErrorResultWithoutSequenceCarryingTheRefusal() {
    var refusal = new TargetRefusedException(A, "the unspecified address cannot be matched to its replies");
    Prober refusing = (target, settings) -> Mono.error(refusal);

    StepVerifier.withVirtualTime(() -> all(streams(refusing), StreamOptions.every(Duration.ofMillis(100)).count(2), A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .assertNext(result -> {
          assertThat(result.target()).isEqualTo(A);
          assertThat(result.outcome()).isEqualTo(PingOutcome.ERROR);
          assertThat(result.sequence()).isEqualTo(-1);
          assertThat(result.error()).containsSame(refusal);
        })
        .thenAwait(Duration.ofMillis(100))
        .assertNext(result -> assertThat(result.outcome()).isEqualTo(PingOutcome.ERROR))
        .expectComplete().verify(TIMEOUT);
  }

  @Test
  void anyOtherIllegalArgumentExceptionOfTheProberFailsTheStream() {
    // Only a refusal of the target is a value: another failure is a fault, never a silent error result.
    var fault = new IllegalArgumentException("a bug in the prober");
    Prober faulty = (target, settings) -> Mono.error(fault);

    StepVerifier.withVirtualTime(() -> all(streams(faulty), StreamOptions.every(Duration.ofMillis(100)).count(2), A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectErrorMatches(error -> error == fault)
        .verify(TIMEOUT);
  }

  @Test
  void aProbeWhoseMonoIsEmptyDeliversNothingAndItsTargetGoesOn() {
    AtomicInteger index = new AtomicInteger();
    Prober emptyFirst = (target, settings) -> Mono.defer(() -> {
      int i = index.getAndIncrement();
      return i == 0 ? Mono.empty() : Mono.just(PingResult.reply(target, i, Instant.EPOCH, Duration.ofMillis(1), 56, 64));
    });

    StepVerifier.withVirtualTime(() -> all(streams(emptyFirst), StreamOptions.every(Duration.ofMillis(100)).count(3), A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofMillis(100))
        .assertNext(result -> assertThat(result.sequence()).isEqualTo(1))
        .thenAwait(Duration.ofMillis(100))
        .assertNext(result -> assertThat(result.sequence()).isEqualTo(2))
        .expectComplete().verify(TIMEOUT);
  }

  @Test
  void closingThePingerFailsAStreamThatHasNoDemand() {
    // Without demand a target only skips its ticks: no probe would ever fail.
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(5));
    var clocks = new PacingClocks(Timebase.of(time));
    var streams = new PacedStreams(prober, ProbeSettings.defaults(), clocks, skipped, recorder);

    StepVerifier.withVirtualTime(() -> all(streams, StreamOptions.every(Duration.ofMillis(100)), A), () -> time, 0)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(3)) // the window fills within ~1.3 s
        .then(prober::close)
        .thenAwait(Duration.ofMillis(100))
        .expectError(io.pingstream.EngineClosedException.class)
        .verify(TIMEOUT);
    assertThat(skipped.sum()).as("it was skipping").isPositive();
    assertThat(clocks.forInterval(Duration.ofMillis(100)).tickers()).isZero();
  }

  @Test
  void closingThePingerFailsAPingAllWithOpenTargetSetsWhoseTargetsAllFinished() {
    // No target ticks any more: only the watch on the prober's closing can notice.
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(1));
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();

    StepVerifier.withVirtualTime(() -> streams(prober).pingAll(sets.asFlux(), StreamOptions.every(Duration.ofMillis(100)).count(1)), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .then(() -> sets.tryEmitNext(List.of(A, B)))
        .thenAwait(Duration.ofMillis(100))
        .expectNextCount(2)
        .then(prober::close)
        .expectError(io.pingstream.EngineClosedException.class)
        .verify(TIMEOUT);
    assertThat(sets.currentSubscriberCount()).as("the target sets are cancelled").isZero();
  }

  @Test
  void closingThePingerFailsAPingAllWithOpenTargetSetsWhoseSetIsEmpty() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(1));
    Sinks.Many<Collection<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();

    StepVerifier.withVirtualTime(() -> streams(prober).pingAll(sets.asFlux(), StreamOptions.every(Duration.ofMillis(100))), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .then(() -> sets.tryEmitNext(List.of()))
        .expectNoEvent(Duration.ofSeconds(1))
        .then(prober::close)
        .expectError(io.pingstream.EngineClosedException.class)
        .verify(TIMEOUT);
  }

  @Test
  void aPingAllWhoseTargetSetsCompletedStillCompletesOnceItsTargetsFinishedAndIsNotFailedByALaterClose() {
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(1));

    StepVerifier.withVirtualTime(() -> all(streams(prober), StreamOptions.every(Duration.ofMillis(100)).count(2), A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofMillis(101))
        .expectNextCount(2)
        .expectComplete()
        .verify(TIMEOUT);
    prober.close(); // the watch on closing ended with the target sets
  }

  @Test
  void aSubscriberThatThrowsFromOnNextEndsTheStreamWithThatError() {
    // Against the spec; Reactor's operators then cancel upstream and pass the error to onError.
    var prober = FakeProber.replyingAfter(time, Duration.ofMillis(5));
    var clocks = new PacingClocks(Timebase.of(time));
    var streams = new PacedStreams(prober, ProbeSettings.defaults(), clocks, skipped, recorder);
    List<String> signals = new java.util.concurrent.CopyOnWriteArrayList<>();
    all(streams, StreamOptions.every(Duration.ofMillis(100)), A).subscribe(new reactor.core.CoreSubscriber<PingResult>() {
      @Override
      public void onSubscribe(org.reactivestreams.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(PingResult result) {
        signals.add("next");
        throw new IllegalStateException("subscriber bug");
      }

      @Override
      public void onError(Throwable error) {
        signals.add("error: " + error.getMessage());
      }

      @Override
      public void onComplete() {
        signals.add("complete");
      }
    });
    time.advanceTimeBy(Duration.ofSeconds(10));

    assertThat(signals).containsExactly("next", "error: subscriber bug");
    assertThat(prober.sends()).as("no probe after the stream ended").hasSize(1);
    assertThat(clocks.forInterval(Duration.ofMillis(100)).tickers()).isZero();
  }

  @Test
  void aProbeThatFailsFailsTheStreamAndStopsTheClock() {
    AtomicInteger attempts = new AtomicInteger();
    Prober noSocket = (target, settings) -> Mono.defer(() -> {
      attempts.incrementAndGet();
      return Mono.error(new SocketUnavailableException(IpFamily.IPV4, List.of(), "no ICMP socket"));
    });

    StepVerifier.withVirtualTime(() -> all(streams(noSocket), StreamOptions.every(Duration.ofMillis(100)), A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(SocketUnavailableException.class).hasMessage("no ICMP socket"))
        .verify(TIMEOUT);

    time.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aProberThatThrowsInsteadOfReturningAMonoFailsTheStreamAndStopsTheClock() {
    AtomicInteger attempts = new AtomicInteger();
    Prober broken = (target, settings) -> {
      attempts.incrementAndGet();
      throw new IllegalStateException("no probe for you");
    };

    StepVerifier.withVirtualTime(() -> all(streams(broken), StreamOptions.every(Duration.ofMillis(100)), A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(IllegalStateException.class).hasMessage("no probe for you"))
        .verify(TIMEOUT);

    time.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aClockThatCannotScheduleFailsTheStreamInsteadOfLeavingItSilent() {
    var scheduler = reactor.core.scheduler.Schedulers.newSingle("disposed-clock");
    var clocks = new PacingClocks(Timebase.of(scheduler));
    clocks.forInterval(Duration.ofMillis(100)); // the clock's worker exists, its scheduler is then disposed
    scheduler.dispose();
    var streams = new PacedStreams(FakeProber.replyingAfter(time, Duration.ofMillis(1)), ProbeSettings.defaults(), clocks, skipped, recorder);

    StepVerifier.create(all(streams, StreamOptions.every(Duration.ofMillis(100)).count(1), A))
        .expectError(java.util.concurrent.RejectedExecutionException.class)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aProbeThatFailsAfterTheLastOneLeftFailsTheStreamInsteadOfCompletingIt() {
    // Probe 0 replies at 150 ms; probe 1, the last, leaves at 100 ms and fails at 120 ms.
    AtomicInteger index = new AtomicInteger();
    Prober failingLast = (target, settings) -> Mono.defer(() -> index.getAndIncrement() == 0
        ? Mono.delay(Duration.ofMillis(150), time).map(tick -> PingResult.reply(target, 0, Instant.EPOCH, Duration.ofMillis(150), 56, 64))
        : Mono.delay(Duration.ofMillis(20), time).then(Mono.error(new IOException("engine closed"))));

    StepVerifier.withVirtualTime(() -> all(streams(failingLast), StreamOptions.every(Duration.ofMillis(100)).count(2), A), () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(120))
        .expectErrorMessage("engine closed")
        .verify(TIMEOUT);
  }

  @Test
  void theWindowCoversEveryProbeThatCanWaitForItsReplyAndIsCapped() {
    assertThat(PacedStreams.window(Duration.ofSeconds(1), Duration.ofSeconds(1))).isEqualTo(3);
    assertThat(PacedStreams.window(Duration.ofMillis(250), Duration.ofSeconds(1))).isEqualTo(3);
    assertThat(PacedStreams.window(Duration.ofMillis(2500), Duration.ofSeconds(1))).isEqualTo(5);
    assertThat(PacedStreams.window(Duration.ofHours(1), Duration.ofMillis(1))).isEqualTo(PacedStreams.MAX_WINDOW);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
