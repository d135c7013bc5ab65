package io.pingstream;

import static io.pingstream.LoopbackPingTest.await;
import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
}
