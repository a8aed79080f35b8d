package io.minirpc.examples;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.examples.calculator.Calculator;
import io.minirpc.examples.calculator.CalculatorClient;
import io.minirpc.examples.calculator.CalculatorImpl;
import io.minirpc.examples.kv.KeyValueClient;
import io.minirpc.examples.kv.KeyValueStore;
import io.minirpc.examples.kv.KeyValueStoreImpl;
import java.util.List;

/**
 * A server and a client in one JVM: serves both example services on a free port, then calls them
 * with each codec and prints what it called. {@code -Dminirpc.codec=kryo} limits it to one codec.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    String only = System.getProperty("minirpc.codec");
    List<String> codecs = only == null ? List.of("json", "kryo") : List.of(only);
    try (RpcServer server = RpcServer.builder()
        .host("127.0.0.1")
        .port(0)
        .register(Calculator.class, new CalculatorImpl())
        .register(KeyValueStore.class, new KeyValueStoreImpl())
        .build()
        .start()) {
      System.out.println("Server listening on 127.0.0.1:" + server.port());
      for (String codec : codecs) {
        try (RpcClient client = RpcClient.builder()
            .address("127.0.0.1", server.port())
            .codec(codec)
            .build()) {
          System.out.println();
          System.out.println("=== " + client + " ===");
          System.out.println("--- Calculator ---");
          CalculatorClient.run(client.proxy(Calculator.class));
          System.out.println("--- KeyValueStore ---");
          KeyValueClient.run(client.proxy(KeyValueStore.class));
        }
      }
    }
    System.out.println();
    System.out.println("Done: server and clients closed.");
  }
}
