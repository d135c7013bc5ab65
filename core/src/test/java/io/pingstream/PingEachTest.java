package io.pingstream;

import static io.pingstream.FidelityTest.expectedSource;
import static io.pingstream.testing.Requirements.requireNamespaces;
import static io.pingstream.testing.Requirements.requireNftables;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pingstream.testing.NetNamespace;
import io.pingstream.testing.SyscallRefusal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link PingEngine#pingEach}: many probes handed to the kernel per call. */
class PingEachTest {

  @Test
  void everyTargetGetsItsOwnReplyInTheTargetsOrderAcrossBatchesAndFamilies() throws Exception {
    requireRaw();
    // 300 IPv4 targets with ::1 between runs of them: batches end at 64 and at each family change.
    List<InetAddress> targets = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      targets.add(InetAddress.getByName("127.2." + (1 + i / 250) + "." + (1 + i % 250)));
      if (i % 100 == 99) {
        targets.add(InetAddress.getByName("::1"));
      }
    }
    for (int i = 0; i < 70; i++) { // and a run of IPv6 probes (batched where the kernel stamps transmission)
      targets.add(InetAddress.getByName("::1"));
    }
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      List<PingResult> results = awaitAll(engine.pingEach(targets));

      assertThat(results).extracting(PingResult::target).containsExactlyElementsOf(targets);
      assertThat(results).allSatisfy(result -> assertThat(result.outcome()).as("%s", result).isEqualTo(PingOutcome.REPLY));
      assertThat(results.stream().filter(result -> result.target().getAddress().length == 4).map(PingResult::sequence).distinct())
          .hasSize(300);
      assertThat(results.stream().filter(result -> result.target().getAddress().length == 16).map(PingResult::sequence).distinct())
          .hasSize(73);
      assertThat(engine.stats().sent()).isEqualTo(targets.size());
      assertThat(engine.stats().replies()).isEqualTo(targets.size());
      assertThat(engine.stats().inFlight()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(value = SelectionPolicy.class, names = {"RAW", "DGRAM"})
  void batchedProbesAreTimedByTheKernel(SelectionPolicy policy) throws Exception {
    requireNamespaces();
    List<InetAddress> targets = loopbackTargets(200);
    try (var ns = NetNamespace.create().allowDgram();
        var engine = PingEngine.create(PingOptions.defaults().policy(policy).namespace(ns.path()))) {
      BurstReceiveTest.awaitKernelStamps(engine, targets.get(0));

      List<PingResult> results = awaitAll(engine.pingEach(targets));

      assertThat(results).allSatisfy(result -> {
        assertThat(result.outcome()).as("%s", result).isEqualTo(PingOutcome.REPLY);
        assertThat(result.timestampSource()).as("%s", result).contains(expectedSource());
      });
      assertThat(engine.socketMode(IpFamily.IPV4)).contains(policy == SelectionPolicy.RAW ? SocketMode.RAW : SocketMode.DGRAM);
    }
  }

  @Test
  void probesSentTogetherAreEachTimedFromWhenTheyLeft() throws Exception {
    requireRaw();
    assumeTrue(expectedSource() == TimestampSource.KERNEL, "batches need per-packet transmit stamps (Linux 6.13)");
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      // Each probe's transmit stamp, not the batch's start, begins its RTT.
      assertThat(medianLastOverFirstRttNanos(engine, TimestampSource.KERNEL)).isLessThan(30_000);
    }
  }

