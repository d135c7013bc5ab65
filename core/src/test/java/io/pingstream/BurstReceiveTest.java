package io.pingstream;

import static io.pingstream.FidelityTest.expectedSource;
import static io.pingstream.testing.Requirements.requireNamespaces;
import static io.pingstream.testing.Requirements.requireNftables;
import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.testing.NetNamespace;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * When replies come faster than they are read one by one, the receive thread reads them in
 * batches without polling first; what it reads that way must be handled as well as what poll
 * reports.
 */
class BurstReceiveTest {

  private static final int WINDOW = 256;

  @ParameterizedTest
  @CsvSource({"RAW, 127.0.0.1", "DGRAM, 127.0.0.1", "RAW, ::1", "DGRAM, ::1"})
  void aBurstIsTimedByTheKernelLikeSingleProbes(SelectionPolicy policy, String address) throws Exception {
    requireNamespaces();
    var target = InetAddress.getByName(address);
    try (var ns = NetNamespace.create().allowDgram();
        var engine = PingEngine.create(PingOptions.defaults().policy(policy).namespace(ns.path()))) {
      Map<String, AtomicLong> sources = new ConcurrentHashMap<>();
      int probes = 20_000;
      awaitKernelStamps(engine, target);
      long repliesBefore = engine.stats().replies();

      burst(engine, i -> i < probes, i -> target, (i, result) ->
          sources.computeIfAbsent(result.timestampSource().map(Enum::name).orElse(result.outcome().name()), k -> new AtomicLong()).incrementAndGet());

      // Transmit stamps wait in the error queue: it must be read before the replies they time.
      assertThat(engine.stats().replies() - repliesBefore).isEqualTo(probes);
      assertThat(sources.getOrDefault(expectedSource().name(), new AtomicLong()).get()).as("%s", sources)
          .isGreaterThanOrEqualTo(probes * 99L / 100);
    }
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1, 127.0.0.2", "::1, ::2"})
  void icmpErrorsQueuedForADgramSocketAreReadDuringABurst(String answering, String rejecting) throws Exception {
    requireNftables();
    var good = InetAddress.getByName(answering);
    var bad = InetAddress.getByName(rejecting);
    try (var ns = NetNamespace.create().allowDgram().nft(
            "add table inet reject_test",
            "add chain inet reject_test input { type filter hook input priority 0 ; }",
            "add rule inet reject_test input ip daddr 127.0.0.2 icmp type echo-request reject with icmp type host-unreachable",
            "add rule inet reject_test input ip6 daddr ::2 icmpv6 type echo-request reject with icmpv6 type admin-prohibited");
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM).namespace(ns.path())
            .transmitTimestamps(false).timeout(Duration.ofSeconds(5)))) {
      ns.exec("ip", "-6", "addr", "add", "::2/128", "dev", "lo");
      var errors = new AtomicLong();
      var slowest = new AtomicLong();
      long[] sendTimes = new long[WINDOW * 4];
      Duration length = Duration.ofMillis(800);
      long end = System.nanoTime() + length.toNanos();

      int sent = burst(engine, i -> System.nanoTime() < end, i -> {
        sendTimes[i % sendTimes.length] = System.nanoTime();
        return i % 64 == 0 ? bad : good;
      }, (i, result) -> {
        if (i % 64 == 0) {
          assertThat(result.outcome()).isEqualTo(PingOutcome.ERROR);
          errors.incrementAndGet();
          slowest.accumulateAndGet(System.nanoTime() - sendTimes[i % sendTimes.length], Math::max);
        }
      });

      // The errors wait in the socket's error queue, which replies read without polling do not
      // bring along here (no transmit stamps): each must still be reported well within the burst.
      assertThat(errors.get()).isEqualTo((sent + 63) / 64);
      assertThat(Duration.ofNanos(slowest.get())).isLessThan(length.dividedBy(4));
    }
  }

  /**
   * Pings until a reply is timed by the kernel, for at most 5 s. Receive stamps depend on a
   * switch the kernel turns on for the whole host when the first socket asks for them, from a
   * deferred work: under load, replies can arrive unstamped for a while after the socket opens
   * (a whole 20,000-probe burst once in a loaded CI run), which is not what this test is about.
   */
  static void awaitKernelStamps(PingEngine engine, InetAddress target) throws Exception {
    awaitKernelStamps(engine, target, expectedSource());
  }

  /** As {@link #awaitKernelStamps(PingEngine, InetAddress)}, for replies timed by {@code source}. */
  static void awaitKernelStamps(PingEngine engine, InetAddress target, TimestampSource source) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (engine.ping(target).get(5, TimeUnit.SECONDS).timestampSource().orElse(null) != source) {
      assertThat(System.nanoTime()).as("a reply timed by the kernel within 5 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** What a test checks of each outcome, on the receive thread. */
  @FunctionalInterface
  interface OnResult {
    void accept(int index, PingResult result);
  }

  /**
   * Sends probe {@code i} to {@code target(i)} while {@code more(i)}, at most {@link #WINDOW}
   * unanswered, and waits for every outcome.
   *
   * @return how many probes were sent
   */
  private static int burst(PingEngine engine, IntPredicate more, IntFunction<InetAddress> target, OnResult onResult) throws Exception {
    var window = new Semaphore(WINDOW);
    var outcomes = new Semaphore(0);
    var failures = new AtomicLong();
    int sent = 0;
    while (more.test(sent)) {
      window.acquire();
      int index = sent++;
      engine.ping(target.apply(index)).whenComplete((result, error) -> {
        try {
          if (error != null) {
            failures.incrementAndGet();
          } else {
            onResult.accept(index, result);
          }
        } catch (AssertionError e) {
          failures.incrementAndGet();
        } finally {
          window.release();
          outcomes.release();
        }
      });
    }
    assertThat(outcomes.tryAcquire(sent, 30, TimeUnit.SECONDS)).isTrue();
    assertThat(failures.get()).isZero();
    return sent;
  }
}
