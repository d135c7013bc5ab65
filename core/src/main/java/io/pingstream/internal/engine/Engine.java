package io.pingstream.internal.engine;

import io.pingstream.AddressText;
import io.pingstream.EngineClosedException;
import io.pingstream.EngineStats;
import io.pingstream.IpFamily;
import io.pingstream.PingOptions;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import io.pingstream.SocketMode;
import io.pingstream.internal.engine.Counters.Event;
import io.pingstream.internal.jna.Errors;
import io.pingstream.internal.jna.LibC;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The engine behind {@link io.pingstream.PingEngine}: one lazily opened socket per address
 * family, one receive loop, one probe table. Not API.
 */
public final class Engine {

  /** One per mode: paced streams ask before every probe, which must not allocate. */
  private static final List<Optional<SocketMode>> MODES = Arrays.stream(SocketMode.values()).map(Optional::of).toList();

  private static final long JOIN_MILLIS = 5_000;
  private static final System.Logger LOG = System.getLogger(Engine.class.getName());

  private final PingOptions options;
  private final long signature;
  private final int identifier;
  private final Counters counters = new Counters();
  private final ProbeTable table = new ProbeTable(counters, this::publish);
  private final AtomicReferenceArray<IcmpSocket> sockets = new AtomicReferenceArray<>(2);
  private final Sinks.Many<PingResult> results = Sinks.many().multicast().directBestEffort();
  private final Object emitLock = new Object();
  private @Nullable ReceiveLoop loop;
  private @Nullable Thread loopThread;
  private volatile @Nullable Wakeup wakeup;
  private volatile boolean closed;

  public Engine(PingOptions options) {
    LibC.ensureAvailability();
    this.options = options;
    var random = new SecureRandom();
    this.signature = random.nextLong();
    this.identifier = random.nextInt(0x10000);
  }

  public PingOptions options() {
    return options;
  }

  public CompletableFuture<PingResult> ping(InetAddress target, ProbeSettings settings) {
    if (closed) {
      return CompletableFuture.failedFuture(new EngineClosedException());
    }
    IcmpSocket socket;
    try {
      socket = socketFor(IpFamily.of(target));
    } catch (IOException | EngineClosedException e) { // closed since the check above
      return CompletableFuture.failedFuture(e);
    }
    var probe = new PendingProbe(target, socket.family, settings, table);
    int errno;
    try {
      errno = socket.send(probe, table, signature);
    } catch (Throwable e) { // e.g. no memory to register it: it must not stay in the table
      table.abort(probe, e);
      throw e;
    }
    settle(probe, errno);
    return probe;
  }

  /**
   * Sends one probe to each of {@code targets}, in order; consecutive targets of one family go
   * together, up to {@link SendBatch#CAPACITY} per {@code sendmmsg(2)}. The futures are in the
   * targets' order.
   */
  public List<CompletableFuture<PingResult>> pingEach(List<InetAddress> targets, ProbeSettings settings) {
    var futures = new ArrayList<CompletableFuture<PingResult>>(targets.size());
    var batch = new PendingProbe[Math.min(targets.size(), SendBatch.CAPACITY)];
    var errnos = new int[batch.length];
    @Nullable IcmpSocket batchSocket = null;
    int count = 0;
    for (InetAddress target : targets) {
      IcmpSocket socket;
      try {
        socket = socketFor(IpFamily.of(target));
      } catch (IOException | EngineClosedException e) {
        futures.add(CompletableFuture.failedFuture(e));
        continue;
      }
      if (socket != batchSocket || count == batch.length) {
        sendAll(batchSocket, batch, count, errnos);
        batchSocket = socket;
        count = 0;
      }
      var probe = new PendingProbe(target, socket.family, settings, table);
      batch[count++] = probe;
      futures.add(probe);
    }
    sendAll(batchSocket, batch, count, errnos);
    return futures;
  }

  private void sendAll(@Nullable IcmpSocket socket, PendingProbe[] batch, int count, int[] errnos) {
    if (count == 0) {
      return;
    }
    try {
      socket.sendAll(batch, count, table, signature, errnos);
    } catch (Throwable e) { // e.g. no memory to register a probe: none of the batch may stay behind
      for (int i = 0; i < count; i++) {
        table.abort(batch[i], e);
      }
      throw e;
    }
    VirtualMachineError fatal = null;
    for (int i = 0; i < count; i++) {
      try {
        settle(batch[i], errnos[i]);
      } catch (VirtualMachineError e) { // from the recorder: the other probes still need deadlines
        fatal = fatal == null ? e : fatal;
      }
    }
    if (fatal != null) {
      throw fatal;
    }
  }

  /** What follows a probe's send: its deadline, or its failure. */
  private void settle(PendingProbe probe, int errno) {
    InetAddress target = probe.target;
    if (errno == 0) {
      counters.add(Event.SENT);
      boolean earliest;
      try {
        earliest = table.schedule(probe);
      } catch (Throwable e) { // no deadline: nothing would ever time it out
        table.abort(probe, e);
        throw e;
      }
      Wakeup wakeup = this.wakeup;
      if (earliest && wakeup != null) {
        wakeup.signal();
      }
      recordSent(target); // after the probe has its deadline: even a fatal error here leaks nothing
    } else if (errno == IcmpSocket.CLOSED) {
      table.abort(probe, new EngineClosedException()); // claimed, so a later cancel counts nothing
    } else {
      try {
        recordSent(target);
      } finally {
        PingResult result = PingResult.error(target, probe.sequence, probe.sentAt(), Errors.newException("sendto", errno, AddressText.of(target)));
        table.failed(probe, result);
      }
    }
  }

