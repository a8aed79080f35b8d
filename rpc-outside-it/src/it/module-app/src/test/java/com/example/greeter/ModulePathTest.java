package com.example.greeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Serves and calls a service of a named module, with each codec, with every jar on the module
 * path: what an application with a module-info.java does.
 */
class ModulePathTest {

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void servesAndCallsOnTheModulePath(String codec) throws Exception {
    // Everything here is a named module: the module path is in use, not the class path.
    assertEquals("com.example.greeter", Greeter.class.getModule().getName());
    assertEquals("io.minirpc.api", RpcClient.class.getModule().getName());
    assertEquals("io.minirpc.core", RpcClient.builder().getClass().getModule().getName());

    try (RpcServer server = RpcServer.builder()
            .host("127.0.0.1")
            .port(0)
            .register(Greeter.class, new PoliteGreeter())
            .build()
            .start();
        RpcClient client = RpcClient.builder()
            .address("127.0.0.1", server.port())
            .codec(codec)
            .timeout(Duration.ofSeconds(10))
            .build()) {
      Greeter greeter = client.proxy(Greeter.class);

      Person ada = new Person("Ada", 36);
      assertEquals(new Greeting("Hello, Ada", ada), greeter.greet(ada));
      assertEquals(
          List.of(new Greeting("Hello, Ada", ada), new Greeting("Hello, Alan", new Person("Alan", 41))),
          greeter.greetAll(List.of(ada, new Person("Alan", 41))).get());
      UnknownPersonException e =
          assertThrows(UnknownPersonException.class, () -> greeter.greet(new Person("", 0)));
      assertEquals("Who is it?", e.getMessage());
    }
  }
}
