package io.minirpc.examples.support;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Serves a Prometheus registry at {@code http://localhost:PORT/metrics} with the JDK's own HTTP
 * server, for Prometheus to scrape (or {@code curl}).
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer http;

  private MetricsEndpoint(HttpServer http) {
    this.http = http;
  }

  /**
   * Listens on {@code port} (0 picks a free one) on the loopback interface.
   *
   * @throws IOException if the port cannot be bound
   */
  public static MetricsEndpoint start(PrometheusMeterRegistry registry, int port)
      throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    http.createContext("/metrics", exchange -> {
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    http.start();
    return new MetricsEndpoint(http);
  }

  /** The port it listens on. */
  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
