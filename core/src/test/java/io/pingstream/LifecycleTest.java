package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireNamespaces;
import static io.pingstream.testing.Requirements.requireNftables;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pingstream.testing.NativeHeap;
import io.pingstream.testing.NetNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  @Test
  void closeWithProbesInFlightCompletesThemAndLeavesNothingBehind() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().dropEchoRequests()) {
      long fdsBefore = openFileDescriptors();
      var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()).timeout(Duration.ofSeconds(30)));
      List<CompletableFuture<PingResult>> inFlight = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        inFlight.add(engine.ping(InetAddress.getByName(i % 2 == 0 ? "127.0.0.1" : "::1")));
      }
      assertThat(engine.stats().inFlight()).isEqualTo(100);
      assertThat(receiveThreads()).isEqualTo(1);

      engine.close();

      for (var future : inFlight) {
        assertThatThrownBy(() -> future.get(1, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(EngineClosedException.class);
      }
      assertThat(engine.stats().inFlight()).isZero();
      assertThat(receiveThreads()).isZero();
      assertThat(openFileDescriptors()).isEqualTo(fdsBefore);
    }
  }

  @Test
  void closeIsIdempotentAndLaterProbesFailFast() throws Exception {
    requireRaw();
    var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW));
    assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).isReply()).isTrue();
    engine.close();
    engine.close();

    assertThat(engine.isClosed()).isTrue();
    assertThatThrownBy(() -> engine.ping(InetAddress.getByName("127.0.0.1")).get(1, TimeUnit.SECONDS))
        .cause().isInstanceOf(EngineClosedException.class).hasMessage("the ping engine is closed");
    assertThatThrownBy(() -> engine.open(IpFamily.IPV4)).isInstanceOf(EngineClosedException.class);
  }

  @Test
  void aSubscriberStuckOnTheReceiveThreadDoesNotHangClose() throws Exception {
    requireRaw();
    var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW));
    var entered = new java.util.concurrent.CountDownLatch(1);
    var release = new java.util.concurrent.CountDownLatch(1);
    engine.results().subscribe(result -> { // blocks the receive thread, against the rules
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    var completed = engine.results().then().toFuture();
    try {
      engine.ping(InetAddress.getByName("127.0.0.1"));
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture.runAsync(engine::close).get(10, TimeUnit.SECONDS); // waits for the thread 5 s at most
      assertThat(engine.isClosed()).isTrue();
    } finally {
      release.countDown();
    }
    completed.get(10, TimeUnit.SECONDS); // the loop's last act, once the subscriber lets go
    assertNoReceiveThreadWithin5Seconds();
  }

  @Test
  void closingFromAResultCallbackNeitherStallsNorLeaks() throws Exception {
    requireRaw();
    long fdsBefore = openFileDescriptors();
    for (int i = 0; i < 20; i++) {
      var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW));
      var closed = new CompletableFuture<Long>();
      long start = System.nanoTime();
      // A results() subscriber runs where the result is made: on the receive thread.
      engine.results().subscribe(result -> {
        engine.close();
        closed.complete(System.nanoTime() - start);
      });
      engine.ping(InetAddress.getByName("127.0.0.1"));
      assertThat(Duration.ofNanos(closed.get(10, TimeUnit.SECONDS))).isLessThan(Duration.ofSeconds(2));
      assertThat(engine.isClosed()).isTrue();
    }
    assertNoReceiveThreadWithin5Seconds();
    assertThat(openFileDescriptors()).isEqualTo(fdsBefore);
  }

  @Test
  void anInterruptWhileASocketOpensInANamespaceNeitherFailsTheProbeNorLeaksTheSocket() throws Exception {
    requireNamespaces();
    long fdsBefore = openFileDescriptors();
    try (var ns = NetNamespace.create()) {
      for (int i = 0; i < 5; i++) {
        try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()))) {
          // The socket opens on a helper thread in the namespace; the caller used to stop
          // waiting for it, and the socket it opened was never closed.
          Thread.currentThread().interrupt();
          var probe = engine.ping(InetAddress.getByName("127.0.0.1"));
          assertThat(Thread.interrupted()).as("the interrupt stays set for the caller").isTrue();
          assertThat(await(probe).outcome()).isEqualTo(PingOutcome.REPLY);
        }
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (receiveThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(openFileDescriptors()).isEqualTo(fdsBefore);
  }

  @Test
  void closingFromASendErrorsCallbackOnTheSendingThreadDoesNotStall() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().nft(
            "add table inet output_test",
            "add chain inet output_test output { type filter hook output priority 0 ; }",
            "add rule inet output_test output ip daddr 127.0.0.2 icmp type echo-request drop")) {
      var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()));
      engine.open(IpFamily.IPV4);
      var closedAfter = new CompletableFuture<Duration>();
      // A send error is published on the thread that sent, which the subscriber closes from; the
      // close waited 5 s for the receive thread, which waited for the lock the emit held.
      engine.results().subscribe(result -> {
        long start = System.nanoTime();
        engine.close();
        closedAfter.complete(Duration.ofNanos(System.nanoTime() - start));
      });
      PingResult refused = await(engine.ping(InetAddress.getByName("127.0.0.2")));

      assertThat(refused.outcome()).isEqualTo(PingOutcome.ERROR);
      assertThat(closedAfter.get(10, TimeUnit.SECONDS)).isLessThan(Duration.ofSeconds(1));
      assertThat(engine.isClosed()).isTrue();
      assertNoReceiveThreadWithin5Seconds();
    }
  }

  @Test
  void closingFreesTheNativeBuffersAtOnceNotAtSomeLaterGc() throws Exception {
    requireRaw();
    // The largest probes get the largest receive buffers: 2 MiB per queue and family.
    var options = PingOptions.defaults().policy(SelectionPolicy.RAW).size(ProbeSettings.MAX_SIZE);
    long before = NativeHeap.inUse();
    for (int i = 0; i < 10; i++) {
      try (var engine = PingEngine.create(options)) {
        assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).isReply()).isTrue();
        assertThat(await(engine.ping(InetAddress.getByName("::1"))).isReply()).isTrue();
      }
    }
    // Left to JNA's cleaner, they waited for a GC, which a large heap may not run for long:
    // 200 engines made and closed held 1.5 GB.
    assertThat(NativeHeap.inUse() - before).isLessThan(16L << 20);
  }

  @Test
  void aClosedEngineThatStaysReachableHoldsLittleMemory() throws Exception {
    requireRaw();
    List<PingEngine> closed = new ArrayList<>();
    long before = usedHeapAfterGc();
    for (int i = 0; i < 50; i++) {
      var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW));
      assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).isReply()).isTrue();
      engine.close();
      closed.add(engine); // as the gauges of PingEngineMetrics keep it, for as long as the registry
    }
    // Each kept its receive loop, whose transmit-stamp rings alone take 1.5 MB.
    assertThat(usedHeapAfterGc() - before).isLessThan(20L << 20);
    assertThat(closed).allMatch(PingEngine::isClosed);
  }

  @Test
  void anOpenEngineHoldsTransmitStampRingsOnlyForTheFamiliesThatStampThem() throws Exception {
    requireRaw();
    List<PingEngine> engines = new ArrayList<>();
    long before = usedHeapAfterGc();
    try {
      for (int i = 0; i < 20; i++) {
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).transmitTimestamps(false));
        engines.add(engine);
        assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).isReply()).isTrue();
      }
      // A ring for each family took 1.5 MB an engine (30 MB here), whether a socket stamped its
      // requests or not; without them the 20 engines hold about 1.6 MB.
      assertThat(usedHeapAfterGc() - before).isLessThan(10L << 20);
    } finally {
      engines.forEach(PingEngine::close);
    }
  }

  @Test
  void anEngineThatNeverPingedOpensNothing() {
    long fdsBefore = openFileDescriptors();
    var engine = PingEngine.create(PingOptions.defaults());
    assertThat(engine.socketMode(IpFamily.IPV4)).isEmpty();
    assertThat(receiveThreads()).isZero();
    engine.close();
    assertThat(openFileDescriptors()).isEqualTo(fdsBefore);
  }

  @Test
  void cancellingAProbeForgetsItAtOnce() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().dropEchoRequests();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()).timeout(Duration.ofMillis(200)))) {
      var future = engine.ping(InetAddress.getByName("127.0.0.1"));
      assertThat(engine.stats().inFlight()).isEqualTo(1);

      assertThat(future.cancel(true)).isTrue();

      assertThat(engine.stats().inFlight()).isZero();
      Thread.sleep(400); // past the deadline: a cancelled probe must not time out as well
      assertThat(engine.stats().timeouts()).isZero();
      assertThat(future.isCancelled()).isTrue();
    }
  }

  @Test
  void completingAProbesFutureFromOutsideForgetsTheProbeAsCancellingDoes() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().dropEchoRequests();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()).timeout(Duration.ofMillis(200)))) {
      List<PingResult> published = new CopyOnWriteArrayList<>();
      engine.results().subscribe(published::add);
      var target = InetAddress.getByName("127.0.0.1");
      var completed = engine.ping(target);
      var failed = engine.ping(target);
      var timedOut = engine.ping(target).orTimeout(10, TimeUnit.MILLISECONDS);
      var completedAsync = engine.ping(target).completeAsync(() -> null);
      var obtruded = engine.ping(target);

      assertThat(completed.complete(null)).isTrue();
      assertThat(failed.completeExceptionally(new IllegalStateException("given up"))).isTrue();
      assertThatThrownBy(timedOut::join).hasCauseInstanceOf(TimeoutException.class);
      assertThat(completedAsync.join()).isNull();
      obtruded.obtrudeValue(null);

      // They used to stay in flight until their deadline, then time out (and a reply meanwhile
      // was published as a duplicate).
      assertThat(engine.stats().inFlight()).isZero();
      Thread.sleep(400); // past the deadline
      assertThat(engine.stats().timeouts()).isZero();
      assertThat(published).isEmpty();
      assertThat(completed.join()).isNull();
    }
  }

  @Test
  void aReplyToACancelledProbeIsCountedLateNotDelivered() throws Exception {
    requireRaw();
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      var target = InetAddress.getByName("127.0.0.1");
      await(engine.ping(target)); // socket and loop up
      int cancelled = 0;
      for (int i = 0; i < 200; i++) {
        if (engine.ping(target).cancel(true)) {
          cancelled++;
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (engine.stats().late() + engine.stats().replies() < 201 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      EngineStats stats = engine.stats();
      assertThat(stats.late()).isEqualTo(cancelled);
      assertThat(stats.replies()).isEqualTo(201 - cancelled);
      assertThat(stats.inFlight()).isZero();
    }
  }

  @Test
  void theResultsFluxSeesEveryOutcomeAndCompletesOnClose() throws Exception {
    requireRaw();
    var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW));
    List<PingResult> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    var completed = new CompletableFuture<Void>();
    engine.results().subscribe(seen::add, completed::completeExceptionally, () -> completed.complete(null));
    List<PingResult> returned = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      returned.add(await(engine.ping(InetAddress.getByName("127.0.0." + (i + 1)))));
    }
    engine.close();
    completed.get(2, TimeUnit.SECONDS);

    assertThat(seen).containsExactlyInAnyOrderElementsOf(returned);
  }

  /** Open sockets and eventfds of this JVM: what an engine may hold. */
  static long openFileDescriptors() {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(LifecycleTest::linkTarget)
          .filter(target -> target.startsWith("socket:") || target.contains("eventfd"))
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String linkTarget(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException e) {
      return ""; // closed while listing
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long receiveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("pingstream-receive"))
        .count();
  }

  /** The receive thread ends as its loop's last act, which may come a moment after close. */
  private static void assertNoReceiveThreadWithin5Seconds() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (receiveThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(receiveThreads()).isZero();
  }
}
