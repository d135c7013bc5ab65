package io.pingstream.micrometer;

import static io.pingstream.testing.Requirements.requireRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PingEngineMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void twoEnginesBoundWithTagsOfTheirOwnEachReportThemselves() throws Exception {
    requireRaw();
    try (var idle = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW));
        var busy = PingEngine.create(PingOptions.defaults().policy(SelectionPolicy.RAW))) {
      new PingEngineMetrics(idle, Tags.of("engine", "idle")).bindTo(registry);
      new PingEngineMetrics(busy, Tags.of("engine", "busy")).bindTo(registry);

      busy.ping(InetAddress.getByName("127.0.0.1")).get(5, TimeUnit.SECONDS); // opens its IPv4 socket

      assertThat(socketGauge("busy")).isEqualTo(1.0);
      assertThat(socketGauge("idle")).isZero(); // idle's socket never opened
      assertThat(registry.find(PingMeterNames.ENGINE_IN_FLIGHT).gauges()).hasSize(2);
      assertThat(registry.find(PingMeterNames.ENGINE_DROPPED).tag("reason", "late").functionCounters()).hasSize(2);
    }
  }

  @Test
  void closingRemovesTheMetersItRegisteredAndOnlyThose() throws Exception {
    try (var retired = PingEngine.create(PingOptions.defaults());
        var kept = PingEngine.create(PingOptions.defaults())) {
      var other = new SimpleMeterRegistry();
      var retiredMetrics = new PingEngineMetrics(retired, Tags.of("engine", "retired"));
      retiredMetrics.bindTo(registry);
      retiredMetrics.bindTo(other);
      new PingEngineMetrics(kept, Tags.of("engine", "kept")).bindTo(registry);
      int perEngine = other.getMeters().size();

      retiredMetrics.close();
      retiredMetrics.close(); // idempotent

      assertThat(other.getMeters()).isEmpty();
      assertThat(registry.getMeters()).hasSize(perEngine).allSatisfy(meter -> assertThat(meter.getId().getTag("engine")).isEqualTo("kept"));
    }
  }

  @Test
  void tagsTheMetersSetThemselvesAreRefused() throws Exception {
    try (var engine = PingEngine.create(PingOptions.defaults())) { // opens nothing until a probe
      assertThatThrownBy(() -> new PingEngineMetrics(engine, Tags.of("family", "ipv4")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'family'");
      assertThatThrownBy(() -> new PingEngineMetrics(engine, null)).isInstanceOf(NullPointerException.class).hasMessage("tags");
    }
  }

  private double socketGauge(String engine) {
    return registry.get(PingMeterNames.ENGINE_SOCKET).tags("engine", engine, "family", "ipv4", "mode", "raw").gauge().value();
  }
}
