package io.minirpc.examples.calculator;

import io.minirpc.RpcServer;
import io.minirpc.examples.ExampleConfig;
import java.util.Properties;

/**
 * Serves {@link Calculator} with the settings in {@code server.properties}. Stop it with Ctrl-C;
 * it shuts down gracefully.
 */
public final class CalculatorServer {
  private CalculatorServer() {}

  public static void main(String[] args) throws Exception {
    Properties config = ExampleConfig.load(CalculatorServer.class, "server.properties", args);
    RpcServer server = RpcServer.builder()
        .configure(config)
        .register(Calculator.class, new CalculatorImpl())
        .build()
        .start();
    ExampleConfig.serveUntilStopped("Calculator server", server);
  }
}
