package io.pingstream.reactor;

import io.pingstream.PingRecorder;
import io.pingstream.EngineClosedException;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import io.pingstream.TargetRefusedException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;

/**
 * The paced probes of one target, as one hand-written operator: per probe it allocates one slot
 * and waits on the prober's future ({@link Prober#send}). The same stream built from Reactor
 * operators (ticks, {@code flatMapSequential}, {@code concatMap} over the admission) allocated 80
 * B more per probe and cost ~8% more CPU with 10,000 targets at 1 Hz, with the GC threads twice
 * as busy. Subscribing to a {@code Mono} per probe instead of waiting on the future allocated
 * 70-120 B more per probe, and the pacing thread used ~5% more CPU (5 interleaved pairs of runs).
 *
 * <p>Each tick of the {@link PacingClock} sends a probe unless {@code window} probes are already
 * sent and not yet delivered, or the previous tick still waits for its {@link Admission}; such a
 * tick waits (one at most) and is sent as soon as a slot or a permit frees, and later ones are
 * skipped and counted. Results are delivered in send order, as the subscriber requests them. A
 * probe whose future fails (an error <em>result</em> is a value) fails the stream and cancels the
 * others, except a target the prober refuses ({@link TargetRefusedException}): that probe
 * becomes an error result of sequence -1.
 *
 * <p>Lifecycle: the stream first has the prober open the target's socket ({@link
 * Prober#prepare}), so that the clock sends every probe; it completes when the target leaves its
 * set ({@link TargetSet.Start#stop}), withdrawing the result it may have waiting in the merge for
 * demand ({@link MergeStreams.Withdrawing}), and tells the recorder once every probe it sent has
 * settled (cancelled, or its outcome recorded), so that nothing of the target is recorded after
 * that. A target added again before that report starts after it ({@link TargetSet.Start#after}),
 * and reports come in the order of the removals. These were a {@code thenMany}, a {@code takeUntilOther} and a {@code doFinally} around
 * the stream, three more long-lived subscribers per target: with 10,000 targets at 1 Hz the JVM
 * used 14.1% of a core with them, 12.9% without (GC threads 0.13 against 0.10 s; medians of 5
 * interleaved pairs of 15 s runs).
 *
 * <p>Threads: every probe is sent on the clock's worker, so probes of one target leave in order;
 * results complete on any thread and are delivered by whichever thread drains. No prober,
 * engine or subscriber code runs under the stream's lock: they may call back into the stream
 * (a results subscriber that cancels, a send that fails at once).
 */
final class TargetStream extends Flux<PingResult> implements MergeStreams.Withdrawing {

  private static final AtomicLongFieldUpdater<Probes> REQUESTED = AtomicLongFieldUpdater.newUpdater(Probes.class, "requested");
  private static final AtomicIntegerFieldUpdater<Probes> WIP = AtomicIntegerFieldUpdater.newUpdater(Probes.class, "wip");
  private static final AtomicIntegerFieldUpdater<Probes> UNSETTLED = AtomicIntegerFieldUpdater.newUpdater(Probes.class, "unsettled");
  private static final AtomicIntegerFieldUpdater<Probes> REPORTED = AtomicIntegerFieldUpdater.newUpdater(Probes.class, "reported");

  private final Prober prober;
  private final InetAddress target;
  private final Duration offset;
  private final Mono<?> removal;
  /** Completes when the target's previous stream reported its removal. */
  private final Mono<Void> after;
  private final Sinks.Empty<Void> removalReported;
  private final ProbeSettings settings;
  private final PacingClock clock;
  private final Duration interval;
  private final long count;
  private final int window;
  private final @Nullable Admission admission;
  private final LongAdder skipped;
  private final PingRecorder recorder;
  /** Discards the result waiting in the merge; the merge hands it over before it subscribes. */
  private volatile Runnable withdraw = () -> {};

