package io.minirpc.examples.calculator;

import io.minirpc.RpcClient;
import io.minirpc.examples.support.ExampleConfig;
import java.util.Properties;

/**
 * Calls a running {@link CalculatorServer} with the settings in {@code client.properties}. Run with
 * {@code -Dminirpc.codec=kryo} to swap the codec.
 */
public final class CalculatorClient {
  private CalculatorClient() {}

  public static void main(String[] args) throws Exception {
    Properties config = ExampleConfig.load(CalculatorClient.class, "client.properties", args);
    try (RpcClient client = RpcClient.builder().configure(config).build()) {
      System.out.println("Calling through " + client + "; it connects on the first call");
      run(client.proxy(Calculator.class));
    }
  }

  /** The calls both this client and the demo make. */
  public static void run(Calculator calc) throws Exception {
    System.out.println("add(2, 3)          = " + calc.add(2, 3));
    System.out.println("add(0.5, 0.25)     = " + calc.add(0.5, 0.25));
    System.out.println("square(12)         = " + calc.square(12) + "   (default method, ran"
        + " locally, called multiply remotely)");
    System.out.println("factorial(20)      = " + calc.factorial(20).get() + "   (asynchronous)");
    try {
      calc.divide(1, 0);
    } catch (CalculatorException e) {
      System.out.println("divide(1, 0)       threw CalculatorException: " + e.getMessage());
    }
    try {
      calc.factorial(99).join();
    } catch (java.util.concurrent.CompletionException e) {
      System.out.println("factorial(99)      failed with " + e.getCause());
    }
  }
}
