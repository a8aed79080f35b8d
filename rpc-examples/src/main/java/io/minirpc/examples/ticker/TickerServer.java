package io.minirpc.examples.ticker;

import io.minirpc.RpcServer;
import io.minirpc.examples.support.ExampleConfig;
import java.util.Properties;

/** Serves {@link Ticker} with the settings in {@code server.properties}; Ctrl-C stops it. */
public final class TickerServer {
  private TickerServer() {}

  public static void main(String[] args) throws Exception {
    Properties config = ExampleConfig.load(TickerServer.class, "server.properties", args);
    RpcServer server = RpcServer.builder()
        .configure(config)
        .register(Ticker.class, new TickerImpl())
        .build()
        .start();
    ExampleConfig.serveUntilStopped("Ticker server", server);
  }
}
