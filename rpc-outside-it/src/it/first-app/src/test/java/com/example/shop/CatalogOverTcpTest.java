package com.example.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A server and a client over a real socket, with each codec chosen by one line of configuration. */
class CatalogOverTcpTest {
  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void aClientCallsTheServerWithTheCodecItsConfigurationNames(String codec) throws Exception {
    try (RpcServer server = RpcServer.builder().port(0)
        .register(Catalog.class, new InMemoryCatalog()).build().start()) {
      Properties config = new Properties();
      config.setProperty("minirpc.address", "127.0.0.1:" + server.port());
      config.setProperty("minirpc.codec", codec);
      try (RpcClient client = RpcClient.builder().configure(config)
          .timeout(Duration.ofSeconds(10)).build()) {
        Catalog catalog = client.proxy(Catalog.class);
        assertEquals(new Item("B-2", "lamp", 1_999, List.of("living", "light")),
            catalog.item("B-2"));
        assertEquals(2, catalog.search("kitchen").size());
        assertEquals(3, catalog.count().get());
        NoSuchItemException missing =
            assertThrows(NoSuchItemException.class, () -> catalog.item("Z-9"));
        assertEquals("no item Z-9", missing.getMessage());
      }
    }
  }
}
