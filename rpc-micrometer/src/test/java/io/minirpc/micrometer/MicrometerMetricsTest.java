package io.minirpc.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.minirpc.CallDeadline;
import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** The meters of a real server and client on loopback, with each codec. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class MicrometerMetricsTest {
  private static final String SHOP = Shop.class.getName();

  @Parameter String codec;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private RpcServer server(RpcServer.Builder b) {
    RpcServer s = b.host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .register(Shop.class, new ShopImpl()).build().start();
    open.add(s);
    return s;
  }

  private Shop client(RpcServer server, UnaryOperator<RpcClient.Builder> b) {
    RpcClient c = b.apply(RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(10))).build();
    open.add(0, c);
    return c.proxy(Shop.class);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out waiting until " + what);
      Thread.sleep(10);
    }
  }

  /** A method's gauge, or -1 before it is registered. */
  private static double gaugeValue(MeterRegistry r, String name, String method) {
    var gauge = r.find(name).tags("method", method).gauge();
    return gauge == null ? -1 : gauge.value();
  }

  private static long calls(MeterRegistry r, String side, String method, String code) {
    var timer = r.find("minirpc." + side + ".calls")
        .tags("service", SHOP, "method", method, "code", code).timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void timersCountEachSidesCallsByMethodAndCode() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    RpcServer server = server(RpcServer.builder().observer(MicrometerMetrics.server(registry)));
    Shop shop = client(server, c -> c.observer(MicrometerMetrics.client(registry)));
    for (int i = 0; i < 10; i++) {
      assertEquals(i + 1, shop.add(i, 1));
    }
    assertEquals(2.5, shop.add(1.0, 1.5));
    assertThrows(OutOfStockException.class, () -> shop.order("apple", -1));
    assertThrows(OutOfStockException.class, () -> shop.order("pear", -1));
    assertEquals("x", shop.later(20, "x").get(10, TimeUnit.SECONDS));

    for (String side : List.of("server", "client")) {
      await(() -> calls(registry, side, "later(int,java.lang.String)", "OK") == 1,
          side + " counts the asynchronous call when its future completes");
      assertEquals(10, calls(registry, side, "add(int,int)", "OK"));
      assertEquals(1, calls(registry, side, "add(double,double)", "OK"));
      assertEquals(2, calls(registry, side, "order(java.lang.String,int)", "APPLICATION"));
      var errors = registry.get("minirpc." + side + ".calls").tags("outcome", "ERROR").timers();
      assertEquals(1, errors.size(), errors.toString());
      var later = registry.get("minirpc." + side + ".calls")
          .tags("method", "later(int,java.lang.String)").timer();
      assertTrue(later.totalTime(TimeUnit.MILLISECONDS) >= 15, later.toString());
      assertEquals(0.0, registry.get("minirpc." + side + ".calls.active")
          .tags("method", "add(int,int)").gauge().value());
    }
  }

  @Test
  void aTimeoutCountsOnTheClientAndCallsInFlightShowInTheGauges() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    RpcServer server = server(RpcServer.builder().threads(1)
        .observer(MicrometerMetrics.server(registry)));
    Shop shop = client(server, c -> c.observer(MicrometerMetrics.client(registry)));
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(CompletableFuture.supplyAsync(() -> shop.slow(500)));
    }
    // The worker takes the first call off the queue a moment before it starts it.
    await(() -> registry.get("minirpc.server.calls.queued").gauge().value() == 2
            && gaugeValue(registry, "minirpc.server.calls.active", "slow(int)") == 1,
        "two calls wait for the only worker, which runs the third");
    assertEquals(1.0, registry.get("minirpc.server.calls.active")
        .tags("method", "slow(int)").gauge().value());
    assertEquals(3.0, registry.get("minirpc.client.calls.active")
        .tags("method", "slow(int)").gauge().value());
    for (CompletableFuture<Integer> c : calls) {
      assertEquals(500, c.get(10, TimeUnit.SECONDS));
    }
    assertEquals(0.0, registry.get("minirpc.server.calls.queued").gauge().value());

    Shop impatient = client(server, c -> c
        .observer(MicrometerMetrics.builder(registry).tags("client", "impatient").client()));
    // Connected first, so that a loaded machine cannot turn the timeout into "no connection".
    assertEquals(0, impatient.slow(0));
    try (CallDeadline.Scope s = CallDeadline.after(Duration.ofMillis(100))) {
      assertEquals(RpcException.Code.TIMEOUT,
          assertThrows(RpcException.class, () -> impatient.slow(1000)).code());
    }
    assertEquals(1, registry.get("minirpc.client.calls")
        .tags("client", "impatient", "method", "slow(int)", "code", "TIMEOUT", "outcome", "ERROR")
        .timer().count());
  }

  @Test
  void aStreamIsOneCallAndItsItemsAreCountedOnBothSides() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    RpcServer server = server(RpcServer.builder().observer(MicrometerMetrics.server(registry)));
    Shop shop = client(server, c -> c.observer(MicrometerMetrics.client(registry)));
    try (io.minirpc.StreamIterator<Integer> it = io.minirpc.Streams.iterate(shop.count(120), 8)) {
      it.forEachRemaining(x -> { });
    }
    for (String side : List.of("server", "client")) {
      await(() -> calls(registry, side, "count(int)", "OK") == 1, side + " counts one call");
      var items = registry.find("minirpc." + side + ".stream.items")
          .tags("service", SHOP, "method", "count(int)").counter();
      assertEquals(120.0, items.count(), side);
    }
    assertEquals(null, registry.find("minirpc.server.stream.items").tags("method", "add(int,int)")
        .counter(), "a method that does not stream has no item counter");
  }

  @Test
  void connectionsAndBytesAreCountedOnBothSides() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    RpcServer server = server(RpcServer.builder().observer(MicrometerMetrics.server(registry)));
    Shop shop = client(server, c -> c.observer(MicrometerMetrics.client(registry)));
    String item = "i".repeat(50_000);
    assertEquals(1, shop.order(item, 1));
    await(() -> registry.get("minirpc.server.connections").gauge().value() == 1,
        "the server counts the connection");
    assertEquals(1.0, registry.get("minirpc.client.connections").gauge().value());
    double sent = registry.get("minirpc.client.sent").counter().count();
    assertTrue(sent > 50_000, "sent " + sent);
    await(() -> registry.get("minirpc.server.received").counter().count() == sent,
        "the server received what the client sent");
    assertTrue(registry.get("minirpc.server.memory.used").gauge().value() >= 0);

    open.remove(0).close(); // the client
    await(() -> registry.get("minirpc.server.connections").gauge().value() == 0,
        "the server sees the connection close");
    assertEquals(0.0, registry.get("minirpc.client.connections").gauge().value());
  }

  @Test
  void refusalsBeforeDispatchAreCountedByReason() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    RpcServer server = server(RpcServer.builder().observer(MicrometerMetrics.server(registry))
        .rateLimit(Shop.class, "add", 0.01)); // one call, then one per 100 s
    Shop shop = client(server, c -> c.observer(MicrometerMetrics.client(registry)));
    int refused = 0;
    for (int i = 0; i < 5; i++) {
      try {
        shop.add(i, i);
      } catch (RpcException e) {
        assertEquals(RpcException.Code.RESOURCE_EXHAUSTED, e.code());
        refused++;
      }
    }
    assertTrue(refused >= 4, refused + " refused");
    assertEquals(refused, registry.get("minirpc.server.refused")
        .tags("service", SHOP, "method", "add(int,int)", "code", "RESOURCE_EXHAUSTED",
            "reason", "rate_limit")
        .counter().count());
    // The client sees them as calls that failed; the server's timers never saw them.
    assertEquals(refused, calls(registry, "client", "add(int,int)", "RESOURCE_EXHAUSTED"));
    assertEquals(5 - refused, calls(registry, "server", "add(int,int)", "OK"));
  }

  @Test
  void aConnectionOverTheLimitIsCountedAsARefusal() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    RpcServer server = server(RpcServer.builder().maxConnections(1)
        .observer(MicrometerMetrics.server(registry)));
    assertEquals(2, client(server, c -> c).add(1, 1));
    Shop second = client(server, c -> c);
    assertThrows(RpcException.class, () -> second.add(1, 1));
    await(() -> registry.find("minirpc.server.refused").tags("reason", "connection_limit")
        .counter() != null, "the refused connection is counted");
    assertEquals(Tags.of("code", "RESOURCE_EXHAUSTED", "method", "unknown", "reason",
        "connection_limit", "service", "unknown"),
        Tags.of(registry.get("minirpc.server.refused").counter().getId().getTags()));
  }

  @Test
  void prometheusScrapeHasConventionalNamesUnitsAndHistograms() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RpcServer server = server(RpcServer.builder()
        .observer(MicrometerMetrics.builder(registry).histogram(true).server()));
    Shop shop = client(server, c -> c
        .observer(MicrometerMetrics.builder(registry).percentiles(0.5, 0.99).client()));
    for (int i = 0; i < 3; i++) {
      shop.add(i, i);
    }
    String scrape = registry.scrape();
    String labels = "{code=\"OK\",method=\"add(int,int)\",outcome=\"SUCCESS\",service=\"" + SHOP
        + "\"}";
    for (String line : List.of(
        "minirpc_server_calls_seconds_count" + labels + " 3",
        "minirpc_client_calls_seconds_count" + labels + " 3",
        "minirpc_server_connections 1.0",
        "minirpc_client_connections 1.0",
        "minirpc_server_calls_queued 0.0",
        "# TYPE minirpc_server_received_bytes_total counter",
        "# TYPE minirpc_client_sent_bytes_total counter",
        "# TYPE minirpc_server_memory_used_bytes gauge",
        "minirpc_client_calls_active{method=\"add(int,int)\",service=\"" + SHOP + "\"} 0.0")) {
      assertTrue(scrape.contains(line), "no line " + line + " in\n" + scrape);
    }
    assertTrue(scrape.contains("minirpc_server_calls_seconds_bucket{code=\"OK\""), scrape);
    assertTrue(scrape.contains("minirpc_client_calls_seconds" + labels.replace("\"}", "\",")
        + "quantile=\"0.99\"}"), scrape);
  }
}
