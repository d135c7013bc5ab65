package io.pingstream.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The endpoint on this host's loopback, in this JVM. */
class MetricsEndpointTest {

  @Test
  void theUrlOfAnIpv6EndpointHasTheShortAddressInBrackets() throws Exception {
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(Results.LOOPBACK6, 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      assertThat(endpoint.url()).matches("http://\\[::1\\]:\\d+/metrics");
    }
  }
}
