package com.example.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.minirpc.junit.RpcTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** rpc-testing's extension, under this application's own (older) JUnit. */
class CatalogWithRpcTestingTest {
  @RegisterExtension
  static RpcTestServer server = RpcTestServer.builder()
      .register(Catalog.class, new InMemoryCatalog())
      .codec("kryo")
      .build();

  @Test
  void anInjectedProxyCallsTheServedImplementation(Catalog catalog) throws Exception {
    assertEquals("kettle", catalog.item("A-1").name());
  }
}
