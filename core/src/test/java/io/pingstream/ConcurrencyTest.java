package io.pingstream;

import static io.pingstream.LifecycleTest.openFileDescriptors;
import static io.pingstream.LifecycleTest.receiveThreads;
import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireNftables;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.testing.NetNamespace;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many threads, many probes, cancels and close: every probe accounted for, nothing leaked. */
class ConcurrencyTest {

  @Test
  void manyThreadsShareOneEngineAndEachGetsItsOwnAnswers() throws Exception {
    requireRaw();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        workers.add(threads.submit(() -> {
          int checked = 0;
          for (int batch = 0; batch < 20; batch++) {
            List<CompletableFuture<PingResult>> futures = new ArrayList<>();
            List<InetAddress> targets = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
              var target = InetAddress.getByName("127." + (thread + 1) + "." + batch + "." + (i + 1));
              targets.add(target);
              futures.add(engine.ping(target));
            }
            for (int i = 0; i < futures.size(); i++) {
              PingResult result = await(futures.get(i));
              // Loopback may drop under this load (the kernel's backlog is 1,000 packets per
              // CPU): a probe may time out, but never get another probe's answer.
              assertThat(result.outcome()).isIn(PingOutcome.REPLY, PingOutcome.TIMEOUT);
              assertThat(result.target()).isEqualTo(targets.get(i));
              if (result.isReply()) {
                checked++;
              }
            }
          }
          return checked;
        }));
      }
      int total = 0;
      for (var worker : workers) {
        total += worker.get(60, TimeUnit.SECONDS);
      }
      Figures.report("8 threads on one engine", engine.stats(), "");
      assertThat(total).isGreaterThan(16_000 * 95 / 100);
      assertThat(engine.stats().replies()).isEqualTo(total);
      assertThat(engine.stats().replies() + engine.stats().timeouts()).isEqualTo(16_000);
      assertThat(engine.stats().malformed() + engine.stats().duplicates()).isZero();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aCancelStormLeavesNoPendingProbeAndEveryReplyAccountedFor() throws Exception {
    requireRaw();
    int perThread = 25_000;
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      var target = InetAddress.getByName("127.0.0.1");
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        workers.add(threads.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            engine.ping(target).cancel(true);
          }
          return null;
        }));
      }
      for (var worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
      long sent = engine.stats().sent();
      awaitQuiet(engine, sent);

      EngineStats stats = engine.stats();
      Figures.report("cancel storm, 4 threads", stats, "");
      assertThat(sent).isEqualTo(4L * perThread);
      assertThat(stats.inFlight()).isZero();
      // A reply either beat its cancel (a reply) or came after it (late); the kernel may drop
      // some when the receive buffer overflows, and says so.
      assertThat(stats.replies() + stats.late()).isLessThanOrEqualTo(sent);
      assertThat(sent - stats.replies() - stats.late()).isLessThanOrEqualTo(stats.receiveDropped());
      assertThat(stats.malformed() + stats.duplicates() + stats.timeouts()).isZero();
      assertThat(await(engine.ping(target)).outcome()).isEqualTo(PingOutcome.REPLY); // still alive
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aBoundedSoakOfMixedOutcomesReturnsToItsStartingResources() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().nft(
        "add table inet soak",
        "add chain inet soak input { type filter hook input priority 0 ; }",
        "add rule inet soak input ip daddr 127.0.0.2 icmp type echo-request drop",
        "add rule inet soak input ip daddr 127.0.0.3 icmp type echo-request reject with icmp type host-unreachable")) {
      long fdsBefore = openFileDescriptors();
      long heapBefore = usedHeapAfterGc();
      var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()).timeout(Duration.ofMillis(50)));
      var answering = InetAddress.getByName("127.0.0.1");
      var silent = InetAddress.getByName("127.0.0.2");
      var rejecting = InetAddress.getByName("127.0.0.3");
      int probes = 200_000;
      int[] outcomes = new int[PingOutcome.values().length];
      List<CompletableFuture<PingResult>> window = new ArrayList<>();
      for (int i = 0; i < probes; i++) {
        InetAddress target = i % 100 == 0 ? silent : i % 100 == 1 ? rejecting : answering;
        var future = engine.ping(target);
        if (i % 100 == 2) {
          future.cancel(true);
        } else {
          window.add(future);
        }
        if (window.size() == 1000) {
          for (var done : window) {
            outcomes[await(done).outcome().ordinal()]++;
          }
          window.clear();
        }
      }
      for (var done : window) {
        outcomes[await(done).outcome().ordinal()]++;
      }

      assertThat(outcomes[PingOutcome.TIMEOUT.ordinal()]).isEqualTo(probes / 100);
      assertThat(outcomes[PingOutcome.ERROR.ordinal()]).isEqualTo(probes / 100);
      assertThat(outcomes[PingOutcome.REPLY.ordinal()]).isEqualTo(probes - 3 * probes / 100);
      assertThat(engine.stats().inFlight()).isZero();
      engine.close();
      EngineStats stats = engine.stats();
      engine = null; // what the engine held must be collectable now
      long heapGrowth = usedHeapAfterGc() - heapBefore;
      Figures.report("soak, mixed outcomes", stats, "sockets and eventfds before " + fdsBefore
          + ", after close " + openFileDescriptors() + ", receive threads after close " + receiveThreads()
          + ", heap after GC grew by " + heapGrowth / 1024 + " KiB");
      assertThat(receiveThreads()).isZero();
      assertThat(openFileDescriptors()).isEqualTo(fdsBefore);
      assertThat(heapGrowth).isLessThan(8L << 20);
    }
  }

  /** Heap in use after collections, in bytes. */
  private static long usedHeapAfterGc() throws InterruptedException {
    var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static void awaitQuiet(PingEngine engine, long sent) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      EngineStats stats = engine.stats();
      if (stats.replies() + stats.late() + stats.receiveDropped() >= sent) {
        return;
      }
      Thread.sleep(10);
    }
  }
}