  @Test
  void withoutTransmitStampsProbesGoOneByOneSoNoRttIncludesTheProbesAheadOfIt() throws Exception {
    requireRaw();
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).transmitTimestamps(false))) {
      // Sent in one sendmmsg, the last probes' RTTs would include the sends before them (~90 us).
      assertThat(medianLastOverFirstRttNanos(engine, TimestampSource.KERNEL_RECEIVE)).isLessThan(30_000);
    }
  }

  @Test
  void aProbeTheKernelRefusesFailsAloneAndTheRestOfItsBatchIsSent() throws Exception {
    requireNftables();
    var refused = InetAddress.getByName("127.0.0.2");
    try (var ns = NetNamespace.create().nft(
            "add table inet output_test",
            "add chain inet output_test output { type filter hook output priority 0 ; }",
            "add rule inet output_test output ip daddr 127.0.0.2 icmp type echo-request drop");
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()))) {
      List<InetAddress> targets = loopbackTargets(40);
      targets.set(0, refused);
      targets.set(17, refused);
      targets.set(18, refused);
      targets.set(39, refused);

      List<PingResult> results = awaitAll(engine.pingEach(targets));

      for (int i = 0; i < targets.size(); i++) {
        PingResult result = results.get(i);
        assertThat(result.target()).isEqualTo(targets.get(i));
        if (targets.get(i).equals(refused)) {
          assertThat(result.errorKind()).as("%s", result).hasValue(ErrorKind.SEND_FAILED);
          assertThat(result.error()).hasValueSatisfying(cause -> assertThat(cause).hasMessageContaining("EPERM"));
        } else {
          assertThat(result.outcome()).as("%s", result).isEqualTo(PingOutcome.REPLY);
        }
      }
      assertThat(engine.stats().sendErrors()).isEqualTo(4);
      assertThat(engine.stats().replies()).isEqualTo(36);
    }
  }

  @ParameterizedTest(name = "sendmmsg fails with errno {0}")
  @ValueSource(ints = {38, 1}) // ENOSYS, EPERM: what seccomp profiles return for calls they refuse
  void whereTheKernelRefusesBatchesProbesGoOneByOne(int errno) throws Exception {
    requireRaw();
    assumeTrue(expectedSource() == TimestampSource.KERNEL, "batches need per-packet transmit stamps (Linux 6.13)");
    List<InetAddress> targets = loopbackTargets(200);
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      List<PingResult> results = SyscallRefusal.call(SyscallRefusal.SENDMMSG, errno, () -> awaitAll(engine.pingEach(targets)));

      assertThat(results).allSatisfy(result -> assertThat(result.outcome()).as("%s", result).isEqualTo(PingOutcome.REPLY));
      assertThat(engine.stats().sendErrors()).isZero();
    }
  }

  @Test
  void probesTooLargeForABatchSlotGoOneByOne() throws Exception {
    requireRaw();
    var settings = ProbeSettings.defaults().size(1500);
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      List<PingResult> results = awaitAll(engine.pingEach(loopbackTargets(10), settings));

      assertThat(results).allSatisfy(result -> {
        assertThat(result.outcome()).isEqualTo(PingOutcome.REPLY);
        assertThat(result.bytes()).isEqualTo(1480);
      });
    }
  }

  @Test
  void aRefusedTargetFailsInItsPlaceAndTheOthersAreSent() throws Exception {
    requireRaw();
    var targets = Arrays.asList(
        InetAddress.getByName("127.0.0.1"), InetAddress.getByName("224.0.0.1"), InetAddress.getByName("::ffff:127.0.0.3"));
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      List<CompletableFuture<PingResult>> futures = engine.pingEach(targets);

      assertThat(futures.get(0).get(5, TimeUnit.SECONDS).outcome()).isEqualTo(PingOutcome.REPLY);
      assertThatThrownBy(() -> futures.get(1).get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TargetRefusedException.class).hasMessageContaining("multicast");
      PingResult mapped = futures.get(2).get(5, TimeUnit.SECONDS);
      assertThat(mapped.outcome()).isEqualTo(PingOutcome.REPLY);
      assertThat(mapped.target()).isEqualTo(InetAddress.getByName("127.0.0.3"));
      assertThat(engine.stats().sent()).isEqualTo(2);
    }
  }

  @Test
  void aNullTargetSendsNothing() throws Exception {
    requireRaw();
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      assertThatThrownBy(() -> engine.pingEach(Arrays.asList(InetAddress.getByName("127.0.0.1"), null)))
          .isInstanceOf(NullPointerException.class);
      assertThat(engine.stats().sent()).isZero();
      assertThat(engine.pingEach(List.of())).isEmpty();
    }
  }

  @Test
  void aClosedEngineFailsEveryProbe() throws Exception {
    var engine = PingEngine.create(PingOptions.defaults());
    engine.close();

    List<CompletableFuture<PingResult>> futures = engine.pingEach(loopbackTargets(3));

    assertThat(futures).hasSize(3).allSatisfy(future -> assertThat(future).isCompletedExceptionally()
        .failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(EngineClosedException.class));
  }

  /**
   * Twenty rounds of {@code pingEach} over 64 loopback targets: the median over rounds of how much
   * longer the last eight probes' RTTs were than the first eight's.
   */
  private static long medianLastOverFirstRttNanos(PingEngine engine, TimestampSource source) throws Exception {
    List<InetAddress> targets = loopbackTargets(64);
    BurstReceiveTest.awaitKernelStamps(engine, targets.get(0), source);
    long[] gaps = new long[20];
    int bySource = 0;
    for (int round = 0; round < gaps.length; round++) {
      List<PingResult> results = awaitAll(engine.pingEach(targets));
      assertThat(results).allMatch(PingResult::isReply);
      bySource += (int) results.stream().filter(result -> result.timestampSource().orElseThrow() == source).count();
      gaps[round] = medianRtt(results.subList(56, 64)) - medianRtt(results.subList(0, 8));
    }
    // A few may fall back to the JVM's clock, e.g. when the receive thread is preempted between
    // its two clock readings under load; the bias this is about would show in every round.
    assertThat(bySource).as("replies timed by %s", source).isGreaterThanOrEqualTo(gaps.length * 64 * 9 / 10);
    Arrays.sort(gaps);
    return gaps[gaps.length / 2];
  }

  private static long medianRtt(List<PingResult> results) {
    long[] rtts = results.stream().mapToLong(PingResult::rttNanos).sorted().toArray();
    return rtts[rtts.length / 2];
  }

  private static List<InetAddress> loopbackTargets(int count) throws UnknownHostException {
    List<InetAddress> targets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      targets.add(InetAddress.getByName("127.0.1." + (1 + i)));
    }
    return targets;
  }

  private static List<PingResult> awaitAll(List<CompletableFuture<PingResult>> futures) throws Exception {
    List<PingResult> results = new ArrayList<>();
    for (var future : futures) {
      results.add(future.get(5, TimeUnit.SECONDS));
    }
    // No outcome handed to two probes (PingResult has no equals: this compares instances).
    Set<PingResult> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(results);
    assertThat(distinct).hasSameSizeAs(results);
    return results;
  }
}
