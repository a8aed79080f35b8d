package io.minirpc.examples.fleet;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.examples.support.ExampleConfig;
import java.util.Properties;

/**
 * Calls the greeter fleet found in the ZooKeeper group of {@code client.properties} twice a
 * second and prints which server answered: start and stop servers in other terminals and watch
 * the calls move. Ctrl-C stops it.
 */
public final class FleetClient {
  private FleetClient() {}

  public static void main(String[] args) throws Exception {
    Properties config = ExampleConfig.load(FleetClient.class, "client.properties", args);
    try (RpcClient client = RpcClient.builder().configure(config).build()) {
      Greeter greeter = client.proxy(Greeter.class);
      for (int i = 1; ; i++) {
        try {
          System.out.println(i + ": " + greeter.greet("caller"));
        } catch (RpcException e) {
          System.out.println(i + ": " + e.code() + ": " + e.getMessage());
        }
        Thread.sleep(500);
      }
    }
  }
}
