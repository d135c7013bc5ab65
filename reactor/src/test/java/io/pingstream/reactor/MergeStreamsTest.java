package io.pingstream.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class MergeStreamsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void mergesEveryStreamAndCompletesWhenTheSourceAndAllStreamsHave() {
    var merged = new MergeStreams<>(Flux.just(Flux.just(1, 2, 3), Flux.<Integer>empty(), Flux.just(4, 5)));

    StepVerifier.create(merged.collectList())
        .assertNext(values -> assertThat(values).containsExactlyInAnyOrder(1, 2, 3, 4, 5))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void eachStreamIsAskedForOneValueAtATimeAndTheNextOnlyOnceThisOneIsDelivered() {
    List<Long> requestsA = new ArrayList<>();
    List<Long> requestsB = new ArrayList<>();
    Flux<Integer> a = Flux.range(0, 100).doOnRequest(requestsA::add);
    Flux<Integer> b = Flux.range(100, 100).doOnRequest(requestsB::add);

    StepVerifier.create(new MergeStreams<>(Flux.just(a, b)), 0)
        .expectSubscription()
        .then(() -> {
          // Nothing delivered yet: one value asked of each stream, and no more.
          assertThat(requestsA).containsExactly(1L);
          assertThat(requestsB).containsExactly(1L);
        })
        .thenRequest(3)
        .expectNextCount(3)
        .then(() -> assertThat(requestsA.size() + requestsB.size()).isEqualTo(2 + 3))
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void theFirstErrorFailsTheMergeAndCancelsTheOtherStreams() {
    AtomicInteger cancelled = new AtomicInteger();
    Sinks.Many<Integer> silent = Sinks.many().unicast().onBackpressureBuffer();
    Flux<Integer> failing = Flux.error(new IllegalStateException("boom"));

    StepVerifier.create(new MergeStreams<>(Flux.just(silent.asFlux().doOnCancel(cancelled::incrementAndGet), failing)))
        .expectErrorMessage("boom")
        .verify(TIMEOUT);

    assertThat(cancelled).hasValue(1);
  }

  @Test
  void cancellingCancelsTheSourceAndEveryStream() {
    var source = TestPublisher.<Flux<Integer>>create();
    AtomicInteger cancelled = new AtomicInteger();

    StepVerifier.create(new MergeStreams<>(source))
        .then(() -> {
          source.next(Flux.<Integer>never().doOnCancel(cancelled::incrementAndGet));
          source.next(Flux.<Integer>never().doOnCancel(cancelled::incrementAndGet));
        })
        .thenCancel()
        .verify(TIMEOUT);

    source.assertCancelled();
    assertThat(cancelled).hasValue(2);
  }

  @Test
  void streamsAddedLaterRunBesideTheEarlierOnesAndTheMergeWaitsForAll() {
    var source = TestPublisher.<Flux<Integer>>create();
    Sinks.Many<Integer> first = Sinks.many().unicast().onBackpressureBuffer();

    StepVerifier.create(new MergeStreams<>(source))
        .then(() -> source.next(first.asFlux()))
        .then(() -> first.tryEmitNext(1))
        .expectNext(1)
        .then(() -> source.next(Flux.just(2)))
        .expectNext(2)
        .then(source::complete)
        .expectNoEvent(Duration.ofMillis(50)) // the first stream still runs
        .then(() -> first.tryEmitComplete())
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void theValueWaitingOfAStreamThatWithdrawsIsDiscardedWhileOthersStillDeliverTheirLast() {
    // Each emits its value at once; with no demand it waits in the merge.
    var withdrawing = new WithdrawingStream(1);
    List<Object> discarded = new ArrayList<>();

    StepVerifier.create(new MergeStreams<>(Flux.just(withdrawing, Flux.just(2))).doOnDiscard(Integer.class, discarded::add), 0)
        .expectSubscription()
        .then(withdrawing::withdrawAndComplete)
        .expectNoEvent(Duration.ofMillis(50))
        .thenRequest(10)
        .expectNext(2) // completed normally: its last value is still delivered
        .expectComplete()
        .verify(TIMEOUT);

    assertThat(discarded).containsExactly(1);
  }

  @Test
  void aMergeWhoseLastWaitingValueIsWithdrawnCompletesWithoutDemand() {
    var withdrawing = new WithdrawingStream(1);

    StepVerifier.create(new MergeStreams<>(Flux.just(withdrawing)), 0)
        .expectSubscription()
        .then(withdrawing::withdrawAndComplete)
        .expectComplete()
        .verify(TIMEOUT);
  }

  /** Emits {@code value} when asked, then, when told, withdraws it and completes. */
  private static final class WithdrawingStream extends Flux<Integer> implements MergeStreams.Withdrawing {

    private final int value;
    private volatile reactor.core.CoreSubscriber<? super Integer> subscriber;
    private volatile Runnable withdraw;

    WithdrawingStream(int value) {
      this.value = value;
    }

    @Override
    public void subscribe(reactor.core.CoreSubscriber<? super Integer> actual) {
      subscriber = actual;
      actual.onSubscribe(new org.reactivestreams.Subscription() {
        boolean emitted;

        @Override
        public void request(long n) {
          if (!emitted) {
            emitted = true;
            actual.onNext(value);
          }
        }

        @Override
        public void cancel() {}
      });
    }

    @Override
    public void withdrawWith(Runnable withdraw) {
      this.withdraw = withdraw;
    }

    void withdrawAndComplete() {
      withdraw.run();
      subscriber.onComplete();
    }
  }

  @Test
  void aStreamThatFailsAfterTheSourceCompletedFailsTheMerge() {
    Sinks.Many<Integer> last = Sinks.many().unicast().onBackpressureBuffer();

    StepVerifier.create(new MergeStreams<>(Flux.just(Flux.just(1), last.asFlux())))
        .expectNext(1)
        .then(() -> last.tryEmitError(new IllegalStateException("late failure")))
        .expectErrorMessage("late failure")
        .verify(TIMEOUT);
  }

  @Test
  void aStreamEmittedWhileTheMergeIsCancelledIsCancelledToo() throws Exception {
    // Races the source's onNext against cancel(), many times (bounded: ~1 s).
    AtomicInteger leaked = new AtomicInteger();
    for (int i = 0; i < 10_000; i++) {
      AtomicInteger subscribed = new AtomicInteger();
      AtomicInteger cancelled = new AtomicInteger();
      Flux<Integer> stream = Flux.<Integer>never().doOnSubscribe(s -> subscribed.incrementAndGet()).doOnCancel(cancelled::incrementAndGet);
      Sinks.Many<Flux<Integer>> source = Sinks.many().unicast().onBackpressureBuffer();
      var subscription = new MergeStreams<>(source.asFlux()).subscribe();
      var barrier = new CyclicBarrier(2);
      var emitter = new Thread(() -> {
        await(barrier);
        source.tryEmitNext(stream);
      });
      emitter.start();
      await(barrier);
      subscription.dispose();
      emitter.join(5_000);
      // Cancelling twice is allowed (both sides of the race may see the other), never zero times.
      if (subscribed.get() > 0 && cancelled.get() == 0) {
        leaked.incrementAndGet();
      }
    }
    assertThat(leaked).as("streams subscribed and never cancelled").hasValue(0);
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void manyStreamsFromManyThreadsAreMergedWithoutLossOrDuplicates() {
    int streams = 2_000;
    int each = 50;
    Flux<Flux<Integer>> source = Flux.range(0, streams)
        .map(i -> Flux.range(i * each, each).subscribeOn(Schedulers.parallel()));

    StepVerifier.create(new MergeStreams<>(source).collectList())
        .assertNext(values -> assertThat(values).hasSize(streams * each).doesNotHaveDuplicates())
        .expectComplete()
        .verify(Duration.ofSeconds(30));
  }
}
