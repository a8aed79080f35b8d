package io.minirpc.examples.secure;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.examples.calculator.Calculator;
import io.minirpc.examples.calculator.CalculatorClient;
import io.minirpc.examples.support.ExampleConfig;
import java.util.Properties;

/**
 * Calls a running {@link SecureCalculatorServer} over mutual TLS with its bearer token, from
 * {@code client.properties}; then once without the token, to show the refusal.
 */
public final class SecureCalculatorClient {
  private SecureCalculatorClient() {}

  public static void main(String[] args) throws Exception {
    Properties config = ExampleSecrets.expand(
        ExampleConfig.load(SecureCalculatorClient.class, "client.properties", args));
    try (RpcClient client = RpcClient.builder().configure(config).build()) {
      System.out.println("Calling through " + client + " over mutual TLS, with a bearer token");
      CalculatorClient.run(client.proxy(Calculator.class));
    }
    config.remove("minirpc.metadata.authorization");
    try (RpcClient client = RpcClient.builder().configure(config).build()) {
      client.proxy(Calculator.class).add(1, 1);
    } catch (RpcException e) {
      System.out.println("Without the token: " + e.code() + ": " + e.getMessage());
    }
  }
}
