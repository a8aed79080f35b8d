package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcContext;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Deadlines travel with calls, callers that give up stop the server's work, metadata arrives. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class DeadlinesTest {
  @Parameter String codec;

  private SlowServiceImpl impl;
  private RpcServer server;
  private RpcClient client;
  private SlowService slow;

  @BeforeEach
  void start() {
    impl = new SlowServiceImpl();
    server = RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .register(SlowService.class, impl).build().start();
    client = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(10)).metadata("tenant", "acme").build();
    slow = client.proxy(SlowService.class);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aTimeoutAnnotationOverridesTheClientDefault() {
    long start = System.nanoTime();
    RpcException e = assertThrows(RpcException.class, () -> slow.workWithShortTimeout(5_000));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Code.TIMEOUT, e.code());
    assertTrue(e.getMessage().contains("timed out after 200 ms"), e.getMessage());
    assertTrue(tookMs < 2_000, "took " + tookMs + " ms");
  }

  @Test
  void aCallThatTimesOutIsCancelledAndInterruptedOnTheServer() throws Exception {
    RpcClient quick = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofMillis(300)).build();
    try (quick) {
      RpcException e =
          assertThrows(RpcException.class, () -> quick.proxy(SlowService.class).work(30_000));
      assertEquals(Code.TIMEOUT, e.code());
      assertTrue(impl.stopped.await(5, TimeUnit.SECONDS), "the server call was not interrupted");
      assertTrue(impl.sawCancelled, "RpcContext.isCancelled() should say so");
      assertEquals(0, impl.finished.get());
    }
  }

  @Test
  void cancellingTheFutureStopsTheServerCall() throws Exception {
    CompletableFuture<Long> f = slow.workAsync(30_000);
    awaitStarted(1);
    assertTrue(f.cancel(true));
    assertTrue(impl.stopped.await(5, TimeUnit.SECONDS), "the server call was not interrupted");
    assertEquals(0, impl.finished.get());
    // The connection is still good.
    assertEquals(Map.of("tenant", "acme"), withoutServerEntries(slow.context()));
  }

  @Test
  void closingTheClientStopsItsServerCalls() throws Exception {
    CompletableFuture<Long> f = slow.workAsync(30_000);
    awaitStarted(1);
    client.close();
    assertTrue(impl.stopped.await(5, TimeUnit.SECONDS), "the server call was not interrupted");
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertEquals(Code.CANCELLED, ((RpcException) e.getCause()).code());
  }

  @Test
  void metadataTheDeadlineAndTheCallerReachTheServer() {
    Map<String, String> seen = slow.context();
    assertEquals("acme", seen.get("tenant"));
    assertTrue(seen.get("remote").contains("127.0.0.1"), seen.get("remote"));
    long deadline = Long.parseLong(seen.get("deadlineMillis"));
    assertTrue(deadline > 8_000 && deadline <= 10_000, "deadline in " + deadline + " ms");
    assertEquals("false", seen.get("cancelled"));
    assertFalse(RpcContext.current().deadline().isPresent(), "no context outside a call");
  }

  @Test
  void aCallMadeInsideAServerCallInheritsTheRemainingDeadline() {
    SlowServiceImpl backendImpl = new SlowServiceImpl();
    try (RpcServer backend = RpcServer.builder().host("127.0.0.1").port(0)
            .gracePeriod(Duration.ofSeconds(1)).register(SlowService.class, backendImpl).build()
            .start();
        RpcClient quick = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
            .timeout(Duration.ofMillis(500)).build()) {
      long start = System.nanoTime();
      RpcException e = assertThrows(
          RpcException.class, () -> quick.proxy(SlowService.class).relay(backend.port(), 10_000));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Code.TIMEOUT, e.code());
      assertTrue(tookMs < 3_000, "took " + tookMs + " ms");
      // The relay's own call to the backend timed out with the relay's deadline, not its 30 s.
      await(() -> backendImpl.interrupted.get() == 1, "the backend call was not cancelled");
    }
  }

  @Test
  void aCallWhoseDeadlinePassedInTheQueueNeverRuns() throws Exception {
    try (RpcServer tiny = RpcServer.builder().host("127.0.0.1").port(0).threads(1)
            .queueCapacity(10).gracePeriod(Duration.ofSeconds(1))
            .register(SlowService.class, impl).build().start();
        RpcClient c = RpcClient.builder().address("127.0.0.1", tiny.port()).codec(codec)
            .timeout(Duration.ofSeconds(10)).build();
        RpcClient quick = RpcClient.builder().address("127.0.0.1", tiny.port()).codec(codec)
            .timeout(Duration.ofMillis(200)).build()) {
      CompletableFuture<Long> blocker = c.proxy(SlowService.class).workAsync(1_000);
      awaitStarted(1);
      List<CompletableFuture<Long>> queued = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        queued.add(quick.proxy(SlowService.class).workAsync(1));
      }
      for (CompletableFuture<Long> q : queued) {
        ExecutionException e = assertThrows(ExecutionException.class, q::get);
        assertEquals(Code.TIMEOUT, ((RpcException) e.getCause()).code());
      }
      assertTrue(blocker.get(5, TimeUnit.SECONDS) >= 1_000);
      Thread.sleep(200);
      assertEquals(1, impl.started.get(), "expired calls must not run");
    }
  }

  private void awaitStarted(int n) {
    await(() -> impl.started.get() >= n, "the server call did not start");
  }

  private static void await(java.util.function.BooleanSupplier condition, String message) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(message);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static Map<String, String> withoutServerEntries(Map<String, String> m) {
    Map<String, String> copy = new java.util.HashMap<>(m);
    copy.keySet().removeAll(List.of("remote", "deadlineMillis", "cancelled"));
    return copy;
  }

}
