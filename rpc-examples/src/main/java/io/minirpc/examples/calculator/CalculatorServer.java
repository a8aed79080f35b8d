package io.minirpc.examples.calculator;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.minirpc.RpcServer;
import io.minirpc.examples.support.ExampleConfig;
import io.minirpc.examples.support.MetricsEndpoint;
import io.minirpc.micrometer.MicrometerMetrics;
import java.io.IOException;
import java.util.Properties;

/**
 * Serves {@link Calculator} with the settings in {@code server.properties}, and its metrics for
 * Prometheus at {@code http://localhost:9464/metrics} ({@code -Dexample.metricsPort=...} moves
 * them, {@code 0} picks a free port). Stop it with Ctrl-C; it shuts down gracefully.
 */
public final class CalculatorServer {
  private CalculatorServer() {}

  public static void main(String[] args) throws Exception {
    Properties config = ExampleConfig.load(CalculatorServer.class, "server.properties", args);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RpcServer server = RpcServer.builder()
        .configure(config)
        .observer(MicrometerMetrics.server(registry))
        .register(Calculator.class, new CalculatorImpl())
        .build()
        .start();
    int metricsPort = Integer.getInteger("example.metricsPort", 9464);
    try {
      MetricsEndpoint metrics = MetricsEndpoint.start(registry, metricsPort);
      Runtime.getRuntime().addShutdownHook(new Thread(metrics::close));
      System.out.println("Prometheus metrics at http://localhost:" + metrics.port() + "/metrics");
    } catch (IOException e) {
      System.out.println("No metrics endpoint: port " + metricsPort + " is taken (" + e.getMessage()
          + "); choose another with -Dexample.metricsPort=...");
    }
    ExampleConfig.serveUntilStopped("Calculator server", server);
  }
}
