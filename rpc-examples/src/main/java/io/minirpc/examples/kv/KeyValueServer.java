package io.minirpc.examples.kv;

import io.minirpc.RpcServer;
import io.minirpc.examples.support.ExampleConfig;
import java.util.Properties;

/** Serves {@link KeyValueStore} with the settings in {@code server.properties}; Ctrl-C stops it. */
public final class KeyValueServer {
  private KeyValueServer() {}

  public static void main(String[] args) throws Exception {
    Properties config = ExampleConfig.load(KeyValueServer.class, "server.properties", args);
    RpcServer server = RpcServer.builder()
        .configure(config)
        .register(KeyValueStore.class, new KeyValueStoreImpl())
        .build()
        .start();
    ExampleConfig.serveUntilStopped("Key-value server", server);
  }
}
