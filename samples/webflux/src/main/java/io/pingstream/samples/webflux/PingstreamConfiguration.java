package io.pingstream.samples.webflux;

import io.micrometer.core.instrument.MeterRegistry;
import io.pingstream.PingOptions;
import io.pingstream.micrometer.PingEngineMetrics;
import io.pingstream.reactor.Pinger;
import io.pingstream.reactor.StreamOptions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one {@link Pinger} of the app, its meters, and the background monitor of the configured
 * targets.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({PingstreamProperties.class, ProbeModules.class})
public class PingstreamConfiguration {

  /** Per-target meters in Boot's registry, of the configured targets only. */
  @Bean
  MonitoredTargetsRecorder pingRecorder(MeterRegistry registry) {
    return MonitoredTargetsRecorder.metering(registry);
  }

  /**
   * Shared by every request and the monitor: one engine means one socket per family and one
   * receive thread, however many clients ping. Closed on shutdown, after the monitor stopped.
   */
  @Bean(destroyMethod = "close")
  Pinger pinger(PingstreamProperties properties, MonitoredTargetsRecorder recorder) {
    PingOptions options = PingOptions.defaults()
        .policy(properties.policy())
        .timeout(properties.timeout())
        .size(properties.size())
        .recorder(recorder);
    if (properties.ttl() != null) {
      options = options.ttl(properties.ttl());
    }
    return Pinger.create(options, properties.addressPreference());
  }

  /** The engine's gauges (in flight, dropped packets, socket mode); Boot binds it. */
  @Bean
  PingEngineMetrics pingEngineMetrics(Pinger pinger) {
    return new PingEngineMetrics(pinger.engine());
  }

  /** Ends the clients' streams when the app shuts down. */
  @Bean
  ShutdownSignal shutdownSignal() {
    return new ShutdownSignal();
  }

  /** Pings {@code pingstream.targets} from startup to shutdown. */
  @Bean
  TargetMonitor targetMonitor(Pinger pinger, MonitoredTargetsRecorder recorder, PingstreamProperties properties) {
    StreamOptions every = StreamOptions.every(properties.interval()); // a bad interval fails startup
    return new TargetMonitor(
        pinger::resolveAll,
        sets -> pinger.pingAll(sets, every),
        recorder,
        properties.targets(),
        properties.resolveInterval());
  }
}
