package io.pingstream.samples.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pingstream.AddressText;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a Prometheus registry at {@code http://ADDRESS:PORT/metrics} with the JDK's own HTTP
 * server, on one daemon thread, for as long as the run lasts.
 */
final class MetricsEndpoint implements AutoCloseable {

  /** The Prometheus text format that {@link PrometheusMeterRegistry#scrape()} writes. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving {@code registry} on {@code address} and {@code port} (0: a free port).
   *
   * @throws IOException when the port cannot be bound, e.g. because it is in use
   */
  static MetricsEndpoint start(InetAddress address, int port, PrometheusMeterRegistry registry) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
    ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "pingstream-metrics");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> serve(exchange, registry));
    server.start();
    return new MetricsEndpoint(server, executor);
  }

  private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals("/metrics") && !path.equals("/metrics/")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Where the meters are served, e.g. {@code http://127.0.0.1:9464/metrics}. */
  String url() {
    InetSocketAddress bound = server.getAddress();
    InetAddress address = bound.getAddress();
    String host = address instanceof Inet6Address ? "[" + AddressText.of(address) + "]" : AddressText.of(address);
    return "http://" + host + ":" + bound.getPort() + "/metrics";
  }

  /** Stops serving at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
