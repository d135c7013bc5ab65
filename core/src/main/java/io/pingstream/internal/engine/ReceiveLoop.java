package io.pingstream.internal.engine;

import com.sun.jna.Memory;
import io.pingstream.IcmpErrorException;
import io.pingstream.IpFamily;
import io.pingstream.PingResult;
import io.pingstream.SocketMode;
import io.pingstream.TimestampSource;
import io.pingstream.internal.codec.EchoCodec;
import io.pingstream.internal.codec.EchoCodec.Decoded;
import io.pingstream.internal.codec.EchoCodec.EchoReply;
import io.pingstream.internal.engine.Counters.Event;
import io.pingstream.internal.jna.Errors;
import io.pingstream.internal.jna.LibC;
import io.pingstream.internal.jna.SocketAddresses;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The engine's single receive thread: waits on both sockets and the wake-up fd, drains replies
 * and error queues in batches, matches what it reads to probes, and times out probes whose
 * deadline passed. Not API.
 *
 * <p>When replies come in bunches it stops waiting in poll(2), where every reply would wake it
 * (a context switch for it and a wake-up paid by the sender), and naps briefly between reads
 * instead, so that each read takes a batch. RTTs timed by the kernel do not grow, as it stamps
 * each reply as it arrives; without kernel receive stamps the loop does not nap.
 */
final class ReceiveLoop implements Runnable {

  private static final System.Logger LOG = System.getLogger(ReceiveLoop.class.getName());
  /** Turns that may fail in a row (each logged) before the loop gives up and the engine closes. */
  private static final int MAX_FAILED_TURNS = 1_000;
  /**
   * A poll every this many turns at least, even while reads keep finding replies: only poll sees
   * the wake-up fd, and the error queue of a socket whose replies do not bring it along.
   */
  private static final int MAX_STREAK = 16;
  /**
   * A read that finds this many replies waiting means they come faster than the loop takes
   * them one wake-up at a time (a single prober's ping-pong never finds more than one).
   */
  private static final int NAP_MIN_READ = 4;
  /**
   * The nap before reading again when they do: with Linux's default 50 us timer slack, ~80 us,
   * enough for a burst's replies to fill a batch and far too short to fill a receive buffer.
   */
  private static final long NAP_NANOS = 30_000;
  /** What a reply may add to its probe's size: a larger IPv4 header, with options. */
  private static final int REPLY_OVERHEAD = 60 - EchoCodec.IPV4_HEADER;

  private final ProbeTable table;
  private final Counters counters;
  private final Wakeup wakeup;
  private final long signature;
  private final int slotSize;
  private final Consumer<PingResult> publisher;
  /** Closes the sockets and the wake-up fd; run by the loop thread as it ends. */
  private final Runnable onExit;
  private final AtomicReferenceArray<IcmpSocket> sockets = new AtomicReferenceArray<>(2);
  private final ReceiveBatch[] batches = new ReceiveBatch[2];
  private final ReceiveBatch[] errorBatches = new ReceiveBatch[2];
  /** Per family, made for a socket that stamps its requests (768 KiB each): {@link #attach}. */
  private final TxTimestamps[] txTimestamps = new TxTimestamps[2];
  private final long[] droppedSoFar = new long[2];
  private final Memory pollFds = new Memory(3 * 8);
  private final Memory timespec = new Memory(16);
  /** int value and socklen_t length for getsockopt(SO_ERROR). */
  private final Memory socketError = new Memory(8);
  private final int[] polledFamily = new int[3];
  private final EchoReply reply = new EchoReply();
  private final RecentReplies recentReplies = new RecentReplies();
  /** Made once: a method reference per turn would allocate on every wake-up. */
  private final Consumer<PendingProbe> onTimeout = this::expired;
  /** Whether this turn read the sockets before its first timeout: {@link #expired}. */
  private boolean readBeforeTimeouts;
  private final Ancillary ancillary = new Ancillary();
  /** When the current batch was read: {@link System#nanoTime()} and CLOCK_REALTIME. */
  private long receivedAt;
  private long receivedAtRealtime;
  /** Scratch output of {@link #measure}: the RTT and the clock that measured it. */
  private Duration measuredRtt = Duration.ZERO;
  private TimestampSource measuredSource = TimestampSource.USER;
  private volatile boolean running = true;
  /** Turns in a row that read something; see {@link #readWithoutPolling}. */
  private int streak;
  /** Replies the last turn read. */
  private int lastRead;

