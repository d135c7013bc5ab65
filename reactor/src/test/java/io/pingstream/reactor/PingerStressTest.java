package io.pingstream.reactor;

import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.EngineStats;
import io.pingstream.PingOptions;
import io.pingstream.PingOutcome;
import io.pingstream.PingRecorder;
import io.pingstream.PingResult;
import io.pingstream.SelectionPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/** Many subscribers, cancels and threads through one shared Pinger. */
class PingerStressTest {

  private Pinger pinger;
  private ExecutorService threads;

  @BeforeEach
  void create() {
    requireRaw();
    pinger = Pinger.create(PingOptions.defaults().policy(SelectionPolicy.RAW));
    threads = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void close() {
    if (threads != null) {
      threads.shutdownNow();
    }
    if (pinger != null) {
      pinger.close();
    }
  }

  @Test
  void churningTheTargetsOfPingAllLeavesNoRecorderStateForRemovedTargets() throws Exception {
    // The recorder's view, as a metrics recorder keeps it: a target lives from its first send
    // until it is reported removed. A probe sent after that report would bring it back for good.
    // Recording a send is made slow, so that removals land while sends are under way.
    var live = ConcurrentHashMap.<InetAddress>newKeySet();
    var sent = new AtomicLong();
    PingRecorder tracking = new PingRecorder() {
      @Override
      public void recordSent(InetAddress target) {
        LockSupport.parkNanos(100_000);
        live.add(target);
        sent.incrementAndGet();
      }

      @Override
      public void targetRemoved(InetAddress target) {
        live.remove(target);
      }
    };
    try (var churned = Pinger.create(PingOptions.defaults().policy(SelectionPolicy.RAW).recorder(tracking))) {
      Sinks.Many<List<InetAddress>> sets = Sinks.many().unicast().onBackpressureBuffer();
      var errors = new ArrayList<Throwable>();
      var subscription = churned.pingAll(sets.asFlux(), StreamOptions.every(Duration.ofMillis(20))).subscribe(result -> {}, errors::add);
      var random = new Random(7);
      List<InetAddress> last = List.of();
      // 400 sets of about 40 of 80 loopback targets, 3 ms apart.
      for (int round = 0; round < 400; round++) {
        List<InetAddress> set = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
          if (random.nextBoolean()) {
            set.add(InetAddress.getByAddress(new byte[] {127, 3, 0, (byte) i}));
          }
        }
        sets.tryEmitNext(set);
        last = set;
        Thread.sleep(3);
      }
      // Every target of the last set sends within an interval of being added.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!live.containsAll(last) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      assertThat(errors).isEmpty();
      assertThat(sent.get()).isGreaterThan(1_000);
      assertThat(live).containsExactlyInAnyOrderElementsOf(last);
      subscription.dispose();
    }
  }

  @Test
  void aStormOfSubscribeThenCancelLeavesNothingPendingAndEmitsNothingLate() throws Exception {
    var target = InetAddress.getByName("127.0.0.1");
    pinger.probe(target).block(Duration.ofSeconds(5)); // socket open, so every probe really leaves
    var emitted = new AtomicLong();
    long repliesBefore = pinger.engine().stats().replies();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      workers.add(threads.submit(() -> {
        for (int i = 0; i < 25_000; i++) {
          pinger.probe(target).subscribe(result -> emitted.incrementAndGet()).dispose();
        }
        return null;
      }));
    }
    for (var worker : workers) {
      worker.get(120, TimeUnit.SECONDS);
    }
    awaitQuiet();
    EngineStats stats = pinger.engine().stats();