  /**
   * @param start the target, when its first probe is due, and the signal that it was removed
   * @param count probes to send, {@code Long.MAX_VALUE} for no end
   * @param admission the limits to ask before each probe, null for none
   * @param recorder told when the target is removed
   */
  TargetStream(Prober prober, TargetSet.Start start, ProbeSettings settings, PacingClock clock, Duration interval,
      long count, int window, @Nullable Admission admission, LongAdder skipped, PingRecorder recorder) {
    this.prober = prober;
    this.target = start.target();
    this.offset = start.offset();
    this.removal = start.stop();
    this.after = start.after();
    this.removalReported = start.reported();
    this.settings = settings;
    this.clock = clock;
    this.interval = interval;
    this.count = count;
    this.window = window;
    this.admission = admission;
    this.skipped = skipped;
    this.recorder = recorder;
  }

  @Override
  public void withdrawWith(Runnable withdraw) {
    this.withdraw = withdraw;
  }

  @Override
  public void subscribe(CoreSubscriber<? super PingResult> actual) {
    var subscription = new Probes(actual);
    actual.onSubscribe(subscription);
    subscription.start();
  }

  /** One subscription: the probes in flight in send order, and the delivery loop. */
  private final class Probes implements Subscription, PacingClock.Tick {

    private final CoreSubscriber<? super PingResult> actual;
    private final Admission.@Nullable Lane lane;
    private volatile PacingClock.@Nullable Ticker ticker;
    private volatile @Nullable Disposable preparing;
    private volatile @Nullable Disposable removalWatch;

    // Guarded by this.
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private long remaining = count;
    private boolean admitting;
    /** A tick that came while the window was full or a permit was awaited. Written under this. */
    private volatile boolean waiting;

    // Package-private for the field updaters.
    volatile long requested;
    volatile int wip;
    /** Probes sent or being sent whose future is not done yet; raised under this. */
    volatile int unsettled;
    /** 1 once the recorder was told of the removal. */
    volatile int reported;
    private volatile boolean cancelled;
    /** Set first by {@link #stop}: no probe leaves after it. */
    private volatile boolean stopped;
    /** The target left its set. Written under this. */
    private volatile boolean removed;
    /** Completed after sending its count. */
    private volatile boolean finished;
    private volatile @Nullable Throwable error;

    Probes(CoreSubscriber<? super PingResult> actual) {
      this.actual = actual;
      this.lane = admission == null ? null : admission.lane();
    }

    void start() {
      if (stopped) {
        return; // cancelled from onSubscribe
      }
      // Watched first: a target removed while its socket opens stops there.
      removalWatch = removal.subscribe(signal -> remove(), this::fail, this::remove);
      if (stopped) {
        return; // removed already
      }
      preparing = after.then(prober.prepare(target)).subscribe(null, this::prepareFailed, this::startTicking);
      if (stopped) {
        disposeLifecycle(); // stopped while these were being subscribed
      }
    }

    /**
     * The socket did not open: the stream fails, unless it stopped meanwhile. A stream of a
     * {@code pingAll} that had a sibling fail for this very reason, cancelled while it subscribed
     * to the open's outcome, would only log the failure once more, as dropped.
     */
    private void prepareFailed(Throwable failure) {
      if (!stopped) {
        fail(failure);
      }
    }

    private void startTicking() {
      if (stopped) {
        return;
      }
      try {
        ticker = clock.schedule(offset, interval, this);
      } catch (Throwable failure) {
        // E.g. the clock's scheduler was disposed; a callback of prepare's would only drop it.
        Exceptions.throwIfFatal(failure);
        fail(failure);
        return;
      }
      if (stopped) {
        stopTicking();
      }
    }

    /**
     * The target left its set: withdraw its result waiting in the merge, stop and complete, then
     * tell the recorder once every probe of the stream has settled, so that nothing of the target
     * is recorded after (a probe being sent is recorded as sent, and a reply being matched is
     * recorded, before their futures complete).
     */
    private void remove() {
      synchronized (this) {
        if (removed || error != null || (cancelled && !finished)) {
          return; // failed or cancelled: the target did not leave a running stream
        }
        removed = true;
      }
      // Its result waiting in the merge for demand, if any, is discarded, and so is any this
      // stream still hands over: only a result being delivered right now may still come out.
      withdraw.run();
      if (!finished) {
        stop();
        drain();
      }
      // Read after stop(): a send either counted its probe before stop() took the lock, or saw
      // the stream stopped and sent nothing.
      if (unsettled == 0) {
        reportRemoval();
      }
    }

