package io.pingstream.internal.engine;

import io.pingstream.IpFamily;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Supplier;

/**
 * One probe between its send and its outcome; the future the engine hands out. Cancelling or
 * completing it from outside forgets the probe at once, so a reply that comes later counts as
 * late. Not API.
 */
final class PendingProbe extends CompletableFuture<PingResult> {

  private static final AtomicIntegerFieldUpdater<PendingProbe> CLAIMED =
      AtomicIntegerFieldUpdater.newUpdater(PendingProbe.class, "claimed");

  final InetAddress target;
  /** The target's address bytes, compared with each reply's source. */
  final byte[] targetBytes;
  /** The IPv6 scope (interface index) of a link-local target, else 0. */
  final int scope;
  final IpFamily family;
  final ProbeSettings settings;
  private final ProbeTable table;

  /** Set under the socket's send lock, before the table publishes the probe. */
  int sequence;
  /** The probe's unique send timestamp ({@link System#nanoTime()} scale); its key in the table. */
  long token;
  /** Key of the probe's kernel transmit timestamp, when {@link #txKeyed}. */
  int txKey;
  boolean txKeyed;
  /** 1 once an outcome (reply, timeout, error, cancel, close) owns the probe. */
  private volatile int claimed;

  PendingProbe(InetAddress target, IpFamily family, ProbeSettings settings, ProbeTable table) {
    this.target = target;
    this.targetBytes = target.getAddress();
    this.scope = target instanceof Inet6Address v6 ? v6.getScopeId() : 0;
    this.family = family;
    this.settings = settings;
    this.table = table;
  }

  /** Wall-clock send time. */
  Instant sentAt() {
    return table.clock.toInstant(token);
  }

  /**
   * Takes the right to decide this probe's outcome; true for exactly one caller. The winner
   * updates the counters before completing the future, so whoever sees the outcome also sees
   * it counted.
   */
  boolean claim() {
    return CLAIMED.compareAndSet(this, 0, 1);
  }

  /** Completes the future with the engine's outcome; only the claim's winner calls it. */
  void settle(PingResult result) {
    super.complete(result);
  }

  /** Fails the future with the engine's outcome (e.g. closed); only the claim's winner calls it. */
  void fail(Throwable cause) {
    super.completeExceptionally(cause);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return forget() ? super.cancel(mayInterruptIfRunning) : isCancelled();
  }

  /**
   * Completing the future from outside (e.g. {@code completeOnTimeout}) forgets the probe as
   * cancelling does: it leaves the in-flight count, and neither a later reply nor its timeout is
   * published for it.
   */
  @Override
  public boolean complete(PingResult value) {
    return forget() && super.complete(value);
  }

  /** As {@link #complete}: e.g. {@code orTimeout} forgets the probe. */
  @Override
  public boolean completeExceptionally(Throwable cause) {
    return forget() && super.completeExceptionally(cause);
  }

  /**
   * As {@link #complete}: the JDK's own would complete the future without this class seeing it.
   * (Its one-argument form calls this one.) Like the JDK's, it skips the supplier once the future
   * is done, and a failure completes it with a {@link CompletionException}.
   */
  @Override
  public CompletableFuture<PingResult> completeAsync(Supplier<? extends PingResult> supplier, Executor executor) {
    Objects.requireNonNull(supplier, "supplier");
    executor.execute(() -> {
      if (isDone()) {
        return;
      }
      try {
        complete(supplier.get());
      } catch (Throwable failure) {
        completeExceptionally(failure instanceof CompletionException ? failure : new CompletionException(failure));
      }
    });
    return this;
  }

  /** Forgets the probe first, as {@link #complete} does. */
  @Override
  public void obtrudeValue(PingResult value) {
    forget();
    super.obtrudeValue(value);
  }

  /** Forgets the probe first, as {@link #completeExceptionally} does. */
  @Override
  public void obtrudeException(Throwable cause) {
    forget();
    super.obtrudeException(cause);
  }

  /** Claims the probe for an outcome decided outside the engine and drops it from the table. */
  private boolean forget() {
    if (claim()) {
      table.cancelled(this);
      return true;
    }
    return false;
  }
}
