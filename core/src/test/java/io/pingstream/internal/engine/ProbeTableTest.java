package io.pingstream.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.IpFamily;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe table alone, without sockets: its deadlines. */
class ProbeTableTest {

  private final List<PingResult> published = new ArrayList<>();
  private final ProbeTable table = new ProbeTable(new Counters(), published::add);
  private int nextSequence;

  @Test
  void probesWithManyDistinctTimeoutsLeaveNoQueueBehind() throws Exception {
    // A caller may derive each probe's timeout from a deadline of its own: every one differs.
    int probes = 2_000;
    for (int i = 0; i < probes; i++) {
      scheduleProbe(Duration.ofMillis(1).plusNanos(i));
    }
    table.expire(System.nanoTime() + Duration.ofSeconds(1).toNanos(), this::timeOut);

    assertThat(published).hasSize(probes).allMatch(result -> result.outcome() == PingOutcome.TIMEOUT);
    assertThat(table.inFlight()).isZero();
    assertThat(table.deadlineQueues()).isLessThanOrEqualTo(ProbeTable.KEPT_QUEUES);
  }

  @Test
  void timeoutsUsedAgainAfterTheirQueuesWereDroppedStillExpire() throws Exception {
    int timeouts = 2 * ProbeTable.KEPT_QUEUES;
    for (int i = 0; i < timeouts; i++) {
      scheduleProbe(Duration.ofMillis(1 + i));
    }
    table.expire(System.nanoTime() + Duration.ofSeconds(1).toNanos(), this::timeOut);
    assertThat(table.deadlineQueues()).isLessThanOrEqualTo(ProbeTable.KEPT_QUEUES);
    published.clear();

    // At least half of these timeouts lost their queue: new probes must find live ones.
    var again = new ArrayList<Integer>();
    for (int i = 0; i < timeouts; i++) {
      again.add(scheduleProbe(Duration.ofMillis(1 + i)).sequence);
    }
    long next = table.expire(System.nanoTime() + Duration.ofSeconds(1).toNanos(), this::timeOut);

    assertThat(published).extracting(PingResult::sequence).containsExactlyInAnyOrderElementsOf(again);
    assertThat(next).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void noProbeIsLostToAQueueRetiredWhileItWasScheduled() throws Exception {
    int probes = 200_000;
    var farFuture = System.nanoTime() + Duration.ofDays(1).toNanos();
    var timedOut = new java.util.concurrent.atomic.AtomicInteger();
    var sender = new Thread(() -> {
      for (int i = 0; i < probes; i++) {
        // More timeouts than the table keeps idle queues for: queues empty out and retire often.
        var probe = new PendingProbe(InetAddress.getLoopbackAddress(), IpFamily.IPV4,
            ProbeSettings.defaults().timeout(Duration.ofMillis(1 + i % (4 * ProbeTable.KEPT_QUEUES))), table);
        probe.token = table.clock.next();
        table.register(probe);
        table.schedule(probe);
      }
    });
    sender.start();
    long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (timedOut.get() < probes && System.nanoTime() < giveUp) {
      table.expire(farFuture, probe -> {
        table.cancelled(probe);
        timedOut.incrementAndGet();
      });
    }
    sender.join();

    assertThat(timedOut).hasValue(probes);
    assertThat(table.inFlight()).isZero();
  }

  @Test
  void abortingABatchCountsOnlyTheProbesThatWereRegistered() throws Exception {
    // A batch that fails while its probes are being registered aborts all of them.
    PendingProbe registered = scheduleProbe(Duration.ofSeconds(1));
    var neverRegistered = new PendingProbe(InetAddress.getLoopbackAddress(), IpFamily.IPV4, ProbeSettings.defaults(), table);
    var cause = new IllegalStateException("failed while registering");

    table.abort(registered, cause);
    table.abort(neverRegistered, cause);
    table.abort(registered, cause); // close aborts what is left, once more
    neverRegistered.cancel(false); // a caller cancelling its failed future

    assertThat(table.inFlight()).isZero();
    assertThat(registered).isCompletedExceptionally();
    assertThat(neverRegistered).isCompletedExceptionally();
  }

  private PendingProbe scheduleProbe(Duration timeout) throws Exception {
    var probe = new PendingProbe(InetAddress.getLoopbackAddress(), IpFamily.IPV4, ProbeSettings.defaults().timeout(timeout), table);
    probe.sequence = nextSequence++;
    probe.token = table.clock.next();
    table.register(probe);
    table.schedule(probe);
    return probe;
  }

  private void timeOut(PendingProbe probe) {
    table.complete(probe, PingResult.timeout(probe.target, probe.sequence, probe.sentAt()), Counters.Event.TIMEOUT);
  }
}
