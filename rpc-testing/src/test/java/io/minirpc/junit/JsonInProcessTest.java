package io.minirpc.junit;

import org.junit.jupiter.api.extension.RegisterExtension;

class JsonInProcessTest extends CalculatorContract {
  @RegisterExtension
  static RpcTestServer server = RpcTestServer.builder()
      .register(Calculator.class, new CalculatorImpl())
      .codec("json")
      .build();

  @Override
  RpcTestServer extension() {
    return server;
  }

  @Override
  String codec() {
    return "json";
  }
}
