package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.CallMetadata;
import io.minirpc.ClientInterceptor;
import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import io.minirpc.ServerInterceptor;
import io.minirpc.interceptors.LoggingInterceptor;
import io.minirpc.interceptors.MethodStats;
import io.minirpc.interceptors.MetricsInterceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Interceptor chains on both sides, per-call metadata, and the shipped metrics and logging. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class InterceptorsTest {
  @Parameter String codec;

  private final SlowServiceImpl slowImpl = new SlowServiceImpl();
  private final List<String> trail = Collections.synchronizedList(new ArrayList<>());
  private RpcServer server;
  private RpcClient client;

  private void start(UnaryOperator<RpcServer.Builder> s, UnaryOperator<RpcClient.Builder> c) {
    server = s.apply(RpcServer.builder().host("127.0.0.1").port(0)
        .gracePeriod(Duration.ofSeconds(1))
        .register(Calculator.class, new CalculatorImpl())
        .register(SlowService.class, slowImpl)).build().start();
    client = c.apply(RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(10)).metadata("tenant", "acme")).build();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private ClientInterceptor clientStep(String name) {
    return (call, next) -> {
      trail.add(name + " before " + call.method().getName());
      return next.proceed().whenComplete((v, e) -> trail.add(name + " after " + v));
    };
  }

  private ServerInterceptor serverStep(String name) {
    return (call, next) -> {
      trail.add(name + " before " + call.method().getName());
      return next.proceed().whenComplete((v, e) -> trail.add(name + " after " + v));
    };
  }

  @Test
  void chainsRunInOrderAroundTheCallOnBothSides() {
    start(s -> s.intercept(serverStep("S1"), serverStep("S2")),
        c -> c.intercept(clientStep("C1"), clientStep("C2")));
    assertEquals(5, client.proxy(Calculator.class).add(2, 3));
    assertEquals(List.of("C1 before add", "C2 before add", "S1 before add", "S2 before add",
        "S2 after 5", "S1 after 5", "C2 after 5", "C1 after 5"), trail);
  }

  @Test
  void aServerInterceptorRejectsCallsWithoutCredentialsBeforeTheImplementationRuns() {
    ServerInterceptor auth = (call, next) -> {
      if (!"s3cret".equals(call.metadata().get("token"))) {
        throw new RpcException(Code.UNAUTHENTICATED,
            "a valid token is required in the metadata 'token'");
      }
      return next.proceed();
    };
    start(s -> s.intercept(auth), c -> c);
    SlowService slow = client.proxy(SlowService.class);
    RpcException e = assertThrows(RpcException.class, () -> slow.work(0));
    assertEquals(Code.UNAUTHENTICATED, e.code());
    assertTrue(e.getMessage().endsWith("a valid token is required in the metadata 'token'"),
        e.getMessage());
    assertEquals(0, slowImpl.started.get(), "the implementation never ran");
    try (CallMetadata.Scope scope = CallMetadata.with("token", "s3cret")) {
      assertTrue(slow.work(0) < 1000, "the call ran");
    }
    assertEquals(1, slowImpl.started.get());
  }

  @Test
  void aClientInterceptorCanAnswerWithoutCallingAndAddMetadata() {
    ClientInterceptor cache = (call, next) -> call.method().getName().equals("add")
        ? CompletableFuture.completedFuture(42)
        : next.proceed();
    ClientInterceptor trace = (call, next) -> {
      call.metadata().put("trace-id", "t-1");
      return next.proceed();
    };
    start(s -> s, c -> c.intercept(cache, trace));
    assertEquals(42, client.proxy(Calculator.class).add(1, 1), "answered by the interceptor");
    Map<String, String> seen = client.proxy(SlowService.class).context();
    assertEquals("t-1", seen.get("trace-id"));
    assertEquals("acme", seen.get("tenant"));
  }

  @Test
  void interceptorsSeeArgumentsResultsAndExceptionsOfBlockingAndAsyncMethods() throws Exception {
    ServerInterceptor spy = (call, next) -> {
      trail.add(call.methodName() + " " + java.util.Arrays.toString(call.arguments()));
      return next.proceed().whenComplete((v, e) -> trail.add(
          e == null ? "result " + v : "error " + e.getClass().getSimpleName()));
    };
    start(s -> s.intercept(spy), c -> c.intercept(clientStep("C")));
    Calculator calc = client.proxy(Calculator.class);
    assertEquals(120L, calc.factorial(5).get(5, TimeUnit.SECONDS));
    DivisionByZeroException e =
        assertThrows(DivisionByZeroException.class, () -> calc.divide(1, 0));
    assertEquals("cannot divide 1 by zero", e.getMessage());
    assertTrue(trail.contains("io.minirpc.it.Calculator.factorial(int) [5]"), trail.toString());
    assertTrue(trail.contains("result 120"), trail.toString());
    assertTrue(trail.contains("io.minirpc.it.Calculator.divide(int,int) [1, 0]"));
    assertTrue(trail.contains("error DivisionByZeroException"), trail.toString());
    assertTrue(trail.contains("C after 120"), trail.toString());
  }

  @Test
  void perCallMetadataIsMergedOverTheClientsAndScopesNest() {
    start(s -> s, c -> c);
    SlowService slow = client.proxy(SlowService.class);
    try (CallMetadata.Scope outer = CallMetadata.with("request-id", "42")) {
      try (CallMetadata.Scope inner = CallMetadata.with("tenant", "globex")) {
        Map<String, String> seen = slow.context();
        assertEquals("42", seen.get("request-id"));
        assertEquals("globex", seen.get("tenant"), "the call's value wins");
      }
      Map<String, String> seen = slow.context();
      assertEquals("42", seen.get("request-id"));
      assertEquals("acme", seen.get("tenant"));
    }
    assertNull(slow.context().get("request-id"), "closed scopes send nothing");
  }

  @Test
  void metricsCountCallsErrorsByCodeAndLatencyUnderConcurrency() throws Exception {
    MetricsInterceptor serverMetrics = new MetricsInterceptor();
    MetricsInterceptor clientMetrics = new MetricsInterceptor();
    start(s -> s.intercept(serverMetrics, new LoggingInterceptor()),
        c -> c.intercept(new LoggingInterceptor(), clientMetrics));
    Calculator calc = client.proxy(Calculator.class);
    SlowService slow = client.proxy(SlowService.class);
    ExecutorService threads = Executors.newFixedThreadPool(16);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int id = t;
      futures.add(threads.submit(() -> {
        for (int i = 0; i < 50; i++) {
          assertEquals(id + i, calc.add(id, i));
        }
        for (int i = 0; i < 5; i++) {
          assertThrows(DivisionByZeroException.class, () -> calc.divide(id, 0));
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get(30, TimeUnit.SECONDS);
    }
    threads.shutdown();
    assertEquals(Code.TIMEOUT,
        assertThrows(RpcException.class, () -> slow.workWithShortTimeout(2000)).code());

    for (MetricsInterceptor m : List.of(clientMetrics, serverMetrics)) {
      MethodStats add = m.snapshot().get("io.minirpc.it.Calculator.add(int,int)");
      assertEquals(800, add.calls());
      assertEquals(0, add.failures());
      assertTrue(add.p50().toNanos() > 0 && add.p50().compareTo(add.p99()) <= 0
          && add.p99().compareTo(add.max()) <= 0, add.toString());
      MethodStats divide = m.snapshot().get("io.minirpc.it.Calculator.divide(int,int)");
      assertEquals(80, divide.calls());
      assertEquals(80, divide.errors(Code.APPLICATION));
    }
    MethodStats timedOut =
        clientMetrics.snapshot().get("io.minirpc.it.SlowService.workWithShortTimeout(long)");
    assertEquals(1, timedOut.errors(Code.TIMEOUT));
    assertTrue(timedOut.max().toMillis() >= 200, timedOut.toString());
    assertTrue(clientMetrics.toString().contains("io.minirpc.it.Calculator.add(int,int): 800"
        + " calls, 0 failed"), clientMetrics.toString());
  }
}
