package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** What a caller sees of ordinary calls, for each codec. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallsTest {
  @Parameter String codec;

  private Fixture fixture;
  private Calculator calc;

  @BeforeParameterizedClassInvocation
  void start() {
    fixture = Fixture.start(codec);
    calc = fixture.calculator();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    fixture.close();
  }

  @Test
  void overloadsReachTheRightMethod() {
    assertEquals(3, calc.add(1, 2));
    assertEquals(0.75, calc.add(0.5, 0.25));
    assertEquals(10L, calc.add(1L, 2L, 3L, 4L));
    assertEquals(0L, calc.add());
  }

  @Test
  void voidMethodsRunRemotely() {
    calc.add(1, 1);
    assertTrue(calc.counter() > 0);
    calc.reset();
    assertEquals(0, fixture.impl.counter.get());
  }

  @Test
  void nullArgumentsAndResultsTravel() {
    assertEquals("null+b", calc.concat(null, "b"));
    assertNull(calc.concat(null, null));
    assertNull(calc.nothing());
  }

  @Test
  void declaredCheckedExceptionsAreRethrownAsThemselvesWithoutTheServersStackByDefault() {
    DivisionByZeroException e =
        assertThrows(DivisionByZeroException.class, () -> calc.divide(1, 0));
    assertEquals("cannot divide 1 by zero", e.getMessage());
    // minirpc.server.sendStackTraces is off by default: class and message only.
    assertEquals(0, e.getStackTrace().length);
  }

  @Test
  void theServersStackTraceComesBackWhenTheServerSendsIt() {
    try (Fixture f = Fixture.start(codec, s -> s.sendStackTraces(true), c -> c)) {
      DivisionByZeroException e =
          assertThrows(DivisionByZeroException.class, () -> f.calculator().divide(1, 0));
      assertEquals("cannot divide 1 by zero", e.getMessage());
      // The server's stack trace is kept: the top frame is the implementation.
      assertEquals(CalculatorImpl.class.getName(), e.getStackTrace()[0].getClassName());
      assertEquals("divide", e.getStackTrace()[0].getMethodName());
    }
  }

  @Test
  void runtimeExceptionsOnTheClientClasspathAreRebuilt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> calc.fail("illegal-argument", "bad"));
    assertEquals("bad", e.getMessage());
    assertEquals(1, e.getSuppressed().length);
    assertTrue(e.getSuppressed()[0].getMessage().startsWith("Thrown remotely by "
        + Calculator.class.getName() + ".fail(java.lang.String,java.lang.String)"));
  }

  @Test
  void asyncMethodsReturnWithoutBlockingAndCompleteLater() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Integer> slow = calc.echoLater(300, 5);
    long returnedAfterMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(returnedAfterMillis < 250, "the call blocked for " + returnedAfterMillis + " ms");
    assertFalse(slow.isDone());
    assertEquals(5, slow.get(5, TimeUnit.SECONDS));
    assertEquals(3628800L, calc.factorial(10).get(5, TimeUnit.SECONDS));
    assertEquals("hello ada", calc.greet("ada").toCompletableFuture().get(5, TimeUnit.SECONDS));
  }

  @Test
  void anAsyncServerHoldsNoThreadWhileItsFuturesWait() throws Exception {
    // Far more calls than the server has worker threads, each waiting 300 ms on a scheduler:
    // they can only all finish in about 300 ms if none of them holds a worker while it waits.
    try (Fixture small = Fixture.start(codec, s -> s.threads(2).queueCapacity(500), c -> c)) {
      Calculator c = small.calculator();
      long start = System.nanoTime();
      List<CompletableFuture<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        calls.add(c.echoLater(300, i));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertEquals(i, calls.get(i).get(10, TimeUnit.SECONDS));
      }
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMillis < 3000, "200 async calls on 2 threads took " + tookMillis + " ms");
    }
  }

  @Test
  void asyncFailuresCompleteTheFutureExceptionally() {
    CompletableFuture<Void> f = calc.failAsync("not today");
    Throwable cause = assertThrows(Exception.class, f::join).getCause();
    assertEquals(UnsupportedOperationException.class, cause.getClass());
    assertEquals("not today", cause.getMessage());
  }

  @Test
  void manyConcurrentCallsShareOneConnectionAndCompleteOutOfOrder() throws Exception {
    int calls = 500;
    ConcurrentLinkedQueue<Integer> completionOrder = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      int delay = ThreadLocalRandom.current().nextInt(0, 200);
      int value = i;
      futures.add(calc.echoLater(delay, value).whenComplete((v, t) -> completionOrder.add(v)));
    }
    for (int i = 0; i < calls; i++) {
      assertEquals(i, futures.get(i).get(10, TimeUnit.SECONDS));
    }
    List<Integer> order = new ArrayList<>(completionOrder);
    List<Integer> sorted = new ArrayList<>(order);
    sorted.sort(null);
    assertEquals(calls, order.size());
    assertNotEquals(sorted, order, "responses should overtake each other");
  }

  @Test
  void manyThreadsMakingBlockingCallsEachGetTheirOwnAnswer() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int t = 0; t < 32; t++) {
        int base = t * 1000;
        results.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 200; i++) {
            if (calc.add(base, i) != base + i) {
              return false;
            }
          }
          return true;
        }));
      }
      go.countDown();
      for (Future<Boolean> r : results) {
        assertTrue(r.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void defaultMethodsRunLocallyAndCallRemoteOnes() {
    calc.reset();
    assertEquals(6, calc.addThree(1, 2, 3));
    assertEquals(2, fixture.impl.counter.get(), "addThree made two remote add calls");
  }

  @Test
  void objectMethodsRunLocally() {
    Calculator other = fixture.calculator();
    assertSame(calc, other, "proxies are cached per interface");
    assertTrue(calc.equals(calc));
    assertFalse(calc.equals(CalculatorImpl.class));
    assertEquals(System.identityHashCode(calc), calc.hashCode());
    assertEquals(
        "minirpc proxy of io.minirpc.it.Calculator at 127.0.0.1:" + fixture.server.port() + " ("
            + codec + ")",
        calc.toString());
  }

  @Test
  void clientsWithDifferentCodecsShareOneServer() {
    String other = codec.equals("json") ? "kryo" : "json";
    try (RpcClient second = RpcClient.builder()
        .address("127.0.0.1", fixture.server.port())
        .codec(other)
        .timeout(Duration.ofSeconds(5))
        .build()) {
      assertEquals(7, second.proxy(Calculator.class).add(3, 4));
      assertEquals(9, calc.add(4, 5));
    }
  }
}
