package io.minirpc.junit;

import org.junit.jupiter.api.extension.RegisterExtension;

class KryoInProcessTest extends CalculatorContract {
  @RegisterExtension
  static RpcTestServer server = RpcTestServer.builder()
      .register(Calculator.class, new CalculatorImpl())
      .codec("kryo")
      .build();

  @Override
  RpcTestServer extension() {
    return server;
  }

  @Override
  String codec() {
    return "kryo";
  }
}