    /** A probe's future is done: its outcome, if it had one, is recorded. */
    private void settled() {
      if (UNSETTLED.decrementAndGet(this) == 0 && removed) {
        reportRemoval();
      }
    }

    private void reportRemoval() {
      if (REPORTED.compareAndSet(this, 0, 1)) {
        // After the previous stream's report, if that is still to come: reports keep their order.
        after.subscribe(null, null, this::tellRecorder);
      }
    }

    private void tellRecorder() {
      try {
        recorder.targetRemoved(target);
      } catch (Throwable failure) {
        Exceptions.throwIfFatal(failure);
        Operators.onErrorDropped(failure, actual.currentContext());
      } finally {
        removalReported.tryEmitEmpty(); // the target, if added again meanwhile, starts now
      }
    }

    private void disposeLifecycle() {
      Disposable current = preparing;
      if (current != null) {
        current.dispose();
      }
      current = removalWatch;
      if (current != null) {
        current.dispose();
      }
    }

    private void stopTicking() {
      PacingClock.Ticker current = ticker;
      if (current != null) {
        current.cancel();
      }
    }

    @Override
    public void fire(long missed) {
      skipped.add(missed);
      synchronized (this) {
        if (remaining == 0 || over()) {
          stopTicking(); // e.g. the last probe left before this ticker was known
          return;
        }
      }
      if (prober.isClosed()) {
        fail(new EngineClosedException()); // even without demand, which sends nothing to fail
        return;
      }
      synchronized (this) {
        if (waiting) {
          skipped.increment();
          return;
        }
        waiting = true;
      }
      advance();
    }

    /** Sends the waiting tick's probe if the window and the limits allow it. On the clock only. */
    private void advance() {
      boolean ask;
      synchronized (this) {
        if (!waiting || admitting || remaining == 0 || slots.size() >= window || over()) {
          return;
        }
        ask = lane != null;
        if (ask) {
          admitting = true;
        } else {
          waiting = false;
        }
      }
      if (ask) {
        try {
          lane.admit().subscribe(permit -> clock.execute(() -> admitted(permit)), this::fail);
        } catch (Throwable failure) {
          Exceptions.throwIfFatal(failure);
          fail(failure);
        }
      } else {
        send(null);
      }
    }

    private void admitted(Admission.Permit permit) {
      synchronized (this) {
        admitting = false;
        waiting = false;
      }
      send(permit);
    }

    private void send(Admission.@Nullable Permit permit) {
      var slot = new Slot(permit);
      boolean accepted;
      boolean last = false;
      synchronized (this) {
        accepted = !over();
        if (accepted) {
          slots.add(slot); // before sending: the outcome may come before send returns
          last = --remaining == 0;
          UNSETTLED.incrementAndGet(this); // until its future is done: a removal is reported after
        }
      }
      if (!accepted) {
        slot.release();
        return;
      }
      if (last) {
        stopTicking();
      }
      CompletableFuture<PingResult> future;
      try {
        future = prober.send(target, settings);
      } catch (Throwable failure) {
        slot.accept(null, failure); // settles the probe, fails the stream
        Exceptions.throwIfFatal(failure);
        return;
      }
      slot.listen(future);
    }

    @Override
    public void request(long n) {
      if (Operators.validate(n)) {
        Operators.addCap(REQUESTED, this, n);
        drain();
      }
    }

    @Override
    public void cancel() {
      if (!cancelled) {
        cancelled = true;
        stop();
      }
    }

    private void fail(Throwable failure) {
      boolean first;
      synchronized (this) {
        first = error == null && !cancelled && !removed;
        if (first) {
          error = failure;
        }
      }
      if (!first) {
        Operators.onErrorDropped(failure, actual.currentContext());
        return;
      }
      if (admission != null) {
        // The failure ends every stream of the subscription: the slots they free as they are
        // cancelled must not go to each other's waiters.
        admission.close();
      }
      stop();
      drain();
    }

