package io.pingstream.internal.engine;

import com.sun.jna.Memory;
import io.pingstream.IpFamily;
import io.pingstream.PingResult;
import io.pingstream.SocketMode;
import io.pingstream.internal.codec.EchoCodec;
import io.pingstream.internal.codec.EchoCodec.EchoReply;
import io.pingstream.internal.engine.Counters.Event;
import io.pingstream.internal.jna.Errors;
import io.pingstream.internal.jna.LibC;
import io.pingstream.internal.jna.SocketAddresses;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The engine's single receive thread: waits on both sockets and the wake-up fd, drains replies
 * in batches, matches them to their probes, and times out probes whose deadline passed. Not API.
 */
final class ReceiveLoop implements Runnable {

  private static final System.Logger LOG = System.getLogger(ReceiveLoop.class.getName());

  private final ProbeTable table;
  private final Counters counters;
  private final Wakeup wakeup;
  private final long signature;
  private final int slotSize;
  private final Consumer<PingResult> publisher;
  private final AtomicReferenceArray<IcmpSocket> sockets = new AtomicReferenceArray<>(2);
  private final ReceiveBatch[] batches = new ReceiveBatch[2];
  private final Memory pollFds = new Memory(3 * 8);
  private final int[] polledFamily = new int[3];
  private final EchoReply reply = new EchoReply();
  private volatile boolean running = true;

  ReceiveLoop(ProbeTable table, Counters counters, Wakeup wakeup, long signature, int slotSize, Consumer<PingResult> publisher) {
    this.table = table;
    this.counters = counters;
    this.wakeup = wakeup;
    this.signature = signature;
    this.slotSize = slotSize;
    this.publisher = publisher;
  }

  /** Adds a freshly opened socket; the loop polls it from its next turn. */
  void attach(IcmpSocket socket) {
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
    while (running) {
      try {
        turn();
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "receive loop turn failed; continuing", e);
      }
    }
  }

  private void turn() {
    long now = System.nanoTime();
    long next = table.expire(now, this::timeOut);
    if (!table.sleepUntil(next)) {
      return; // a deadline arrived while we looked: take it into account first
    }
    int count = fillPollFds();
    int ready = LibC.poll(pollFds, count, waitMillis(next, now));
    if (ready <= 0) {
      return; // timeout or EINTR: the next turn expires what is due
    }
    for (int i = 0; i < count; i++) {
      short events = pollFds.getShort(i * 8L + 6);
      if (events == 0) {
        continue;
      }
      if (polledFamily[i] < 0) {
        wakeup.clear();
      } else {
        drain(sockets.get(polledFamily[i]), polledFamily[i]);
      }
    }
  }

  private int fillPollFds() {
    int count = 0;
    count = addPollFd(count, wakeup.fd, -1);
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

  private void drain(IcmpSocket socket, int family) {
    ReceiveBatch batch = batches[family];
    if (batch == null) {
      batch = batches[family] = new ReceiveBatch(slotSize);
    }
    while (true) {
      int count = batch.receive(socket.fd);
      if (count < 0) {
        int errno = Errors.lastErrno();
        if (errno == LibC.EINTR) {
          continue;
        }
        if (errno != LibC.EAGAIN) {
          // A pending socket error (e.g. from an ICMP error): reading it cleared it.
          LOG.log(Level.DEBUG, () -> Errors.newException("recvmmsg", errno).getMessage());
        }
        return;
      }
      long receivedAt = System.nanoTime();
      for (int slot = 0; slot < count; slot++) {
        handle(socket, batch, slot, receivedAt);
      }
      if (count < ReceiveBatch.SLOTS) {
        return;
      }
    }
  }

  private void handle(IcmpSocket socket, ReceiveBatch batch, int slot, long receivedAt) {
    int length = batch.length(slot);
    int received = Math.min(length, batch.slotSize);
    boolean ipv6 = socket.family == IpFamily.IPV6;
    boolean raw = socket.mode == SocketMode.RAW;
    switch (EchoCodec.decode(batch.packet(slot), received, length, ipv6, raw && !ipv6, reply)) {
      case MALFORMED -> counters.add(Event.MALFORMED);
      case BAD_CHECKSUM -> counters.add(Event.BAD_CHECKSUM);
      case OTHER_ICMP -> counters.add(Event.OTHER_ICMP);
      case ECHO_REPLY -> match(socket, raw, batch, slot, receivedAt);
    }
  }

  private void match(IcmpSocket socket, boolean raw, ReceiveBatch batch, int slot, long receivedAt) {
    // DGRAM: the kernel rewrote the identifier to the socket's port, and delivers only ours.
    if (reply.signature != signature || (raw && reply.identifier != socket.identifier)) {
      counters.add(Event.FOREIGN);
      return;
    }
    PendingProbe probe = table.find(reply.token);
    if (probe == null) {
      counters.add(Event.LATE);
      return;
    }
    if (probe.family != socket.family
        || reply.sequence != probe.sequence
        || !SocketAddresses.hasAddress(batch.structs(), batch.addressOffset(slot), probe.targetBytes)) {
      counters.add(Event.MALFORMED);
      return;
    }
    if (probe.replied) {
      counters.add(Event.DUPLICATE);
      return;
    }
    probe.replied = true;
    Duration rtt = Duration.ofNanos(Math.max(0, receivedAt - probe.token));
    PingResult result = PingResult.reply(probe.target, probe.sequence, probe.sentAt(), rtt, reply.icmpLength, reply.ttl);
    if (table.complete(probe, result, Event.REPLY)) {
      publisher.accept(result);
    } else {
      counters.add(Event.LATE); // cancelled while the reply was on its way
    }
  }

  private void timeOut(PendingProbe probe) {
    PingResult result = PingResult.timeout(probe.target, probe.sequence, probe.sentAt());
    if (table.complete(probe, result, Event.TIMEOUT)) {
      publisher.accept(result);
    }
  }
}
