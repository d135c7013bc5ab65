package io.pingstream.reactor;

import io.pingstream.PingResult;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A probe's {@code Mono} as a future, for {@link Prober#send}. Unlike {@code Mono.toFuture()},
 * cancelling it cancels the {@code Mono} <em>before</em> the future completes, as the engine
 * forgets a probe before completing its future. With a {@code Mono} that records nothing once
 * cancelled (the test probers), whoever waits for the future to be done knows that the probe is
 * gone; a {@code Mono} around an engine future whose reply is being matched right then still
 * records it (only the engine's own future, which {@link EngineProber} returns once the socket
 * is open, waits for that).
 */
final class ProbeFuture extends CompletableFuture<PingResult> implements CoreSubscriber<PingResult> {

  private volatile @Nullable Subscription subscription;

  /** Subscribes to {@code probe}, which sends it. */
  static ProbeFuture of(Mono<PingResult> probe) {
    var future = new ProbeFuture();
    probe.subscribe(future);
    return future;
  }

  private ProbeFuture() {}

  @Override
  public void onSubscribe(Subscription s) {
    if (Operators.validate(subscription, s)) {
      subscription = s;
      if (isCancelled()) {
        s.cancel(); // cancelled before it was subscribed
      } else {
        s.request(Long.MAX_VALUE);
      }
    }
  }

  @Override
  public void onNext(PingResult result) {
    complete(result);
  }

  @Override
  public void onError(Throwable failure) {
    completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    complete(null); // empty: no result; does nothing after onNext
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (isDone()) {
      return isCancelled();
    }
    Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    return super.cancel(mayInterruptIfRunning);
  }
}