    private boolean over() {
      return stopped || cancelled || error != null;
    }

    /**
     * Stops the clock and the lifecycle's subscriptions, forgets the probes in flight and frees
     * their permits.
     */
    private void stop() {
      stopped = true;
      stopTicking();
      disposeLifecycle();
      List<Slot> abandoned;
      synchronized (this) {
        abandoned = new ArrayList<>(slots);
        slots.clear();
      }
      abandoned.forEach(Slot::abandon);
      if (lane != null) {
        lane.close();
      }
    }

    /** Delivers the results at the head of the send order, as far as demand goes. */
    private void drain() {
      if (WIP.getAndIncrement(this) != 0) {
        return;
      }
      int missed = 1;
      do {
        long delivered = 0;
        long demand = requested;
        boolean freed = false;
        while (!cancelled) {
          Throwable failure = error;
          if (failure != null) {
            cancelled = true;
            stopTicking();
            actual.onError(failure);
            return;
          }
          if (removed) {
            // The target left its set: what was not delivered yet goes with it.
            cancelled = true;
            actual.onComplete();
            return;
          }
          Slot head;
          boolean complete;
          synchronized (this) {
            head = slots.peek();
            // A failure, a cancel or a removal clears the slots under this lock: none is this completion.
            complete = head == null && remaining == 0 && error == null && !cancelled;
            if (head != null && head.done && (delivered < demand || head.result == null)) {
              slots.poll();
            } else {
              head = null;
            }
          }
          if (complete) {
            // The removal watch stays: a finished target that leaves its set is reported too.
            finished = true; // before cancelled: remove() reads them in the other order
            cancelled = true;
            stopTicking();
            if (lane != null) {
              lane.close();
            }
            actual.onComplete();
            return;
          }
          if (head == null) {
            break;
          }
          freed = true;
          if (head.result != null) {
            actual.onNext(head.result);
            delivered++;
          }
        }
        if (delivered > 0) {
          Operators.produced(REQUESTED, this, delivered);
        }
        if (freed && waiting) {
          clock.execute(this::advance);
        }
        missed = WIP.addAndGet(this, -missed);
      } while (missed != 0);
    }

    /** One probe: its result once done, and the means to cancel it. */
    private final class Slot implements BiConsumer<PingResult, Throwable> {

      private final Admission.@Nullable Permit permit;
      private volatile @Nullable CompletableFuture<PingResult> probe;
      private volatile boolean abandoned;
      // Written before done, read after it.
      private @Nullable PingResult result;
      private volatile boolean done;

      Slot(Admission.@Nullable Permit permit) {
        this.permit = permit;
      }

      /** Waits for the probe's outcome; cancels the probe if the stream let it go meanwhile. */
      void listen(CompletableFuture<PingResult> future) {
        probe = future;
        future.whenComplete(this);
        if (abandoned) {
          future.cancel(false); // abandoned while being sent, when there was no future to cancel
        }
      }

      /** The probe's outcome: a result (null if the prober's Mono was empty), or its failure. */
      @Override
      public void accept(@Nullable PingResult value, @Nullable Throwable failure) {
        settled();
        if (abandoned) {
          return; // cancelled here, or the stream stopped: nobody waits for it
        }
        try {
          release();
          if (failure instanceof TargetRefusedException refused) {
            // The prober refused the target (multicast, unscoped link-local, ...): an error
            // value, as a send the kernel refuses, so that the other targets go on.
            value = PingResult.error(target, -1, Instant.now(), refused);
          } else if (failure != null) {
            fail(failure);
            return;
          }
          result = value;
          done = true;
          drain();
        } catch (Throwable thrown) {
          // Thrown downstream: the future would swallow it, so report it as Reactor would.
          Operators.onErrorDropped(thrown, actual.currentContext());
        }
      }

      void abandon() {
        abandoned = true;
        CompletableFuture<PingResult> future = probe;
        if (future != null) {
          future.cancel(false);
        }
        release();
      }

      void release() {
        if (permit != null) {
          permit.release();
        }
      }
    }
  }
}