  ReceiveLoop(
      ProbeTable table, Counters counters, Wakeup wakeup, long signature, int slotSize, Consumer<PingResult> publisher, Runnable onExit) {
    this.onExit = onExit;
    this.table = table;
    this.counters = counters;
    this.wakeup = wakeup;
    this.signature = signature;
    this.slotSize = slotSize;
    this.publisher = publisher;
  }

  /** Adds a freshly opened socket; the loop polls it from its next turn. */
  void attach(IcmpSocket socket) {
    if (socket.stampsTransmit()) {
      txTimestamps[socket.family.ordinal()] = new TxTimestamps(); // published by the set below
    }
    sockets.set(socket.family.ordinal(), socket);
    wakeup.signal();
  }

  /** Asks the loop to end; it finishes its current turn first. */
  void stop() {
    running = false;
    wakeup.signal();
  }

  @Override
  public void run() {
    int failedInARow = 0;
    try {
      while (running) {
        try {
          turn();
          failedInARow = 0;
        } catch (VirtualMachineError fatal) {
          LOG.log(Level.ERROR, "receive loop failed; the engine closes", fatal);
          throw fatal;
        } catch (Throwable e) {
          if (++failedInARow == MAX_FAILED_TURNS) {
            // Failing for good (it would spin a core): closing tells every caller.
            LOG.log(Level.ERROR, "receive loop failed " + MAX_FAILED_TURNS + " turns in a row; the engine closes", e);
            return;
          }
          LOG.log(Level.ERROR, "receive loop turn failed; continuing", e);
        }
      }
    } finally {
      // The loop closes what it polls, once it polls no more: closing an fd under a poll(2)
      // would not wake it, and the number could be reused by another socket meanwhile.
      try {
        onExit.run();
      } finally {
        freeBatches();
      }
    }
  }

  /**
   * Frees the receive buffers, which only this thread uses: left to JNA's cleaner they would wait
   * for a GC, up to 4 MiB per family with the largest probes.
   */
  private void freeBatches() {
    for (ReceiveBatch[] pool : new ReceiveBatch[][] {batches, errorBatches}) {
      for (ReceiveBatch batch : pool) {
        if (batch != null) {
          batch.close();
        }
      }
    }
  }

  private void turn() {
    long now = System.nanoTime();
    readBeforeTimeouts = false;
    long next = table.expire(now, onTimeout);
    if (streak > 0 && streak < MAX_STREAK) {
      if (lastRead >= NAP_MIN_READ && kernelReceiveTimes()) {
        LockSupport.parkNanos(NAP_NANOS); // replies come faster than we read them: let a batch gather
      }
      lastRead = readWithoutPolling();
      streak = lastRead > 0 ? streak + 1 : 0;
      return;
    }
    streak = 0;
    if (!table.sleepUntil(next)) {
      return; // a deadline arrived while we looked: take it into account first
    }
    int count = fillPollFds();
    // From the clock now, not the turn's start: expiring ran user callbacks, which take time.
    int ready = LibC.poll(pollFds, count, waitMillis(next, System.nanoTime()));
    if (ready <= 0) {
      return; // timeout or EINTR: the next turn expires what is due
    }
    int read = 0;
    for (int i = 0; i < count; i++) {
      short events = pollFds.getShort(i * 8L + 6);
      if (events == 0) {
        continue;
      }
      int family = polledFamily[i];
      if (family < 0) {
        wakeup.clear();
        continue;
      }
      IcmpSocket socket = sockets.get(family);
      int replies = (events & LibC.POLLIN) != 0 ? drain(socket, false, false) : 0;
      // Reading replies read the error queue too if they have transmit timestamps there.
      if ((events & LibC.POLLERR) != 0 && (replies == 0 || !socket.stampsTransmit())) {
        drain(socket, true, true);
      }
      read += replies;
    }
    lastRead = read;
    streak = read > 0 ? 1 : 0;
  }

