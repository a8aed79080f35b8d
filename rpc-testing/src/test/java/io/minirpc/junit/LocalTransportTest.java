package io.minirpc.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** rpc-core's local transport on its own: names, refusals, a graceful close. */
class LocalTransportTest {
  private static RpcServer.Builder calculatorServer(String name) {
    return RpcServer.builder().transport("local").host(name)
        .register(Calculator.class, new CalculatorImpl());
  }

  @Test
  void aClientCallsTheServerBoundToItsName() {
    try (RpcServer server = calculatorServer("calc-a").build().start();
        RpcClient client = RpcClient.builder().address("local:calc-a").codec("kryo").build()) {
      assertEquals(0, server.port());
      assertEquals(5, client.proxy(Calculator.class).add(2, 3));
      assertEquals(1, server.connectionCount());
    }
  }

  @Test
  void aNameServesOneServerAtATime() {
    try (RpcServer first = calculatorServer("calc-b").build().start()) {
      RpcServer second = calculatorServer("calc-b").build();
      RpcException e = assertThrows(RpcException.class, second::start);
      assertEquals(Code.UNAVAILABLE, e.code());
      assertTrue(e.getMessage().startsWith("Could not start the minirpc server on local:calc-b: "),
          e.getMessage());
      assertTrue(e.getMessage().endsWith(". Choose another name (minirpc.host), or close the"
          + " server that holds it"), e.getMessage());
      assertEquals(0, first.port());
    }
    // Once closed, the name is free again.
    try (RpcServer again = calculatorServer("calc-b").build().start();
        RpcClient client = RpcClient.builder().address("local:calc-b").build()) {
      assertEquals(3, client.proxy(Calculator.class).add(1, 2));
    }
  }

  @Test
  void aNameNobodyServesIsUnavailable() {
    try (RpcClient client = RpcClient.builder().address("local:nobody")
        .timeout(Duration.ofSeconds(5)).build()) {
      long start = System.nanoTime();
      RpcException e = assertThrows(RpcException.class,
          () -> client.proxy(Calculator.class).add(1, 2));
      assertEquals(Code.UNAVAILABLE, e.code());
      assertTrue(e.getMessage().startsWith("Call to " + Calculator.class.getName()
          + ".add(int,int) at local:nobody "), e.getMessage());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4),
          "fails once a connection attempt failed, not at the timeout");
    }
  }

  @Test
  void tlsIsRefusedAtBuildSayingWhy() {
    assertEquals("minirpc.tls is on, but minirpc.transport=local has no TLS (its bytes never"
        + " leave the JVM). Turn TLS off for this server, or serve it over TCP",
        assertThrows(IllegalArgumentException.class,
            () -> calculatorServer("calc-tls").tls(true).build()).getMessage());
    assertEquals("minirpc.tls is on, but minirpc.address = 'local:calc-tls' is a server in this"
        + " JVM, over the local transport, which has no TLS (its bytes never leave the JVM). Turn"
        + " TLS off for this client, or call the server over TCP",
        assertThrows(IllegalArgumentException.class,
            () -> RpcClient.builder().address("local:calc-tls").tls(true).build()).getMessage());
  }

  @Test
  void closeLetsTheCallsInFlightFinish() throws Exception {
    RpcServer server = calculatorServer("calc-drain").build().start();
    try (RpcClient client = RpcClient.builder().address("local:calc-drain").build()) {
      Calculator calc = client.proxy(Calculator.class);
      CompletableFuture<String> inFlight = calc.later(500, "finished");
      assertEquals(3, calc.add(1, 2)); // the slow call has reached the server
      long start = System.nanoTime();
      server.close();
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300),
          "close() waited for the call in flight");
      assertTrue(inFlight.isDone());
      assertEquals("finished", inFlight.get());
      RpcException after = assertThrows(RpcException.class, () -> calc.add(1, 2));
      assertEquals(Code.UNAVAILABLE, after.code());
      assertFalse(after.getMessage().isEmpty());
    } finally {
      server.close();
    }
  }
}
