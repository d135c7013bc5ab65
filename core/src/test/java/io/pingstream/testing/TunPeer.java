package io.pingstream.testing;

import io.pingstream.IpFamily;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A remote host played on a TUN device inside a {@link NetNamespace}: it answers the echo
 * requests sent to {@link #ipv4()} and {@link #ipv6()} as its {@link Behaviour} says, with delay,
 * loss, duplicates, corruption or ICMP errors. The kernel here has no {@code netem}; this is how
 * tests get faults.
 *
 * <pre>{@code
 * try (NetNamespace ns = NetNamespace.create();
 *     TunPeer peer = TunPeer.start(ns);
 *     PingEngine engine = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW).namespace(ns.path()))) {
 *   peer.behave(Behaviour.reply().delay(Duration.ofMillis(5)));
 *   PingResult result = engine.ping(peer.ipv4()).get();
 * }
 * }</pre>
 *
 * <p>The device {@value #DEVICE} holds 10.200.0.1/24 and fd00:200::1/64 on the namespace's side;
 * the peer is 10.200.0.2 and fd00:200::2, and any other address of those subnets routes to it too
 * (e.g. {@link #router} as the source of ICMP errors). The addresses exist only inside the
 * namespace, so nothing leaves the machine. One peer per namespace.
 *
 * <p>One daemon thread reads the device and answers at once; delayed answers wait on one
 * scheduler thread, at most {@value #MAX_PENDING} at a time, and are sent when their delay,
 * counted from the read of the request, is over: the thread parks until a millisecond before and
 * spins the rest (a 5 ms delay measures ~5.1 ms at the engine here; parking alone gave ~5.3 ms).
 * Needs root: CAP_SYS_ADMIN to enter the namespace, CAP_NET_ADMIN for the device (see {@link
 * Requirements#requireTun()}). Anything else the namespace sends
 * to the device (router and neighbour solicitations, MLD) is ignored. A failure on those threads
 * (e.g. a throwing delay function) is kept and thrown by {@link #close()}.
 */
public final class TunPeer implements AutoCloseable {

  /** The TUN device's name inside the namespace. */
  public static final String DEVICE = "pst0";
  /** Delayed answers that may wait at once; one more is a failure of the test. */
  public static final int MAX_PENDING = 4096;
  /** Requests kept by {@link #requests()}: the most recent ones. */
  public static final int MAX_RECORDED = 1024;

  private static final InetAddress LOCAL_V4 = literal("10.200.0.1");
  private static final InetAddress PEER_V4 = literal("10.200.0.2");
  private static final InetAddress ROUTER_V4 = literal("10.200.0.254");
  private static final InetAddress LOCAL_V6 = literal("fd00:200::1");
  private static final InetAddress PEER_V6 = literal("fd00:200::2");
  private static final InetAddress ROUTER_V6 = literal("fd00:200::fe");
  private static final int POLL_MILLIS = 50;
  /** Delayed answers wake this early and spin the rest: parking alone overshoots by ~0.3 ms here. */
  private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(1_000);
  private static final long STOP_MILLIS = 2_000;

  private final TunDevice tun;
  private final Thread reader;
  private final ScheduledThreadPoolExecutor scheduler;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLongArray requestCounts = new AtomicLongArray(2);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final ArrayDeque<Request> recorded = new ArrayDeque<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong laterFailures = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Script script = new Script(request -> Behaviour.reply());
  private volatile boolean running = true;

  /** The behaviour chooser installed by {@link #behave}, and the requests it has seen. */
  private record Script(Function<? super Request, Behaviour> chooser, AtomicLong seen) {
    Script(Function<? super Request, Behaviour> chooser) {
      this(chooser, new AtomicLong());
    }
  }

  private TunPeer(TunDevice tun) {
    this.tun = tun;
    this.scheduler = new ScheduledThreadPoolExecutor(1, task -> daemon(task, "tunpeer-" + tun.name() + "-delay"));
    scheduler.setRemoveOnCancelPolicy(true);
    this.reader = daemon(this::readLoop, "tunpeer-" + tun.name() + "-reader");
    reader.start();
  }

  /**
   * Creates the device in {@code namespace}, gives it its addresses and starts answering every
   * echo request at once with a correct reply.
   *
   * @throws IOException when the device cannot be created (needs CAP_NET_ADMIN and /dev/net/tun)
   */
  public static TunPeer start(NetNamespace namespace) throws IOException {
    Objects.requireNonNull(namespace, "namespace");
    TunDevice tun = TunDevice.open(namespace.path(), DEVICE);
    try {
      namespace.sh("ip link set " + DEVICE + " up"
          + " && ip addr add " + LOCAL_V4.getHostAddress() + "/24 dev " + DEVICE
          + " && ip -6 addr add " + LOCAL_V6.getHostAddress() + "/64 dev " + DEVICE + " nodad");
      awaitLocalRoute(namespace);
      return new TunPeer(tun);
    } catch (IOException | RuntimeException e) {
      tun.close();
      throw e;
    }
  }

  /**
   * Waits for the IPv6 address's local route. A "nodad" address is a valid source at once, but
   * the kernel adds its local route later, from a work queue; an answer that arrives before that
   * is treated as one to forward, and dropped (Ip6InAddrErrors).
   */
  private static void awaitLocalRoute(NetNamespace namespace) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_MILLIS);
    String[] command = {"ip", "-6", "route", "show", "table", "local", LOCAL_V6.getHostAddress()};
    while (namespace.exec(command).isBlank()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("no local route for " + LOCAL_V6.getHostAddress() + " after " + STOP_MILLIS + " ms");
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the route of " + LOCAL_V6.getHostAddress());
      }
    }
  }

  /** The peer's IPv4 address, 10.200.0.2. */
  public InetAddress ipv4() {
    return PEER_V4;
  }

  /** The peer's IPv6 address, fd00:200::2. */
  public InetAddress ipv6() {
    return PEER_V6;
  }

  /** The peer's address of {@code family}. */
  public InetAddress address(IpFamily family) {
    return family == IpFamily.IPV4 ? PEER_V4 : PEER_V6;
  }

  /** The namespace's own address on the device (10.200.0.1, fd00:200::1): probes come from it. */
  public InetAddress local(IpFamily family) {
    return family == IpFamily.IPV4 ? LOCAL_V4 : LOCAL_V6;
  }

  /** A third address behind the device (10.200.0.254, fd00:200::fe), to report ICMP errors from. */
  public InetAddress router(IpFamily family) {
    return family == IpFamily.IPV4 ? ROUTER_V4 : ROUTER_V6;
  }

  /**
   * Answers from now on as {@code behaviour} says; restarts the request count that {@link
   * Behaviour#dropEvery} and {@link Behaviour#loss} use. Requests already being delayed keep
   * their old answers.
   */
  public TunPeer behave(Behaviour behaviour) {
    Objects.requireNonNull(behaviour, "behaviour");
    return behave(request -> behaviour);
  }

  /**
   * Answers each request as {@code chooser} decides, e.g. an error for odd sequence numbers.
   * Called on the reader thread, one request at a time. Restarts the request count.
   */
  public TunPeer behave(Function<? super Request, Behaviour> chooser) {
    Objects.requireNonNull(chooser, "chooser");
    script = new Script(chooser);
    return this;
  }

  /** Echo requests of {@code family} received since start, answered or not. */
  public long requestCount(IpFamily family) {
    Objects.requireNonNull(family, "family");
    return requestCounts.get(family.ordinal());
  }

  /** The most recent requests received (at most {@value #MAX_RECORDED}), oldest first. */
  public List<Request> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  /** Requests dropped by {@link Behaviour#loss}, {@link Behaviour#dropEvery} or {@link Behaviour#silent}. */
  public long droppedCount() {
    return dropped.get();
  }

  /** Packets written to the device: answers, each copy counted. */
  public long sentCount() {
    return sent.get();
  }

  /** The first failure of the reader or scheduler thread, if any. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /**
   * Stops answering: discards delayed answers, stops both threads, and closes the device's
   * descriptor, which removes the device. Idempotent.
   *
   * @throws IllegalStateException on the first call when a thread of the peer failed meanwhile
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    running = false;
    scheduler.shutdownNow();
    try {
      reader.join(STOP_MILLIS);
      scheduler.awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tun.close();
    Throwable cause = failure.get();
    if (cause != null) {
      throw new IllegalStateException(
          "TunPeer on " + tun.name() + " failed while running (and " + laterFailures.get() + " times more): " + cause, cause);
    }
  }

  /** The device's file descriptor, to check that close releases it. */
  int tunFd() {
    return tun.fd();
  }

  private void readLoop() {
    byte[] buffer = new byte[65_535];
    while (running) {
      try {
        int length = tun.read(buffer, POLL_MILLIS);
        long readAt = System.nanoTime();
        Packets.Echo echo = length > 0 ? Packets.parseEchoRequest(buffer, length) : null;
        if (echo != null) {
          answer(echo, readAt);
        }
      } catch (IOException e) {
        fail(e);
        return; // the device is broken: answering more would only repeat the error
      } catch (RuntimeException e) {
        fail(e);
      }
    }
  }

  private void answer(Packets.Echo echo, long readAt) {
    IpFamily family = echo.ipv6() ? IpFamily.IPV6 : IpFamily.IPV4;
    requestCounts.incrementAndGet(family.ordinal());
    Script current = script;
    var request = new Request(family, address(echo.source()), address(echo.destination()),
        echo.identifier(), echo.sequence(), echo.ttl(), echo.icmpLength(), current.seen().incrementAndGet());
    record(request);
    Behaviour behaviour = Objects.requireNonNull(current.chooser().apply(request), "behaviour chooser returned null");
    if (behaviour.drops(request.index())) {
      dropped.incrementAndGet();
      return;
    }
    byte[] packet = behaviour.answer(echo);
    Duration delay = behaviour.delayFor(request);
    int copies = behaviour.copies();
    if (delay.isZero()) {
      send(packet, copies);
      return;
    }
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      throw new IllegalStateException("more than " + MAX_PENDING + " delayed answers pending; dropped the answer to " + request);
    }
    long due = readAt + delay.toNanos();
    scheduler.schedule(() -> {
      pending.decrementAndGet();
      while (System.nanoTime() - due < 0) {
        Thread.onSpinWait();
      }
      send(packet, copies);
    }, Math.max(0, due - SPIN_NANOS - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void send(byte[] packet, int copies) {
    try {
      for (int i = 0; i < copies && tun.write(packet); i++) {
        sent.incrementAndGet();
      }
    } catch (IOException e) {
      fail(e);
    }
  }

  private void record(Request request) {
    synchronized (recorded) {
      if (recorded.size() == MAX_RECORDED) {
        recorded.removeFirst();
      }
      recorded.addLast(request);
    }
  }

  private void fail(Throwable error) {
    if (!failure.compareAndSet(null, error)) {
      laterFailures.incrementAndGet(); // keep the first only: a failing chooser may fail per request
    }
  }

  private static Thread daemon(Runnable task, String name) {
    var thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e); // unreachable: 4 or 16 bytes
    }
  }

  private static InetAddress literal(String address) {
    try {
      return InetAddress.getByName(address); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
