package io.pingstream.reactor;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Merges any number of streams as {@code flatMap(stream -> stream, unbounded, 1)} does: every
 * stream runs at once and has at most one value waiting, so each keeps its own backpressure. The
 * difference is the cost with many streams: {@code flatMap} scans all its inner streams as it
 * drains, O(streams) per value (with 100,000 targets that made {@code pingAll} lose half its
 * probes), where here a stream with a value waiting joins one queue, O(1) per value.
 *
 * <p>Fails at the first error of the source or of a stream, cancelling the others; completes
 * when the source and every stream have completed. A stream that completes normally still has
 * its last value delivered; one that {@linkplain Withdrawing withdraws} has the value
 * it has waiting, and any it still emits, discarded instead.
 */
final class MergeStreams<T> extends Flux<T> {

  /**
   * A merged stream whose values may stop being wanted (a target that left its set). Before the
   * merge subscribes to it, it is handed the means to say so: a handle on the publisher, not a
   * cast of its subscriber, which Reactor's hooks (tracing, context propagation) may wrap.
   */
  interface Withdrawing {

    /**
     * Called once, before the merge subscribes: running {@code withdraw} (any thread, any time)
     * has the stream's value waiting for demand, and any it emits after, discarded ({@link
     * Operators#onDiscard}) rather than delivered; a value being delivered right then is not
     * recalled.
     */
    void withdrawWith(Runnable withdraw);
  }

  private final Publisher<? extends Publisher<? extends T>> streams;

  MergeStreams(Publisher<? extends Publisher<? extends T>> streams) {
    this.streams = streams;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    streams.subscribe(new Main<>(actual));
  }

  private static final class Main<T> implements CoreSubscriber<Publisher<? extends T>>, Subscription {

    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<Main> REQUESTED = AtomicLongFieldUpdater.newUpdater(Main.class, "requested");
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<Main> WIP = AtomicIntegerFieldUpdater.newUpdater(Main.class, "wip");

    private final CoreSubscriber<? super T> actual;
    /** The values waiting, each with its stream, in the order they came. */
    private final Queue<Ready<T>> ready = new ConcurrentLinkedQueue<>();
    private final Set<Inner<T>> running = ConcurrentHashMap.newKeySet();
    private volatile @Nullable Subscription source;

    volatile long requested;
    volatile int wip;
    private volatile boolean sourceDone;
    private volatile boolean cancelled;
    private volatile @Nullable Throwable error;

    Main(CoreSubscriber<? super T> actual) {
      this.actual = actual;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription subscription) {
      if (Operators.validate(source, subscription)) {
        source = subscription;
        actual.onSubscribe(this);
        subscription.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(Publisher<? extends T> stream) {
      if (stream == null) {
        onError(new NullPointerException("the source emitted a null stream"));
        return;
      }
      var inner = new Inner<>(this);
      running.add(inner);
      // After the add: a cancel or failure that ran meanwhile may not have seen this inner.
      if (cancelled || error != null) {
        running.remove(inner);
        return;
      }
      if (stream instanceof Withdrawing withdrawing) {
        withdrawing.withdrawWith(inner::withdraw);
      }
      stream.subscribe(inner);
    }

    @Override
    public void onError(Throwable failure) {
      fail(failure);
    }

    @Override
    public void onComplete() {
      sourceDone = true;
      drain();
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
        stopAll();
        drain();
      }
    }

    void fail(Throwable failure) {
      boolean first;
      synchronized (this) {
        first = error == null && !cancelled;
        if (first) {
          error = failure;
        }
      }
      if (!first) {
        Operators.onErrorDropped(failure, actual.currentContext());
        return;
      }
      stopAll();
      drain();
    }

    private void stopAll() {
      Subscription upstream = source;
      if (upstream != null) {
        upstream.cancel();
      }
      running.forEach(Inner::cancel);
      running.clear();
    }

    /** The subscriber threw from onNext, against the spec: end the stream with it, as Reactor's operators do. */
    private void onNextFailed(Throwable thrown) {
      cancelled = true;
      stopAll();
      discardReady();
      actual.onError(Operators.onOperatorError(thrown, actual.currentContext()));
    }

    /** Empties the queue, passing the values to the discard hook, as Reactor's operators do. */
    private void discardReady() {
      for (Ready<T> next = ready.poll(); next != null; next = ready.poll()) {
        Operators.onDiscard(next.value, actual.currentContext());
      }
    }

    void completed(Inner<T> inner) {
      running.remove(inner);
      drain();
    }

    private void drain() {
      if (WIP.getAndIncrement(this) != 0) {
        return;
      }
      int missed = 1;
      do {
        long delivered = 0;
        long demand = requested;
        while (true) {
          if (cancelled) {
            discardReady();
            return;
          }
          Throwable failure = error;
          if (failure != null) {
            cancelled = true;
            discardReady();
            actual.onError(failure);
            return;
          }
          // Read before the queue: a stream that completes after its last value is queued.
          boolean allDone = sourceDone && running.isEmpty();
          // Peeked, then polled below: this loop is the queue's only consumer.
          Ready<T> next = ready.peek();
          if (next != null && next.inner.withdrawn) {
            ready.poll();
            Operators.onDiscard(next.value, actual.currentContext());
            continue;
          }
          if (next == null || delivered == demand) {
            if (allDone && next == null) {
              cancelled = true;
              actual.onComplete();
              return;
            }
            break;
          }
          ready.poll();
          try {
            actual.onNext(next.value);
          } catch (Throwable thrown) {
            onNextFailed(thrown);
            return;
          }
          delivered++;
          next.inner.requestNext();
        }
        if (delivered > 0) {
          Operators.produced(REQUESTED, this, delivered);
        }
        missed = WIP.addAndGet(this, -missed);
      } while (missed != 0);
    }
  }

  /**
   * A value and the stream it came from. The value travels in this fresh object rather than in a
   * field of the long-lived stream: with G1 every reference from an old object to a new one dirties
   * a card that a refinement thread must scan, and 10,000 streams would dirty 10,000 a second.
   */
  private record Ready<T>(Inner<T> inner, T value) {}

  /** One merged stream: requests one value at a time, the next once this one is delivered. */
  private static final class Inner<T> implements CoreSubscriber<T> {

    private final Main<T> main;
    private volatile @Nullable Subscription subscription;
    private volatile boolean cancelled;
    /** Its values are discarded, not delivered; read by the drain loop. */
    volatile boolean withdrawn;

    Inner(Main<T> main) {
      this.main = main;
    }

    @Override
    public Context currentContext() {
      return main.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(subscription, s)) {
        subscription = s;
        if (cancelled) {
          s.cancel();
        } else {
          s.request(1);
        }
      }
    }

    @Override
    public void onNext(T next) {
      main.ready.offer(new Ready<>(this, next));
      main.drain();
    }

    @Override
    public void onError(Throwable failure) {
      // Stays in running: removing it first would let a drain see every stream done and
      // complete before the failure is recorded.
      main.fail(failure);
    }

    @Override
    public void onComplete() {
      main.completed(this);
    }

    /** The stream's values are no longer wanted: see {@link Withdrawing}. */
    void withdraw() {
      withdrawn = true;
      main.drain(); // discards the waiting value; after it the merge may be done
    }

    void requestNext() {
      Subscription s = subscription;
      if (s != null) {
        s.request(1);
      }
    }

    void cancel() {
      cancelled = true;
      Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }
}
