package io.minirpc.spring.boot.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import io.minirpc.spring.boot.RpcServerHealthIndicator;
import io.minirpc.spring.boot.RpcServerLifecycle;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Closing the application context drains the server: a call in flight finishes and is answered
 * while Actuator reports the server out of service, new calls are refused, and no minirpc thread
 * is left once the context is closed.
 */
class DrainOnCloseTest {
  @Test
  void closingTheContextLetsTheCallInFlightFinish() throws Exception {
    Set<String> before = minirpcThreads();
    int port = FreePort.pick();
    ConfigurableApplicationContext context = new SpringApplicationBuilder(ExampleApplication.class)
        .properties("minirpc.port=" + port, "minirpc.address=127.0.0.1:" + port)
        .run();
    RpcServerHealthIndicator health = context.getBean(RpcServerHealthIndicator.class);
    RpcServerLifecycle lifecycle = context.getBean(RpcServerLifecycle.class);
    assertEquals(Status.UP, health.health().getStatus());
    try (RpcClient outside = RpcClient.builder().address("127.0.0.1", port).codec("kryo")
        .timeout(Duration.ofSeconds(10)).build()) {
      Greeter greeter = outside.proxy(Greeter.class);
      assertEquals("Hello, Lin", greeter.greet("Lin"));

      int calls = GreeterImpl.DRAINING_CALLS.get();
      CompletableFuture<String> inFlight = greeter.healthOnceDraining();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (GreeterImpl.DRAINING_CALLS.get() == calls && System.nanoTime() < end) {
        Thread.sleep(5); // the call is on the server before the context closes
      }
      context.close(); // returns once the server has drained and every bean is gone

      assertEquals(RpcServerLifecycle.State.STOPPED, lifecycle.state());
      assertEquals(Status.DOWN, health.health().getStatus());
      assertEquals("OUT_OF_SERVICE", inFlight.get(1, TimeUnit.SECONDS),
          "answered after the drain began, before the context finished closing");
      RpcException refused = assertThrows(RpcException.class, () -> greeter.greet("late"));
      assertEquals(RpcException.Code.UNAVAILABLE, refused.code(), refused.getMessage());
    }
    assertEquals(Set.of(), newThreads(before));
    assertFalse(context.isActive());
  }

  @Test
  void theServerIsAlsoABeanForItsPort() {
    int port = FreePort.pick();
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(ExampleApplication.class)
            .properties("minirpc.port=" + port, "minirpc.address=127.0.0.1:" + port).run()) {
      RpcServer server = context.getBean(RpcServerLifecycle.class).server();
      assertEquals(port, server.port());
    }
  }

  private static Set<String> minirpcThreads() {
    Set<String> names = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("minirpc-")) {
        names.add(t.getName() + "#" + t.getId());
      }
    }
    return names;
  }

  private static Set<String> newThreads(Set<String> before) {
    Set<String> now = minirpcThreads();
    now.removeAll(before);
    return now;
  }
}
