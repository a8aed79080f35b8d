package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import io.minirpc.interceptors.MethodStats;
import io.minirpc.interceptors.MetricsInterceptor;
import io.minirpc.metrics.CallObserver;
import io.minirpc.metrics.Refusal;
import io.minirpc.metrics.RpcObserver;
import io.minirpc.metrics.ServerGauges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** The observer SPI: what a client and a server tell an RpcObserver, with real sockets. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class ObserverTest {
  @Parameter String codec;

  private final List<AutoCloseable> open = new ArrayList<>();

  /** Records everything it is told. */
  static final class Recorder implements RpcObserver {
    final Map<String, Calls> methods = new ConcurrentHashMap<>();
    final AtomicInteger asked = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicLong read = new AtomicLong();
    final AtomicLong written = new AtomicLong();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    volatile ServerGauges started;

    static final class Calls implements CallObserver {
      final AtomicInteger started = new AtomicInteger();
      final List<Code> ended = new CopyOnWriteArrayList<>();
      final List<Throwable> errors = new CopyOnWriteArrayList<>();

      @Override
      public void started() {
        started.incrementAndGet();
      }

      @Override
      public void ended(long nanos, Code code, Throwable error) {
        assertTrue(nanos > 0);
        ended.add(code == null ? Code.INTERNAL : code); // INTERNAL stands for "OK" here
        errors.add(error == null ? new Throwable("none") : error);
      }

      long ok() {
        return ended.stream().filter(c -> c == Code.INTERNAL).count();
      }
    }

    @Override
    public CallObserver forMethod(String service, String method) {
      asked.incrementAndGet();
      Calls c = new Calls();
      assertNull(methods.put(service + "#" + method, c), "asked twice for " + method);
      return c;
    }

    @Override
    public void connectionOpened() {
      opened.incrementAndGet();
    }

    @Override
    public void connectionClosed() {
      closed.incrementAndGet();
    }

    @Override
    public void bytesRead(long bytes) {
      read.addAndGet(bytes);
    }

    @Override
    public void bytesWritten(long bytes) {
      written.addAndGet(bytes);
    }

    @Override
    public void refused(String service, String method, Code code, Refusal reason) {
      refusals.add(service + "#" + method + " " + code + " " + reason);
    }

    @Override
    public void serverStarted(ServerGauges server) {
      started = server;
    }
  }

  private RpcServer server(RpcServer.Builder b) {
    RpcServer s = b.host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .register(Calculator.class, new CalculatorImpl()).build().start();
    open.add(s);
    return s;
  }

  private RpcClient client(RpcServer server, RpcClient.Builder b) {
    RpcClient c = b.address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(10)).build();
    open.add(0, c);
    return c;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out waiting until " + what);
      Thread.sleep(10);
    }
  }

  @Test
  void bothSidesSeeEveryCallOnceWithItsOutcome() throws Exception {
    Recorder onServer = new Recorder();
    Recorder onClient = new Recorder();
    RpcServer server = server(RpcServer.builder().observer(onServer));
    Calculator calc = client(server, RpcClient.builder().observer(onClient))
        .proxy(Calculator.class);
    for (int i = 0; i < 20; i++) {
      assertEquals(i + 1, calc.add(i, 1));
    }
    assertThrows(DivisionByZeroException.class, () -> calc.divide(1, 0));

    for (Recorder r : List.of(onServer, onClient)) {
      Recorder.Calls add = r.methods.get("io.minirpc.it.Calculator#add(int,int)");
      await(() -> add.ended.size() == 20, "20 calls of add ended");
      assertEquals(20, add.started.get());
      assertEquals(20, add.ok());
      Recorder.Calls divide = r.methods.get("io.minirpc.it.Calculator#divide(int,int)");
      await(() -> divide.ended.size() == 1, "divide ended");
      assertEquals(List.of(Code.APPLICATION), divide.ended);
      assertTrue(divide.errors.get(0) instanceof DivisionByZeroException, divide.errors.toString());
    }
    assertSame(server, onServer.started);
    assertNull(onClient.started);
  }

  @Test
  void connectionsAndBytesAreCountedOnBothSides() throws Exception {
    Recorder onServer = new Recorder();
    Recorder onClient = new Recorder();
    RpcServer server = server(RpcServer.builder().observer(onServer));
    RpcClient client = client(server, RpcClient.builder().observer(onClient));
    Calculator calc = client.proxy(Calculator.class);
    String big = "x".repeat(100_000);
    assertEquals(200_000, calc.repeat(big, 2).length());
    assertEquals(1, onClient.opened.get());
    await(() -> onServer.opened.get() == 1, "the server counts the connection");
    assertTrue(onClient.written.get() > 100_000, "client wrote " + onClient.written);
    assertTrue(onClient.read.get() > 200_000, "client read " + onClient.read);

    client.close();
    await(() -> onServer.closed.get() == 1, "the server sees the connection close");
    assertEquals(1, onClient.closed.get());
    // Every byte the client sent reached the server, and the other way round.
    assertEquals(onClient.written.get(), onServer.read.get());
    assertEquals(onServer.written.get(), onClient.read.get());
  }

  @Test
  void refusalsBeforeDispatchReachTheServerObserverWithTheirLimit() throws Exception {
    Recorder onServer = new Recorder();
    RpcServer server = server(RpcServer.builder().observer(onServer)
        .rateLimit(Calculator.class, "add", 0.01)); // one call, then one per 100 s
    Calculator calc = client(server, RpcClient.builder()).proxy(Calculator.class);
    int refused = 0;
    for (int i = 0; i < 5; i++) {
      try {
        calc.add(1, 2);
      } catch (RpcException e) {
        assertEquals(Code.RESOURCE_EXHAUSTED, e.code());
        refused++;
      }
    }
    assertTrue(refused >= 4, refused + " refused");
    int n = refused;
    await(() -> onServer.refusals.size() == n, n + " refusals observed");
    for (String r : onServer.refusals) {
      assertEquals("io.minirpc.it.Calculator#add(int,int) RESOURCE_EXHAUSTED RATE_LIMIT", r);
    }
    // Refused calls never reached the interceptors.
    assertEquals(5 - refused,
        onServer.methods.get("io.minirpc.it.Calculator#add(int,int)").ended.size());
  }

  @Test
  void aConnectionOverTheLimitIsARefusalWithoutAMethod() throws Exception {
    Recorder onServer = new Recorder();
    RpcServer server = server(RpcServer.builder().observer(onServer).maxConnections(1));
    assertEquals(3, client(server, RpcClient.builder()).proxy(Calculator.class).add(1, 2));
    Calculator second = client(server, RpcClient.builder()).proxy(Calculator.class);
    assertThrows(RpcException.class, () -> second.add(1, 2));
    await(() -> !onServer.refusals.isEmpty(), "the refusal is observed");
    assertEquals("null#null RESOURCE_EXHAUSTED CONNECTION_LIMIT", onServer.refusals.get(0));
    assertEquals(1, onServer.opened.get());
  }

  @Test
  void theServerGaugesCountCallsInFlightAndQueued() throws Exception {
    RpcServer server = server(RpcServer.builder().threads(1));
    Calculator calc = client(server, RpcClient.builder()).proxy(Calculator.class);
    assertEquals(0, server.callsInFlight());
    assertEquals(0, server.queuedCalls());
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int v = i;
      calls.add(CompletableFuture.supplyAsync(() -> calc.sleepThenEcho(300, v)));
    }
    await(() -> server.callsInFlight() == 4 && server.queuedCalls() == 3,
        "one call runs and three wait (in flight " + server.callsInFlight() + ")");
    for (CompletableFuture<Integer> c : calls) {
      c.get(10, TimeUnit.SECONDS);
    }
    await(() -> server.callsInFlight() == 0 && server.queuedCalls() == 0, "all calls ended");
  }

  @Test
  void metricsInterceptorCountsTheSameAsObserverAndAsInterceptor() throws Exception {
    MetricsInterceptor asObserver = new MetricsInterceptor();
    MetricsInterceptor asInterceptor = new MetricsInterceptor();
    RpcServer server = server(RpcServer.builder().observer(asObserver).intercept(asInterceptor));
    Calculator calc = client(server, RpcClient.builder()).proxy(Calculator.class);
    for (int i = 0; i < 10; i++) {
      calc.add(i, i);
    }
    assertThrows(DivisionByZeroException.class, () -> calc.divide(1, 0));
    for (MetricsInterceptor m : List.of(asObserver, asInterceptor)) {
      MethodStats add = m.snapshot().get("io.minirpc.it.Calculator.add(int,int)");
      assertEquals(10, add.calls());
      MethodStats divide = m.snapshot().get("io.minirpc.it.Calculator.divide(int,int)");
      assertEquals(1, divide.errors(Code.APPLICATION));
    }
  }
}
