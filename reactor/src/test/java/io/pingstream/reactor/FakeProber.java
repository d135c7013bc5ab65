package io.pingstream.reactor;

import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A {@link Prober} on virtual time: each probe answers after the RTT its behaviour gives for
 * (target, per-target send index), or times out after the probe's timeout when it gives none.
 * Records every send and counts probes in flight and cancelled.
 */
final class FakeProber implements Prober {

  /** One probe sent. */
  record Send(InetAddress target, int index, long atMillis) {}

  private final VirtualTimeScheduler time;
  private final BiFunction<InetAddress, Integer, Optional<Duration>> rtt;
  private final List<Send> sends = new ArrayList<>();
  private final Map<InetAddress, Integer> indexes = new HashMap<>();
  private int inFlight;
  private int maxInFlight;
  private int cancelled;
  private volatile boolean closed;
  private final Sinks.Empty<Void> closedSignal = Sinks.empty();

  FakeProber(VirtualTimeScheduler time, BiFunction<InetAddress, Integer, Optional<Duration>> rtt) {
    this.time = time;
    this.rtt = rtt;
  }

  /** Every probe replies after {@code rtt}. */
  static FakeProber replyingAfter(VirtualTimeScheduler time, Duration rtt) {
    return new FakeProber(time, (target, index) -> Optional.of(rtt));
  }

  /** No probe ever replies. */
  static FakeProber silent(VirtualTimeScheduler time) {
    return new FakeProber(time, (target, index) -> Optional.empty());
  }

  @Override
  public Mono<PingResult> probe(InetAddress target, ProbeSettings settings) {
    return Mono.defer(() -> {
      Instant sentAt = Instant.ofEpochMilli(time.now(TimeUnit.MILLISECONDS));
      int index;
      Optional<Duration> answer;
      synchronized (this) {
        index = indexes.merge(target, 1, Integer::sum) - 1;
        sends.add(new Send(target, index, sentAt.toEpochMilli()));
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        answer = rtt.apply(target, index);
      }
      Mono<PingResult> result = answer
          .map(rtt -> Mono.delay(rtt, time).map(tick -> PingResult.reply(target, index, sentAt, rtt, 56, 64)))
          .orElseGet(() -> Mono.delay(settings.timeout(), time).map(tick -> PingResult.timeout(target, index, sentAt)));
      return result
          .doOnCancel(() -> {
            synchronized (this) {
              cancelled++;
            }
          })
          .doFinally(signal -> {
            synchronized (this) {
              inFlight--;
            }
          });
    });
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public Mono<Void> closed() {
    return closedSignal.asMono();
  }

  /** Closes the prober, as closing the pinger closes its engine. */
  void close() {
    closed = true;
    closedSignal.tryEmitEmpty();
  }

  synchronized List<Send> sends() {
    return List.copyOf(sends);
  }

  synchronized List<Long> sendTimes(InetAddress target) {
    return sends.stream().filter(send -> send.target().equals(target)).map(Send::atMillis).toList();
  }

  synchronized int inFlight() {
    return inFlight;
  }

  synchronized int maxInFlight() {
    return maxInFlight;
  }

  synchronized int cancelled() {
    return cancelled;
  }
}
