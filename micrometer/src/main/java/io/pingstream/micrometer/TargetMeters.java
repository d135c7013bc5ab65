package io.pingstream.micrometer;

import static io.pingstream.micrometer.PingMeterNames.*;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pingstream.AddressText;
import io.pingstream.ErrorKind;
import io.pingstream.IpFamily;
import io.pingstream.PingResult;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The meters of one target, created together and removed together. */
final class TargetMeters {

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private final Timer rtt;
  private final Counter sent;
  private final Counter replies;
  private final Counter timeouts;
  private final Counter duplicates;
  private final Map<ErrorKind, Counter> errors = new EnumMap<>(ErrorKind.class);
  /** Shared by every recorder of the registry whose meters these are. */
  private final GaugeStates.TargetState state;

  TargetMeters(MeterRegistry registry, InetAddress target, PingMeterOptions options) {
    this.registry = registry;
    this.tags = options.tags().and(
        TAG_TARGET, AddressText.of(target),
        TAG_NAME, options.label().apply(target),
        TAG_FAMILY, IpFamily.of(target).name().toLowerCase(Locale.ROOT));
    synchronized (GaugeStates.lock(registry)) { // not between another recorder's removal steps
      state = GaugeStates.of(registry, tags, options.lossWindow());
      rtt = add(Timer.builder(RTT)
          .description("Round-trip time of echo replies")
          .tags(tags)
          .publishPercentileHistogram(options.percentileHistogram())
          .minimumExpectedValue(options.minimumExpectedRtt())
          .serviceLevelObjectives(options.serviceLevelObjectives())
          .register(registry));
      sent = counter(SENT, "Echo requests sent");
      replies = counter(REPLIES, "Echo requests answered by a reply");
      timeouts = counter(TIMEOUTS, "Echo requests without an answer within their timeout");
      duplicates = counter(DUPLICATES, "Further replies to requests that already had one");
      for (ErrorKind kind : ErrorKind.values()) {
        errors.put(kind, add(Counter.builder(ERRORS)
            .description("Echo requests that ended in an error, by kind")
            .tags(tags)
            .tag(TAG_KIND, kind.name().toLowerCase(Locale.ROOT))
            .register(registry)));
      }
      add(Gauge.builder(LOSS, state.loss, LossWindow::ratio)
          .description("Ratio of the target's latest probes without a reply")
          .baseUnit("ratio")
          .tags(tags)
          .strongReference(true)
          .register(registry));
      add(Gauge.builder(REPLY_TTL, state.replyTtl, value -> value.get() < 0 ? Double.NaN : value.get())
          .description("TTL (IPv4) or hop limit (IPv6) of the latest reply")
          .tags(tags)
          .strongReference(true)
          .register(registry));
    }
  }

  void sent() {
    sent.increment();
  }

  void record(PingResult result) {
    switch (result.outcome()) {
      case REPLY -> {
        replies.increment();
        rtt.record(result.rttNanos(), TimeUnit.NANOSECONDS);
        result.replyTtl().ifPresent(state.replyTtl::set);
        state.loss.record(false);
      }
      case TIMEOUT -> {
        timeouts.increment();
        state.loss.record(true);
      }
      case ERROR -> {
        errors.get(result.errorKind().orElse(ErrorKind.SEND_FAILED)).increment();
        state.loss.record(true);
      }
      case DUPLICATE -> duplicates.increment();
    }
  }

  /**
   * Removes the meters from the registry, unless another recorder of the registry did: the
   * registry may hold new ones of the same names by now, which are not these to remove.
   */
  void remove() {
    synchronized (GaugeStates.lock(registry)) {
      if (!state.isRemoved()) {
        meters.forEach(registry::remove);
        GaugeStates.removed(registry, tags, state);
      }
    }
  }

  /** Whether these meters left the registry, removed by this recorder or another. */
  boolean isRemoved() {
    return state.isRemoved();
  }

  private Counter counter(String name, String description) {
    // Counters of events carry no base unit, so that Prometheus names stay ping_<name>_total.
    return add(Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }
}
