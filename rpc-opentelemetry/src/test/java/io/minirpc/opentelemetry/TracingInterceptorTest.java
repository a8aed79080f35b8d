package io.minirpc.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real servers on loopback: a test client calls server A (Front), whose implementation calls
 * server B (Inventory); every hop is traced, and the spans are read from the SDK's in-memory
 * exporter.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class TracingInterceptorTest {
  @RegisterExtension
  static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Parameter String codec;

  private final List<AutoCloseable> open = new ArrayList<>();
  private Front front;
  private RpcServer serverA;
  private RpcServer serverB;

  private RpcClient client(TracingInterceptor tracing, int port, Duration timeout) {
    RpcClient c = RpcClient.builder().intercept(tracing).address("127.0.0.1", port)
        .codec(codec).timeout(timeout).build();
    open.add(0, c);
    return c;
  }

  @BeforeEach
  void start() {
    TracingInterceptor tracing = new TracingInterceptor(otel.getOpenTelemetry());
    serverB = RpcServer.builder().host("127.0.0.1").port(0).intercept(tracing)
        .register(Inventory.class, new Inventory() {
          @Override
          public int reserve(String item) throws SoldOutException {
            if (item.equals("unicorn")) {
              throw new SoldOutException(item);
            }
            return item.length();
          }

          @Override
          public CompletableFuture<Integer> reserveLater(String item) {
            return CompletableFuture.supplyAsync(item::length,
                CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
          }
        }).build().start();
    open.add(serverB);
    Inventory inventory = client(tracing, serverB.port(), Duration.ofSeconds(10))
        .proxy(Inventory.class);
    serverA = RpcServer.builder().host("127.0.0.1").port(0).intercept(tracing)
        .register(Front.class, new Front() {
          @Override
          public String order(String item) throws SoldOutException {
            return item + " x" + inventory.reserve(item);
          }

          @Override
          public CompletableFuture<String> orderLater(String item) {
            // Called while the server span is current; the nested call completes later, on
            // the client's I/O thread.
            return inventory.reserveLater(item).thenApply(n -> item + " x" + n);
          }

          @Override
          public void refuse(String code) {
            throw new RpcException(RpcException.Code.valueOf(code), "refused on purpose");
          }
        }).build().start();
    open.add(0, serverA);
    front = client(tracing, serverA.port(), Duration.ofSeconds(10)).proxy(Front.class);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** The spans once {@code n} have ended, in the order they started. */
  private static List<SpanData> spans(int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (otel.getSpans().size() < n) {
      assertTrue(System.nanoTime() < end, "only " + otel.getSpans() + " ended");
      Thread.sleep(10);
    }
    Thread.sleep(50); // none more should come
    List<SpanData> spans = new ArrayList<>(otel.getSpans());
    assertEquals(n, spans.size(), spans.toString());
    spans.sort((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()));
    return spans;
  }

  private static void assertChild(SpanData parent, SpanData child) {
    assertEquals(parent.getTraceId(), child.getTraceId(), "one trace");
    assertEquals(parent.getSpanId(), child.getParentSpanId(),
        child.getName() + " is a child of " + parent.getName());
  }

  private static void assertRpc(SpanData span, SpanKind kind, Class<?> service, String method,
      String code) {
    assertEquals(kind, span.getKind(), span.toString());
    assertEquals(service.getName() + "/" + method, span.getName());
    assertEquals("minirpc", span.getAttributes().get(TracingInterceptor.RPC_SYSTEM));
    assertEquals(service.getName(), span.getAttributes().get(TracingInterceptor.RPC_SERVICE));
    assertEquals(method, span.getAttributes().get(TracingInterceptor.RPC_METHOD));
    assertEquals(code, span.getAttributes().get(TracingInterceptor.STATUS_CODE));
    assertEquals(code.equals("OK") ? StatusCode.UNSET : StatusCode.ERROR,
        span.getStatus().getStatusCode());
  }

  @Test
  void aNestedCallInsideAServerCallJoinsTheCallersTrace() throws Exception {
    Tracer tracer = otel.getOpenTelemetry().getTracer("test");
    Span request = tracer.spanBuilder("request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      assertEquals("apple x5", front.order("apple"));
    } finally {
      request.end();
    }
    List<SpanData> spans = spans(5);
    SpanData root = spans.get(0);
    SpanData clientA = spans.get(1);
    SpanData serverSpanA = spans.get(2);
    SpanData clientB = spans.get(3);
    SpanData serverSpanB = spans.get(4);
    assertEquals("request", root.getName());
    assertChild(root, clientA);
    assertChild(clientA, serverSpanA);
    assertChild(serverSpanA, clientB);
    assertChild(clientB, serverSpanB);
    assertRpc(clientA, SpanKind.CLIENT, Front.class, "order(java.lang.String)", "OK");
    assertRpc(serverSpanA, SpanKind.SERVER, Front.class, "order(java.lang.String)", "OK");
    assertRpc(clientB, SpanKind.CLIENT, Inventory.class, "reserve(java.lang.String)", "OK");
    assertRpc(serverSpanB, SpanKind.SERVER, Inventory.class, "reserve(java.lang.String)", "OK");

    assertEquals("127.0.0.1", clientA.getAttributes().get(TracingInterceptor.SERVER_ADDRESS));
    assertEquals(serverA.port(), clientA.getAttributes().get(TracingInterceptor.SERVER_PORT));
    assertEquals(serverB.port(), clientB.getAttributes().get(TracingInterceptor.SERVER_PORT));
    assertEquals("127.0.0.1", serverSpanA.getAttributes().get(TracingInterceptor.PEER_ADDRESS));
    assertTrue(serverSpanA.getAttributes().get(TracingInterceptor.PEER_PORT) > 0);
    // Each span ends after the ones it waited for.
    assertTrue(serverSpanA.getEndEpochNanos() >= clientB.getEndEpochNanos());
    assertTrue(clientA.getEndEpochNanos() >= serverSpanA.getEndEpochNanos());
  }

  @Test
  void aCallWithNoSpanCurrentStartsATraceAndItsContextTravelsAsTraceparent() throws Exception {
    assertFalse(Span.current().getSpanContext().isValid());
    assertEquals("pear x4", front.order("pear"));
    List<SpanData> spans = spans(4);
    assertFalse(SpanContext.getInvalid().getSpanId().equals(spans.get(0).getSpanId()));
    assertEquals(SpanContext.getInvalid().getSpanId(), spans.get(0).getParentSpanId(),
        "the client span is the root");
    for (int i = 1; i < 4; i++) {
      assertChild(spans.get(i - 1), spans.get(i));
    }
  }

  @Test
  void anAsynchronousImplementationsNestedCallIsItsServerSpansChild() throws Exception {
    assertEquals("fig x3", front.orderLater("fig").get(10, TimeUnit.SECONDS));
    List<SpanData> spans = spans(4);
    assertRpc(spans.get(0), SpanKind.CLIENT, Front.class, "orderLater(java.lang.String)", "OK");
    assertRpc(spans.get(1), SpanKind.SERVER, Front.class, "orderLater(java.lang.String)", "OK");
    assertRpc(spans.get(2), SpanKind.CLIENT, Inventory.class, "reserveLater(java.lang.String)",
        "OK");
    assertRpc(spans.get(3), SpanKind.SERVER, Inventory.class, "reserveLater(java.lang.String)",
        "OK");
    for (int i = 1; i < 4; i++) {
      assertChild(spans.get(i - 1), spans.get(i));
    }
    // The server span lasts until the implementation's future completes, after the nested call.
    assertTrue(spans.get(1).getEndEpochNanos() >= spans.get(2).getEndEpochNanos());
    assertTrue(spans.get(3).getEndEpochNanos() - spans.get(3).getStartEpochNanos()
        >= TimeUnit.MILLISECONDS.toNanos(15));
  }

  @Test
  void anApplicationExceptionMarksEverySpanOnItsWayBackAsAnError() throws Exception {
    assertThrows(SoldOutException.class, () -> front.order("unicorn"));
    List<SpanData> spans = spans(4);
    for (SpanData s : spans) {
      assertEquals(StatusCode.ERROR, s.getStatus().getStatusCode(), s.toString());
      assertEquals("APPLICATION", s.getAttributes().get(TracingInterceptor.STATUS_CODE));
      assertEquals(SoldOutException.class.getName(),
          s.getAttributes().get(TracingInterceptor.ERROR_TYPE));
      assertEquals("exception", s.getEvents().get(0).getName());
      assertEquals(SoldOutException.class.getName(), s.getEvents().get(0).getAttributes()
          .get(AttributeKey.stringKey("exception.type")));
    }
  }

  @Test
  void anRpcExceptionSetsItsCodeOnBothSpans() throws Exception {
    assertEquals(RpcException.Code.PERMISSION_DENIED, assertThrows(RpcException.class,
        () -> front.refuse("PERMISSION_DENIED")).code());
    List<SpanData> spans = spans(2);
    assertRpc(spans.get(0), SpanKind.CLIENT, Front.class, "refuse(java.lang.String)",
        "PERMISSION_DENIED");
    assertRpc(spans.get(1), SpanKind.SERVER, Front.class, "refuse(java.lang.String)",
        "PERMISSION_DENIED");
    for (SpanData s : spans) {
      assertEquals("PERMISSION_DENIED", s.getAttributes().get(TracingInterceptor.ERROR_TYPE));
      assertEquals("PERMISSION_DENIED", s.getStatus().getDescription());
    }
  }

  @Test
  void aClientTimeoutIsAnErrorOnTheClientSpan() throws Exception {
    TracingInterceptor tracing = new TracingInterceptor(otel.getOpenTelemetry());
    RpcServer slow = RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ZERO)
        .register(Inventory.class, new Inventory() {
          @Override
          public int reserve(String item) {
            return 0;
          }

          @Override
          public CompletableFuture<Integer> reserveLater(String item) {
            return new CompletableFuture<>(); // never
          }
        }).build().start();
    open.add(0, slow);
    Inventory inventory = client(tracing, slow.port(), Duration.ofMillis(100))
        .proxy(Inventory.class);
    ExecutionExceptionCheck.timeout(() -> inventory.reserveLater("x").get(5, TimeUnit.SECONDS));
    List<SpanData> spans = spans(1);
    assertRpc(spans.get(0), SpanKind.CLIENT, Inventory.class, "reserveLater(java.lang.String)",
        "TIMEOUT");
    assertNull(spans.get(0).getAttributes().get(TracingInterceptor.PEER_ADDRESS));
  }

  /** Asserts that a call fails with TIMEOUT, as a future's ExecutionException. */
  private static final class ExecutionExceptionCheck {
    interface Call {
      Object run() throws Exception;
    }

    static void timeout(Call call) {
      Exception e = assertThrows(Exception.class, call::run);
      Throwable cause = e.getCause() == null ? e : e.getCause();
      assertTrue(cause instanceof RpcException, e.toString());
      assertEquals(RpcException.Code.TIMEOUT, ((RpcException) cause).code());
    }
  }
}