  /** Opens the family's socket now if it is not open yet; returns its mode. */
  public SocketMode open(IpFamily family) throws IOException {
    return socketFor(family).mode;
  }

  public Optional<SocketMode> socketMode(IpFamily family) {
    IcmpSocket socket = sockets.get(family.ordinal());
    return socket == null ? Optional.empty() : MODES.get(socket.mode.ordinal());
  }

  public Flux<PingResult> results() {
    return results.asFlux();
  }

  public EngineStats stats() {
    return counters.snapshot(table.inFlight());
  }

  public boolean isClosed() {
    return closed;
  }

  private IcmpSocket socketFor(IpFamily family) throws IOException {
    if (closed) {
      throw new EngineClosedException();
    }
    IcmpSocket socket = sockets.get(family.ordinal());
    return socket != null ? socket : openSocket(family);
  }

  private synchronized IcmpSocket openSocket(IpFamily family) throws IOException {
    if (closed) {
      throw new EngineClosedException();
    }
    IcmpSocket socket = sockets.get(family.ordinal());
    if (socket != null) {
      return socket;
    }
    socket = SocketOpener.open(family, options, identifier, signature);
    try {
      startLoop().attach(socket);
    } catch (Throwable e) { // no eventfd or no thread for the loop: nothing would poll the socket
      socket.close();
      throw e;
    }
    sockets.set(family.ordinal(), socket);
    return socket;
  }

  private ReceiveLoop startLoop() throws IOException {
    if (loop == null) {
      Wakeup wakeup = new Wakeup();
      this.wakeup = wakeup; // before the thread starts: its last act closes it
      try {
        // Room for a default-size reply behind the largest IPv4 header; reply slots grow for larger probes.
        int slotSize = Math.max(2048, options.size() + 60);
        var newLoop = new ReceiveLoop(table, counters, wakeup, signature, slotSize, this::publish, this::closeFds);
        var thread = new ReceiveThread(newLoop, "pingstream-receive-" + Integer.toHexString(identifier));
        thread.start();
        loop = newLoop;
        loopThread = thread;
      } catch (Throwable e) { // e.g. no native thread: the next socket opened tries again
        this.wakeup = null;
        wakeup.close();
        throw e;
      }
    }
    return loop;
  }

  /**
   * Hands an outcome to the recorder and the results sink. User code runs in both: what it
   * throws is logged and ignored, an {@link AssertionError} or a {@link LinkageError} of a
   * metrics library too, so that the other outcomes of a batch are still handed out. Only a
   * {@link VirtualMachineError} (out of memory, stack overflow) goes on up, after both ran.
   */
  private void publish(PingResult result) {
    VirtualMachineError fatal = null;
    try {
      options.recorder().recordResult(result);
    } catch (VirtualMachineError e) {
      fatal = e;
    } catch (Throwable e) {
      userCodeFailed("the PingRecorder", e);
    }
    emit(result);
    if (fatal != null) {
      throw fatal;
    }
  }

  /**
   * The sink is shared by the receive loop and the senders (send errors): serialize. Under a lock
   * of its own, so that a subscriber that blocks (against the rules) cannot also block {@link
   * #close}.
   */
  private void emit(PingResult result) {
    synchronized (emitLock) {
      if (results.currentSubscriberCount() > 0) {
        try {
          results.tryEmitNext(result);
        } catch (VirtualMachineError fatal) {
          throw fatal;
        } catch (Throwable e) { // Reactor rethrows e.g. a LinkageError from a subscriber
          userCodeFailed("a results() subscriber", e);
        }
      }
    }
  }

  private void recordSent(InetAddress target) {
    try {
      options.recorder().recordSent(target);
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Throwable e) {
      userCodeFailed("the PingRecorder", e);
    }
  }

  private static void userCodeFailed(String who, Throwable e) {
    LOG.log(System.Logger.Level.WARNING, who + " failed; ignoring", e);
  }

  public void close() {
    Thread thread;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      thread = loopThread;
      if (loop != null) {
        loop.stop();
      }
    }
    // The receive loop closes the sockets and the wake-up fd as it ends (see closeFds). From a
    // result's callback on the receive thread the loop ends, and closes them, once it returns;
    // from one on a sender's thread (a send error) the loop's last act waits for the emit lock
    // held here, so neither waits for the other.
    if (!Thread.holdsLock(emitLock)) {
      joinQuietly(thread);
    }
    table.abortAll(new EngineClosedException());
    if (thread == null) {
      completeResults(); // else the loop's last act does it: a subscriber may still hold its thread
    }
  }

  /**
   * Closes the sockets and the wake-up fd; the receive thread's last act, after {@link #close}
   * or after a fatal error ended the loop, which leaves the engine closed too.
   */
  private void closeFds() {
    synchronized (this) { // no socket may open after this, which nothing would close or poll
      closed = true;
      // A closed engine may stay reachable (a registry's gauges hold it): not with the loop's
      // transmit-stamp rings, 768 KiB a family.
      loop = null;
      for (int family = 0; family < 2; family++) {
        IcmpSocket socket = sockets.get(family);
        if (socket != null) {
          socket.close();
        }
      }
    }
    Wakeup wakeup = this.wakeup;
    if (wakeup != null) {
      wakeup.close();
    }
    // A probe sent while close() ran on this thread's callback has no loop left to time it out.
    table.abortAll(new EngineClosedException());
    completeResults();
  }

  /** Serialized with {@link #emit}: senders may still publish send errors. */
  private void completeResults() {
    synchronized (emitLock) {
      results.tryEmitComplete();
    }
  }

  private static void joinQuietly(@Nullable Thread thread) {
    // Closing from a result's callback on the receive thread: the loop ends once it returns.
    if (thread == null || thread == Thread.currentThread()) {
      return;
    }
    try {
      thread.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
