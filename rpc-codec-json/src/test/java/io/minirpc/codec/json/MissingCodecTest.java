package io.minirpc.codec.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import org.junit.jupiter.api.Test;

/** This module's test classpath has the JSON codec and not Kryo: what a user missing one sees. */
class MissingCodecTest {
  interface Echo {
    String echo(String s);
  }

  @Test
  void aClientAskingForAnAbsentCodecFailsAtBuildNamingTheArtifact() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> RpcClient.builder().address("127.0.0.1", 1).codec("kryo").build());
    assertEquals(
        "No codec named 'kryo' is installed (installed: json). Add io.minirpc:rpc-codec-binary"
            + " to the classpath, or set minirpc.codec=json.",
        e.getMessage());
  }

  @Test
  void aServerAskingForAnAbsentCodecFailsAtBuild() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> RpcServer.builder().port(0).codecs("json", "kryo").register(Echo.class, s -> s)
                .build());
    assertEquals(
        "No codec named 'kryo' is installed (installed: json). Add io.minirpc:rpc-codec-binary"
            + " to the classpath, or set minirpc.codec=json.",
        e.getMessage());
  }

  @Test
  void theInstalledCodecWorksEndToEnd() {
    try (RpcServer server = RpcServer.builder().port(0).register(Echo.class, s -> s + "!").build()
            .start();
        RpcClient client = RpcClient.builder().address("127.0.0.1", server.port()).build()) {
      assertEquals("hi!", client.proxy(Echo.class).echo("hi"));
    }
  }
}
