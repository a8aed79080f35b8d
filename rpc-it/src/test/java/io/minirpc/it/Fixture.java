package io.minirpc.it;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A started server and a client connected to it over loopback; closes both. */
final class Fixture implements AutoCloseable {
  final RpcServer server;
  final RpcClient client;
  /** The implementation the server runs, for tests that look at server-side state. */
  final CalculatorImpl impl;

  private Fixture(RpcServer server, RpcClient client, CalculatorImpl impl) {
    this.server = server;
    this.client = client;
    this.impl = impl;
  }

  static Fixture start(String codec) {
    return start(codec, s -> s, c -> c);
  }

  static Fixture start(
      String codec,
      UnaryOperator<RpcServer.Builder> server,
      UnaryOperator<RpcClient.Builder> client) {
    CalculatorImpl impl = new CalculatorImpl();
    RpcServer s =
        server
            .apply(
                RpcServer.builder()
                    .host("127.0.0.1")
                    .port(0)
                    // Tests leave slow calls behind on purpose; don't wait long for them.
                    .gracePeriod(Duration.ofSeconds(1))
                    .register(Calculator.class, impl)
                    .register(TypesService.class, TypesService.echo()))
            .build()
            .start();
    RpcClient c;
    try {
      c =
          client
              .apply(
                  RpcClient.builder()
                      .address("127.0.0.1", s.port())
                      .codec(codec)
                      .timeout(Duration.ofSeconds(10)))
              .build();
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return new Fixture(s, c, impl);
  }

  Calculator calculator() {
    return client.proxy(Calculator.class);
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
