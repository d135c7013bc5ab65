package io.pingstream.samples.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring WebFlux sample: pings on request, streams results as Server-Sent Events and exports
 * the meters of the configured targets to Prometheus.
 *
 * <pre>
 * mvn -pl samples/webflux -am install -DskipTests
 * java -jar samples/webflux/target/pingstream-samples-webflux-*.jar --server.address=127.0.0.1
 * curl localhost:8080/ping/127.0.0.1
 * curl 'localhost:8080/ping/127.0.0.1/stream?interval=500ms&amp;count=4'
 * curl localhost:8080/actuator/prometheus
 * </pre>
 *
 * <p>Anyone who reaches the app can make it ping any host: bind it to a trusted address or put
 * it behind authentication.
 */
@SpringBootApplication
public class PingstreamApplication {

  /** Starts the app. */
  public static void main(String[] args) {
    SpringApplication.run(PingstreamApplication.class, args);
  }
}
