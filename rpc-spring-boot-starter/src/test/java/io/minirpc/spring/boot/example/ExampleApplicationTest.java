package io.minirpc.spring.boot.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.spring.boot.RpcServerHealthIndicator;
import io.minirpc.spring.boot.RpcServerLifecycle;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example application in a real context: its {@code @RpcService} is served on a loopback
 * port, and its {@code @RpcReference} proxy calls it through a real socket, with the settings of
 * application.yml.
 */
@SpringBootTest(classes = ExampleApplication.class)
class ExampleApplicationTest {
  private static final int PORT = FreePort.pick();

  @DynamicPropertySource
  static void serverAndClient(DynamicPropertyRegistry registry) {
    registry.add("minirpc.port", () -> PORT);
    registry.add("minirpc.address", () -> "127.0.0.1:" + PORT);
  }

  @Autowired FrontDesk frontDesk;
  @Autowired Concierge concierge;
  @Autowired RpcServerLifecycle lifecycle;
  @Autowired RpcClient client;
  @Autowired RpcServerHealthIndicator health;
  @Autowired Greeter local;

  @Test
  void anInjectedProxyCallsTheServerOverLoopback() {
    assertEquals("Hello, Ada!", frontDesk.welcome("Ada"));
    RpcServer server = lifecycle.server();
    assertEquals(PORT, server.port());
    assertEquals(1, server.connectionCount());
    assertEquals("minirpc proxy of " + Greeter.class.getName() + " at 127.0.0.1:" + PORT
        + " (kryo)", frontDesk.greeter().toString());
    assertEquals(client.proxy(Greeter.class), frontDesk.greeter());
    assertTrue(local instanceof GreeterImpl, "the only Greeter bean is the local one: " + local);
  }

  @Test
  void anInjectedProxyStreamsFromTheServer() {
    java.util.List<String> got = new java.util.ArrayList<>();
    try (io.minirpc.StreamIterator<String> it =
        io.minirpc.Streams.iterate(frontDesk.greeter().greetings("Lin", 3), 2)) {
      it.forEachRemaining(got::add);
    }
    assertEquals(java.util.List.of("Hello #0, Lin", "Hello #1, Lin", "Hello #2, Lin"), got);
  }

  @Test
  void aConstructorParameterGetsTheProxyToo() {
    assertEquals("Hello, Ida, welcome", concierge.announce("Ida"));
    assertEquals(client.proxy(Greeter.class), concierge.greeter(),
        "the remote proxy, although a local Greeter bean exists");
  }

  @Test
  void nestedYamlKeysConfigureTheServer() {
    // minirpc.server.errorDetails: true in application.yml sends the exception's class and
    // message, and the client rebuilds it; by default it would be INTERNAL with an error id.
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> frontDesk.greeter().fail("boom"));
    assertEquals("boom", e.getMessage());
  }

  @Test
  void actuatorHealthIsUpWhileServing() throws InterruptedException {
    frontDesk.welcome("Grace");
    // A call's memory goes back once its answer is written, which may come a moment after the
    // client has read it: wait for that moment, up to 5 s.
    long deadline = System.nanoTime() + 5_000_000_000L;
    Health h = health.health();
    while (!Long.valueOf(0).equals(h.getDetails().get("memoryInUse"))
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
      h = health.health();
    }
    assertEquals(Status.UP, h.getStatus());
    assertEquals(Map.of("port", PORT, "connections", 1, "memoryInUse", 0L), h.getDetails());
  }
}
