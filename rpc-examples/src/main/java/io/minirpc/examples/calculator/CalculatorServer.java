package io.minirpc.examples.calculator;

import io.minirpc.RpcServer;
import io.minirpc.examples.ExampleConfig;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

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
    System.out.println("Calculator server listening on port " + server.port()
        + "; press Ctrl-C to stop");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