  /** Whether every open socket stamps replies in the kernel, so a nap does not lengthen RTTs. */
  private boolean kernelReceiveTimes() {
    for (int family = 0; family < 2; family++) {
      IcmpSocket socket = sockets.get(family);
      if (socket != null && socket.timestamps == TimestampSource.USER) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads both sockets' replies without asking poll(2) first. While replies keep coming (a
   * burst), most polls find some ready, so reading straight away spares a system call per batch;
   * the streak ends at the first read that finds none, or at the poll every {@link #MAX_STREAK}
   * turns, so that what only poll sees (the wake-up fd; the error queue, when no reply brings it
   * along) waits little.
   *
   * @return how many replies were read
   */
  private int readWithoutPolling() {
    int read = 0;
    for (int family = 0; family < 2; family++) {
      IcmpSocket socket = sockets.get(family);
      if (socket == null) {
        continue;
      }
      read += drain(socket, false, false);
    }
    return read;
  }

  private int fillPollFds() {
    int count = addPollFd(0, wakeup.fd, -1);
    for (int family = 0; family < 2; family++) {
      IcmpSocket socket = sockets.get(family);
      if (socket != null) {
        count = addPollFd(count, socket.fd, family);
      }
    }
    return count;
  }

  private int addPollFd(int index, int fd, int family) {
    pollFds.setInt(index * 8L, fd);
    pollFds.setShort(index * 8L + 4, LibC.POLLIN);
    pollFds.setShort(index * 8L + 6, (short) 0);
    polledFamily[index] = family;
    return index + 1;
  }

  private static int waitMillis(long deadline, long now) {
    if (deadline == Long.MAX_VALUE) {
      return -1;
    }
    // Round up: waking early only costs a turn, waking late would report timeouts late.
    long millis = (deadline - now + 999_999) / 1_000_000;
    return (int) Math.max(0, Math.min(millis, Integer.MAX_VALUE));
  }

  /**
   * Reads the socket's receive or error queue until it is empty.
   *
   * @param polledError poll(2) reported POLLERR: an empty error queue then means a bare socket
   *     error, which must be cleared
   * @return how many messages were read
   */
  private int drain(IcmpSocket socket, boolean errorQueue, boolean polledError) {
    int read = 0;
    boolean failedLast = false;
    while (true) {
      ReceiveBatch batch;
      int count;
      socket.readingReplies(!errorQueue); // before the slots are sized: see IcmpSocket#stamp
      try {
        batch = batch(socket, errorQueue); // per read: slots may have grown meanwhile
        count = batch.receive(socket.fd, errorQueue);
      } finally {
        socket.readingReplies(false);
      }
      if (count < 0) {
        int errno = Errors.lastErrno();
        if (errno == LibC.EINTR) {
          continue;
        }
        if (errno != LibC.EAGAIN) {
          // A pending socket error, set by an ICMP error that also went to the error queue:
          // reading it cleared it, so read on, unless the read before failed too.
          LOG.log(Level.DEBUG, () -> Errors.newException("recvmmsg", errno).getMessage());
          if (!failedLast) {
            failedLast = true;
            continue;
          }
        } else if (polledError && read == 0) {
          clearSocketError(socket); // POLLERR with an empty queue: a bare sk_err would wake us forever
        }
        return read;
      }
      failedLast = false;
      read += count;
      if (errorQueue) {
        handleQueuedErrors(socket, batch, count);
      } else {
        handleReplies(socket, batch, count);
      }
      if (count < ReceiveBatch.SLOTS) {
        return read;
      }
    }
  }

  private void handleReplies(IcmpSocket socket, ReceiveBatch batch, int count) {
    stampBatch();
    if (socket.stampsTransmit()) {
      // A request's transmit timestamp is queued before its reply can be: reading the error
      // queue after the replies, not before, finds the stamps of every reply read.
      drain(socket, true, false);
    }
    for (int slot = 0; slot < count; slot++) {
      handle(socket, batch, slot);
    }
  }

  private void handleQueuedErrors(IcmpSocket socket, ReceiveBatch batch, int count) {
    for (int slot = 0; slot < count; slot++) {
      handleQueuedError(socket, batch, slot);
    }
  }

  private void clearSocketError(IcmpSocket socket) {
    socketError.setInt(4, 4);
    LibC.getsockopt(socket.fd, LibC.SOL_SOCKET, LibC.SO_ERROR, socketError, socketError.share(4));
  }

  /**
   * The socket's batch for replies or its error queue. Reply slots grow to hold the reply to the
   * largest probe sent whole: a RAW IPv4 reply's checksum is ours to check, over all of it.
   */
  private ReceiveBatch batch(IcmpSocket socket, boolean errorQueue) {
    ReceiveBatch[] pool = errorQueue ? errorBatches : batches;
    int family = socket.family.ordinal();
    int needed = errorQueue ? slotSize : Math.min(ReceiveBatch.MAX_SLOT_SIZE, socket.largestProbe() + REPLY_OVERHEAD);
    if (pool[family] == null) {
      pool[family] = new ReceiveBatch(Math.max(slotSize, needed));
    } else if (pool[family].slotSize < needed) {
      // Doubling: a sweep through probe sizes reallocates a few times, not once per size. Only
      // read at the top of drain's loop, the old batch is no longer in use.
      ReceiveBatch outgrown = pool[family];
      pool[family] = new ReceiveBatch(Math.min(ReceiveBatch.MAX_SLOT_SIZE, Math.max(needed, 2 * outgrown.slotSize)));
      outgrown.close();
    }
    return pool[family];
  }

  /** Reads both clocks once per batch, to place kernel (CLOCK_REALTIME) stamps on nanoTime's scale. */
  private void stampBatch() {
    receivedAt = System.nanoTime();
    LibC.clock_gettime(LibC.CLOCK_REALTIME, timespec);
    receivedAtRealtime = timespec.getLong(0) * 1_000_000_000L + timespec.getLong(8);
  }

  private void handle(IcmpSocket socket, ReceiveBatch batch, int slot) {
    int length = batch.length(slot);
    int received = Math.min(length, batch.slotSize);
    boolean ipv6 = socket.family == IpFamily.IPV6;
    boolean raw = socket.mode == SocketMode.RAW;
    switch (EchoCodec.decode(batch.packet(slot), received, length, ipv6, raw && !ipv6, reply)) {
      case MALFORMED -> counters.add(Event.MALFORMED);
      case BAD_CHECKSUM -> counters.add(Event.BAD_CHECKSUM);
      case OTHER_ICMP -> counters.add(Event.OTHER_ICMP);
      case ECHO_REPLY -> matchReply(socket, batch, slot);
      case ICMP_ERROR -> matchError(socket, batch, slot, reply.type, reply.code,
          () -> SocketAddresses.read(batch.structs(), batch.addressOffset(slot)));
    }
  }

  /** An error-queue message: a transmit timestamp, or an ICMP error for a DGRAM socket. */
  private void handleQueuedError(IcmpSocket socket, ReceiveBatch batch, int slot) {
    batch.ancillary(slot, ancillary);
    int origin = ancillary.errorOrigin;
    if (origin == LibC.SO_EE_ORIGIN_TIMESTAMPING) {
      TxTimestamps stamps = txTimestamps[socket.family.ordinal()];
      if (ancillary.realtimeNanos > 0 && stamps != null) {
        stamps.put(ancillary.errorData, ancillary.realtimeNanos);
      }
      return;
    }
    if (origin != LibC.SO_EE_ORIGIN_ICMP && origin != LibC.SO_EE_ORIGIN_ICMP6) {
      return; // local errors (e.g. EMSGSIZE) were already returned by the send itself
    }
    socket.icmpErrorRead(); // senders may meet the next queued one as a pending socket error
    boolean ipv6 = socket.family == IpFamily.IPV6;
    if (!EchoCodec.isError(ipv6, ancillary.errorType)) {
      // Ping sockets also queue redirects and source quenches: advice, not the probe's outcome.
      counters.add(Event.OTHER_ICMP);
      return;
    }
    int received = Math.min(batch.length(slot), batch.slotSize);
    // The queued datagram is our request as the error quoted it, from its ICMP header on.
    if (EchoCodec.decodeQuotedRequest(batch.packet(slot), 0, received, ipv6, reply) != Decoded.ICMP_ERROR) {
      counters.add(Event.OTHER_ICMP);
      return;
    }
    reply.quotedDestination = -1;
    int type = ancillary.errorType;
    int code = ancillary.errorCode;
    int offender = ancillary.offender;
    matchError(socket, batch, slot, type, code, () -> offender < 0
        ? SocketAddresses.read(batch.structs(), batch.addressOffset(slot))
        : SocketAddresses.read(batch.structs(), offender));
  }

  private void matchReply(IcmpSocket socket, ReceiveBatch batch, int slot) {
    PendingProbe probe = ourProbe(socket, batch, slot, true);
    if (probe == null) {
      return;
    }
    int expected = EchoCodec.icmpLength(socket.family == IpFamily.IPV6, probe.settings.size());
    // A ping socket cuts a reply longer than the slot to fit and reports only what it copied
    // (it ignores MSG_TRUNC, which makes RAW sockets report the real length): a cut reply to a
    // probe larger than the slot counts as whole. (Slots grow before such a probe leaves, and it
    // waits for a read under way with the old ones.)
    if (socket.mode == SocketMode.DGRAM && batch.truncated(slot) && reply.icmpLength < expected) {
      reply.icmpLength = expected;
    }
    if (reply.icmpLength != expected) {
      counters.add(Event.MALFORMED); // an echo reply echoes the whole request, or was cut
      return;
    }
    batch.ancillary(slot, ancillary);
    countDrops(socket);
    int ttl = reply.ttl >= 0 ? reply.ttl : ancillary.ttl;
    measure(probe, socket);
    if (probe.isDone()) {
      if (probe.isCompletedExceptionally()) {
        counters.add(Event.LATE); // cancelled or closed while the reply was on its way
        return;
      }
      // Found among the recent replies: this is a second one.
      counters.add(Event.DUPLICATE);
      publisher.accept(PingResult.duplicate(probe.target, probe.sequence, probe.sentAt(), measuredRtt, reply.icmpLength, ttl, measuredSource));
      return;
    }
    if (measuredRtt.compareTo(probe.settings.timeout()) > 0) {
      // Came after the deadline, but before the turn that would have expired the probe (poll(2)
      // sleeps whole milliseconds): a timeout, as the docs promise, and a late reply.
      timeOut(probe);
      counters.add(Event.LATE);
      return;
    }
    PingResult result = PingResult.reply(probe.target, probe.sequence, probe.sentAt(), measuredRtt, reply.icmpLength, ttl, measuredSource);
    if (table.complete(probe, result, Event.REPLY)) {
      recentReplies.add(probe);
    } else {
      counters.add(Event.LATE); // cancelled while the reply was on its way
    }
  }

  private void matchError(IcmpSocket socket, ReceiveBatch batch, int slot, int type, int code, ReporterReader reporter) {
    PendingProbe probe = ourProbe(socket, batch, slot, false);
    if (probe == null) {
      return;
    }
    boolean ipv6 = socket.family == IpFamily.IPV6;
    var cause = new IcmpErrorException(EchoCodec.errorKind(ipv6, type), type, code, reporter.read());
    PingResult result = PingResult.error(probe.target, probe.sequence, probe.sentAt(), cause);
    if (!table.complete(probe, result, Event.ICMP_ERROR)) {
      counters.add(Event.LATE);
    }
  }

  /**
   * The waiting probe that {@link #reply} (a reply, or the request an error quotes) belongs to,
   * or, for a reply when {@code orAnswered}, the recently answered one it duplicates; null after
   * counting why there is none.
   */
  private PendingProbe ourProbe(IcmpSocket socket, ReceiveBatch batch, int slot, boolean orAnswered) {
    // DGRAM: the kernel rewrote the identifier to the socket's port, and delivers only ours.
    boolean raw = socket.mode == SocketMode.RAW;
    if (reply.signature != signature || (raw && reply.identifier != socket.identifier)) {
      counters.add(Event.FOREIGN);
      return null;
    }
    PendingProbe probe = table.find(reply.token);
    if (probe == null && orAnswered) {
      probe = recentReplies.find(reply.token);
    }
    if (probe == null) {
      counters.add(Event.LATE); // timed out, cancelled, or answered long ago
      return null;
    }
    // A reply comes from the target; an error names it as the quoted (or queued) destination.
    ByteBuffer addresses = batch.structs();
    boolean sameTarget = reply.quotedDestination >= 0
        ? sameBytes(batch.packet(slot), reply.quotedDestination, probe.targetBytes)
        : SocketAddresses.hasAddress(addresses, batch.addressOffset(slot), probe.targetBytes);
    if (probe.family != socket.family || reply.sequence != probe.sequence || !sameTarget) {
      counters.add(Event.MALFORMED);
      return null;
    }
    return probe;
  }

  private static boolean sameBytes(ByteBuffer buffer, int offset, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (buffer.get(offset + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Measures the probe's RTT from the most exact pair of timestamps available: kernel TX and RX,
   * kernel RX and the JVM's send time, or the JVM's clock alone. A kernel figure is used only if
   * it is no larger than the JVM's, which it always is unless the wall clock was stepped meanwhile.
   */
  private void measure(PendingProbe probe, IcmpSocket socket) {
    long userRtt = Math.max(0, receivedAt - probe.token);
    long rx = ancillary.realtimeNanos;
    long tx = probe.txKeyed ? txTimestamps[socket.family.ordinal()].take(probe.txKey) : -1;
    long rxOnNanoScale = receivedAt - (receivedAtRealtime - rx);
    if (rx > 0 && tx > 0 && rx >= tx && rx - tx <= userRtt) {
      measuredSource = TimestampSource.KERNEL;
      measuredRtt = Duration.ofNanos(rx - tx);
    } else if (rx > 0 && rxOnNanoScale >= probe.token && rxOnNanoScale <= receivedAt) {
      measuredSource = TimestampSource.KERNEL_RECEIVE;
      measuredRtt = Duration.ofNanos(rxOnNanoScale - probe.token);
    } else {
      measuredSource = TimestampSource.USER;
      measuredRtt = Duration.ofNanos(userRtt);
    }
  }

  private void countDrops(IcmpSocket socket) {
    int family = socket.family.ordinal();
    long dropped = ancillary.dropped;
    if (dropped > droppedSoFar[family]) {
      counters.add(Event.RECEIVE_DROPPED, dropped - droppedSoFar[family]);
      droppedSoFar[family] = dropped;
    }
  }

  /**
   * A probe whose deadline passed. Its reply may be queued already, unread because this thread
   * was held (a GC pause, a throttled CPU, a slow subscriber): the replies are read first, once
   * a turn, so that one that came in time counts, timed by its kernel receive stamp. So are the
   * error queues of ping sockets, where an ICMP error that came in time waits (not with the
   * replies, as for a RAW socket); after the replies, whose transmit stamps are read with them.
   */
  private void expired(PendingProbe probe) {
    if (!readBeforeTimeouts) {
      readBeforeTimeouts = true;
      readWithoutPolling();
      for (int family = 0; family < 2; family++) {
        IcmpSocket socket = sockets.get(family);
        if (socket != null && socket.mode == SocketMode.DGRAM) {
          drain(socket, true, false);
        }
      }
      if (probe.isDone()) {
        return;
      }
    }
    timeOut(probe);
  }

  private void timeOut(PendingProbe probe) {
    table.complete(probe, PingResult.timeout(probe.target, probe.sequence, probe.sentAt()), Event.TIMEOUT);
  }

  /** Reads the address that reported an error, only when it is needed. */
  @FunctionalInterface
  private interface ReporterReader {
    java.net.InetAddress read();
  }
}
