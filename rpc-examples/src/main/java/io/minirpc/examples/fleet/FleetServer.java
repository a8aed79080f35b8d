package io.minirpc.examples.fleet;

import io.minirpc.RpcServer;
import io.minirpc.examples.support.ExampleConfig;
import java.util.Properties;

/**
 * One server of the greeter fleet, registered in the ZooKeeper group of {@code server.properties}
 * ({@code minirpc.server.registry}); start one per terminal. Ctrl-C deregisters it, drains it and
 * stops it, and its clients lose no call.
 */
public final class FleetServer {
  private FleetServer() {}

  public static void main(String[] args) throws Exception {
    Properties config = ExampleConfig.load(FleetServer.class, "server.properties", args);
    RpcServer server = RpcServer.builder()
        .configure(config)
        .register(Greeter.class, new GreeterImpl("server " + ProcessHandle.current().pid()))
        .build()
        .start();
    ExampleConfig.serveUntilStopped("Greeter server (pid " + ProcessHandle.current().pid() + ")",
        server);
  }
}
