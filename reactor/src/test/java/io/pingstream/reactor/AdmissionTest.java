package io.pingstream.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

class AdmissionTest {

  private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

  @Test
  void aWaiterJoinsTheQueueOnlyWhenRequested() {
    var admission = new Admission(0, 1, Timebase.of(time));
    var subscriber = new BaseSubscriber<Admission.Permit>() {
      @Override
      protected void hookOnSubscribe(Subscription subscription) {
        // no demand yet
      }
    };
    admission.lane().admit().subscribe(subscriber);
    assertThat(admission.inFlight()).isZero();

    subscriber.request(1);

    assertThat(admission.inFlight()).isEqualTo(1);
  }

  @Test
  void aWaiterIsAdmittedWhenASlotFrees() {
    var admission = new Admission(0, 1, Timebase.of(time));
    List<Admission.Permit> granted = new ArrayList<>();
    admission.lane().admit().subscribe(granted::add);
    var waiting = admission.lane().admit();

    Disposable second = waiting.subscribe(granted::add);
    assertThat(granted).hasSize(1);
    assertThat(admission.inFlight()).isEqualTo(1);

    granted.get(0).release();
    granted.get(0).release(); // idempotent
    time.advanceTime();
    assertThat(granted).hasSize(2);
    assertThat(admission.inFlight()).isEqualTo(1);
    second.dispose();
  }

  @Test
  void aCancelledWaiterLeavesTheQueue() {
    var admission = new Admission(0, 1, Timebase.of(time));
    List<Admission.Permit> granted = new ArrayList<>();
    admission.lane().admit().subscribe(granted::add);
    Disposable cancelled = admission.lane().admit().subscribe(granted::add);
    admission.lane().admit().subscribe(granted::add);

    cancelled.dispose();
    granted.get(0).release();
    time.advanceTime();

    assertThat(granted).hasSize(2);
    assertThat(admission.inFlight()).isEqualTo(1);
  }

  @Test
  void closingALaneFreesThePermitsItStillHolds() {
    var admission = new Admission(0, 2, Timebase.of(time));
    var lane = admission.lane();
    lane.admit().subscribe();
    lane.admit().subscribe();
    assertThat(admission.inFlight()).isEqualTo(2);

    lane.close();

    assertThat(admission.inFlight()).isZero();
    lane.admit().subscribe();
    assertThat(admission.inFlight()).as("a closed lane admits nothing").isZero();
  }

  @Test
  void theRateLimitEarnsNoBurstWhileIdle() {
    var admission = new Admission(10, 0, Timebase.of(time));
    List<Long> grantedAt = new ArrayList<>();
    var lane = admission.lane();

    time.advanceTimeBy(Duration.ofSeconds(5));
    for (int i = 0; i < 3; i++) {
      lane.admit().subscribe(permit -> grantedAt.add(time.now(TimeUnit.MILLISECONDS)));
    }
    time.advanceTimeBy(Duration.ofSeconds(1));

    assertThat(grantedAt).containsExactly(5000L, 5100L, 5200L);
  }

  @Test
  void aClosedAdmissionAdmitsNothing() {
    var admission = new Admission(0, 1, Timebase.of(time));
    List<Admission.Permit> granted = new ArrayList<>();
    admission.lane().admit().subscribe(granted::add);
    admission.lane().admit().subscribe(granted::add);

    admission.close();
    granted.get(0).release();
    time.advanceTime();

    assertThat(granted).hasSize(1);
  }
}
