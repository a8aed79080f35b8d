package io.minirpc.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a test using {@link RpcTestServer} sees, for each codec: its tests are run by a subclass
 * that registers the extension with that codec.
 */
abstract class CalculatorContract {
  private static final Set<String> ADDRESSES = ConcurrentHashMap.newKeySet();

  /** The subclass's extension. */
  abstract RpcTestServer extension();

  /** The codec the subclass's clients speak. */
  abstract String codec();

  @BeforeEach
  void eachTestHasAServerOfItsOwn() {
    String address = extension().address();
    assertTrue(address.startsWith("local:rpc-test-"), address);
    assertTrue(ADDRESSES.add(address), address + " served an earlier test");
  }

  @Test
  void injectsProxiesTheClientAndTheServer(Calculator calc, RpcClient client, RpcServer server) {
    assertEquals(5, calc.add(2, 3));
    assertSame(extension().client(), client);
    assertSame(client.proxy(Calculator.class), calc);
    assertSame(extension().server(), server);
    assertEquals(1, server.connectionCount());
    assertEquals(0, server.port(), "in-process: no port");
    assertEquals("minirpc proxy of " + Calculator.class.getName() + " at "
        + extension().address() + " (" + codec() + ")", calc.toString());
  }

  @Test
  void valuesTravelThroughTheCodec(Calculator calc) {
    assertEquals(10, calc.total(List.of(1, 2, 3, 4)));
    Calculator.Box box = new Calculator.Box("a", Optional.of("note"));
    Calculator.Box back = calc.echo(box);
    assertEquals(box, back);
    assertFalse(box == back, "a copy, decoded from bytes, not the caller's object");
  }

  @Test
  void aDeclaredExceptionComesBackAsItself(Calculator calc) {
    DivisionByZeroException e =
        assertThrows(DivisionByZeroException.class, () -> calc.divide(1, 0));
    assertEquals("1 / 0", e.getMessage());
  }

  @Test
  void anUndeclaredExceptionIsInternalWithAnErrorId(Calculator calc) {
    RpcException e = assertThrows(RpcException.class, () -> calc.broken("secret"));
    assertEquals(Code.INTERNAL, e.code());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  @Test
  void aServiceTheServerDoesNotHaveIsNotFound(RpcClient client) {
    RpcException e = assertThrows(RpcException.class, () -> client.proxy(Unserved.class).ping());
    assertEquals(Code.NOT_FOUND, e.code());
  }

  @Test
  void asynchronousMethodsReturnAtOnce(Calculator calc) throws Exception {
    CompletableFuture<String> later = calc.later(300, "done");
    assertFalse(later.isDone());
    assertEquals(2_432_902_008_176_640_000L, calc.factorial(20).get(5, TimeUnit.SECONDS));
    assertEquals("done", later.get(5, TimeUnit.SECONDS));
  }

  @Test
  void asynchronousFailuresCompleteTheFutureExceptionally(Calculator calc) {
    CompletableFuture<String> late = extension()
        .newClient(b -> b.timeout(Duration.ofMillis(100)))
        .proxy(Calculator.class)
        .later(1_000, "too late");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> late.get(5, TimeUnit.SECONDS));
    assertEquals(Code.TIMEOUT, ((RpcException) e.getCause()).code());
    assertEquals(3, calc.add(1, 2), "the default client is not affected");
  }

  /** Not registered on the server. */
  interface Unserved {
    void ping();
  }
}