    assertThat(stats.inFlight()).isZero();
    // A probe whose cancel came first is forgotten: its reply is counted late and never emitted.
    // Only probes whose reply won the race may emit (an emission under way when dispose() is
    // called may finish after it, as Reactive Streams allows), so emissions <= replies.
    assertThat(emitted.get()).isLessThanOrEqualTo(stats.replies() - repliesBefore);
    assertThat(stats.malformed() + stats.duplicates() + stats.timeouts()).isZero();
    // Each probe either answered before its cancel or was cancelled first and its reply came late.
    assertThat(stats.replies() + stats.late() + stats.receiveDropped()).isGreaterThanOrEqualTo(stats.sent());
    assertThat(pinger.probe(target).block(Duration.ofSeconds(5)).outcome()).isEqualTo(PingOutcome.REPLY);
  }

  @Test
  void manyThreadsStreamingThroughOnePingerEachGetTheirOwnTargets() throws Exception {
    List<Future<List<PingResult>>> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      workers.add(threads.submit(() -> {
        List<InetAddress> targets = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
          targets.add(InetAddress.getByName("127.9." + thread + "." + i));
        }
        return pinger.pingAll(targets, Duration.ofMillis(20), 5)
            .publishOn(Schedulers.boundedElastic())
            .collectList()
            .block(Duration.ofSeconds(30));
      }));
    }
    for (int t = 0; t < 4; t++) {
      List<PingResult> results = workers.get(t).get(60, TimeUnit.SECONDS);
      String prefix = "/127.9." + t + ".";
      assertThat(results).hasSize(250);
      assertThat(results).allSatisfy(result -> {
        assertThat(result.outcome()).isEqualTo(PingOutcome.REPLY);
        assertThat(result.target().toString()).startsWith(prefix);
      });
    }
    assertThat(pinger.engine().stats().inFlight()).isZero();
  }

  @ParameterizedTest(name = "maxInFlight {0}")
  @ValueSource(ints = {0, 60})
  void aSlowSubscriberRequestingFromAnotherThreadGetsEveryTargetsResultsOnceAndInSendOrder(int maxInFlight) throws Exception {
    List<InetAddress> targets = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      targets.add(InetAddress.getByName("127.8." + maxInFlight + "." + i));
    }
    // A window of 6 probes per target (20 ms timeout, 5 ms interval): the subscriber, far slower
    // than the 40,000 results a second, makes every target hold ticks and skip others.
    var options = StreamOptions.every(Duration.ofMillis(5)).count(40).probeSettings(pinger.options().probeSettings().timeout(Duration.ofMillis(20)));
    if (maxInFlight > 0) {
      options = options.maxInFlight(maxInFlight);
    }
    List<PingResult> results = Collections.synchronizedList(new ArrayList<>());
    var done = new CompletableFuture<Void>();
    var random = new Random(7);
    long skippedBefore = pinger.skippedProbes();
    var subscriber = new BaseSubscriber<PingResult>() {
      @Override
      protected void hookOnSubscribe(Subscription subscription) {
        // no demand yet: the requester thread gives it
      }

      @Override
      protected void hookOnNext(PingResult result) {
        results.add(result);
        if (random.nextInt(50) == 0) {
          request(1); // from inside onNext too
        }
      }

      @Override
      protected void hookOnComplete() {
        done.complete(null);
      }

      @Override
      protected void hookOnError(Throwable error) {
        done.completeExceptionally(error);
      }
    };
    pinger.pingAll(targets, options).subscribe(subscriber);
    Future<?> requester = threads.submit(() -> {
      while (!done.isDone()) {
        subscriber.request(1 + random.nextInt(16));
        Thread.sleep(1);
      }
      return null;
    });

    done.get(60, TimeUnit.SECONDS);
    requester.get(5, TimeUnit.SECONDS);

    assertThat(results).hasSize(200 * 40);
    assertThat(results).extracting(PingResult::outcome).containsOnly(PingOutcome.REPLY);
    var byTarget = results.stream().collect(Collectors.groupingBy(PingResult::target));
    assertThat(byTarget).hasSize(200).allSatisfy((target, ofTarget) -> {
      assertThat(ofTarget).hasSize(40);
      for (int i = 1; i < ofTarget.size(); i++) {
        int step = (ofTarget.get(i).sequence() - ofTarget.get(i - 1).sequence()) & 0xFFFF;
        assertThat(step).as("sequence step of %s at %d", target, i).isBetween(1, 0x7FFF);
      }
    });
    assertThat(pinger.skippedProbes() - skippedBefore).as("ticks skipped while the subscriber lagged").isPositive();
    awaitQuiet();
    assertThat(pinger.engine().stats().inFlight()).isZero();
  }

  private void awaitQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      EngineStats stats = pinger.engine().stats();
      if (stats.replies() + stats.late() + stats.receiveDropped() >= stats.sent()) {
        return;
      }
      Thread.sleep(10);
    }
  }

}
