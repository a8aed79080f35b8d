package io.minirpc.examples.secure;

import io.minirpc.RpcServer;
import io.minirpc.examples.calculator.Calculator;
import io.minirpc.examples.calculator.CalculatorImpl;
import io.minirpc.examples.support.ExampleConfig;
import java.util.Properties;

/**
 * Serves {@link Calculator} over mutual TLS to callers with a bearer token, all from {@code
 * server.properties}; the certificates and the token are made on first run ({@link
 * ExampleSecrets}). Stop it with Ctrl-C.
 */
public final class SecureCalculatorServer {
  private SecureCalculatorServer() {}

  public static void main(String[] args) throws Exception {
    System.out.println("Example secrets in " + ExampleSecrets.ensure());
    Properties config = ExampleSecrets.expand(
        ExampleConfig.load(SecureCalculatorServer.class, "server.properties", args));
    RpcServer server = RpcServer.builder()
        .configure(config)
        .register(Calculator.class, new CalculatorImpl())
        .build()
        .start();
    ExampleConfig.serveUntilStopped("Secure calculator server", server);
  }
}
