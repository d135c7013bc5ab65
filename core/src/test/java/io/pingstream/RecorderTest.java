package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireNftables;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pingstream.testing.NetNamespace;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RecorderTest {

  @Test
  void theRecorderSeesEverySendAndEveryOutcome() throws Exception {
    requireRaw();
    List<InetAddress> sent = new CopyOnWriteArrayList<>();
    List<PingResult> results = new CopyOnWriteArrayList<>();
    var recorder = new PingRecorder() {
      @Override
      public void recordSent(InetAddress target) {
        sent.add(target);
      }

      @Override
      public void recordResult(PingResult result) {
        results.add(result);
      }
    };
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).recorder(recorder))) {
      var first = await(engine.ping(InetAddress.getByName("127.0.0.1")));
      var second = await(engine.ping(InetAddress.getByName("::1")));

      assertThat(sent).containsExactly(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
      assertThat(results).containsExactly(first, second);
    }
  }

  @Test
  void aFailingRecorderDoesNotBreakTheEngine() throws Exception {
    requireRaw();
    var broken = new PingRecorder() {
      @Override
      public void recordResult(PingResult result) {
        throw new IllegalStateException("recorder bug");
      }
    };
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).recorder(broken))) {
      for (int i = 0; i < 3; i++) {
        assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).outcome()).isEqualTo(PingOutcome.REPLY);
      }
    }
  }

  @Test
  void aRecorderThrowingAnErrorIsIgnoredLikeAnException() throws Exception {
    requireRaw();
    var broken = new PingRecorder() {
      @Override
      public void recordSent(InetAddress target) {
        throw new AssertionError("recorder bug");
      }

      @Override
      public void recordResult(PingResult result) {
        throw new NoClassDefFoundError("a metrics library that is not there");
      }
    };
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).recorder(broken))) {
      for (int i = 0; i < 3; i++) {
        assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).outcome()).isEqualTo(PingOutcome.REPLY);
      }
      assertThat(engine.isClosed()).isFalse();
    }
  }

  @Test
  void aFatalErrorOnTheReceiveThreadClosesTheEngineAndLeavesNoProbeWaiting() throws Exception {
    requireRaw();
    var once = new AtomicBoolean(true);
    var outOfMemory = new PingRecorder() {
      @Override
      public void recordResult(PingResult result) {
        if (once.getAndSet(false)) {
          throw new OutOfMemoryError("simulated");
        }
      }
    };
    try (var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).recorder(outOfMemory))) {
      var completed = engine.results().then().toFuture();

      // The probe whose outcome met the error still gets it; the loop then ends and says so.
      assertThat(await(engine.ping(InetAddress.getByName("127.0.0.1"))).outcome()).isEqualTo(PingOutcome.REPLY);
      completed.get(10, TimeUnit.SECONDS);
      assertThat(engine.isClosed()).isTrue();
      assertThatThrownBy(() -> engine.ping(InetAddress.getByName("127.0.0.1")).get(1, TimeUnit.SECONDS))
          .cause().isInstanceOf(EngineClosedException.class);
    }
  }

  @Test
  void aFatalErrorFromRecordSentStillLeavesTheProbeItsTimeout() throws Exception {
    requireNftables();
    var once = new AtomicBoolean(true);
    var outOfMemory = new PingRecorder() {
      @Override
      public void recordSent(InetAddress target) {
        if (once.getAndSet(false)) {
          throw new OutOfMemoryError("simulated");
        }
      }
    };
    try (var ns = NetNamespace.create().dropEchoRequests();
        var engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path())
            .timeout(Duration.ofMillis(100)).recorder(outOfMemory))) {
      assertThatThrownBy(() -> engine.ping(InetAddress.getByName("127.0.0.1"))).isInstanceOf(OutOfMemoryError.class);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (engine.stats().inFlight() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(engine.stats().inFlight()).as("the probe timed out").isZero();
      assertThat(engine.stats().timeouts()).isEqualTo(1);
    }
  }
}
