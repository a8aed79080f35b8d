package io.minirpc.examples;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.examples.calculator.Calculator;
import io.minirpc.examples.calculator.CalculatorException;
import io.minirpc.examples.calculator.CalculatorImpl;
import io.minirpc.examples.kv.KeyValueStore;
import io.minirpc.examples.kv.KeyValueStoreImpl;
import io.minirpc.examples.support.ExampleConfig;
import io.minirpc.examples.support.MetricsEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples do what the README and docs/examples.md say they do. */
class ExamplesTest {
  @Test
  void theDemoCallsBothServicesWithBothCodecs() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Demo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("json}") && out.contains("kryo}"), out);
    assertTrue(out.contains("add(2, 3)          = 5"), out);
    assertTrue(out.contains("factorial(20)      = 2432902008176640000"), out);
    assertTrue(out.contains("divide(1, 0)       threw CalculatorException: cannot divide 1 by"
        + " zero"), out);
    assertTrue(out.contains("Done: server and clients closed."), out);
  }

  @Test
  void theFleetDemoSpreadsCallsAndDrainsAServerUnderTrafficWithNoFailedCall() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      io.minirpc.examples.fleet.FleetDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("Three servers registered in zookeeper://"), out);
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("Under traffic: (\\d+) calls succeeded, (\\d+) failed").matcher(out);
    assertTrue(m.find(), out);
    assertTrue(Integer.parseInt(m.group(1)) > 50, out);
    assertEquals("0", m.group(2), "draining a server under traffic fails no call: " + out);
    assertTrue(out.contains("server 4"), "the server that joined takes calls: " + out);
  }

  @Test
  void thePropertiesFilesConfigureServerAndClientAndTheSystemPropertyOverridesTheCodec()
      throws Exception {
    Properties server = ExampleConfig.load(
        io.minirpc.examples.kv.KeyValueServer.class, "server.properties", new String[0]);
    server.setProperty("minirpc.port", "0"); // the file's fixed port may be taken on a CI box
    try (RpcServer s = RpcServer.builder().configure(server)
        .register(KeyValueStore.class, new KeyValueStoreImpl()).build().start()) {
      Properties client = ExampleConfig.load(
          io.minirpc.examples.kv.KeyValueClient.class, "client.properties", new String[0]);
      assertEquals("kryo", client.getProperty("minirpc.codec"));
      System.setProperty("minirpc.codec", "json");
      try {
        client = ExampleConfig.load(
            io.minirpc.examples.kv.KeyValueClient.class, "client.properties", new String[0]);
      } finally {
        System.clearProperty("minirpc.codec");
      }
      assertEquals("json", client.getProperty("minirpc.codec"));
      client.setProperty("minirpc.address", "127.0.0.1:" + s.port());
      try (RpcClient c = RpcClient.builder().configure(client).build()) {
        KeyValueStore kv = c.proxy(KeyValueStore.class);
        kv.put("a", "1", Set.of("t"));
        assertEquals(2, kv.put("a", "2", Set.of("t")).version());
        assertEquals("2", kv.get("a").orElseThrow().value());
        assertEquals(1, kv.byTag().get("t").size());
      }
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"json", "kryo"})
  void theTickerStreamsQuotesAndCancelsTheLiveFeedFromItsPropertiesFiles(String codec)
      throws Exception {
    Properties server = ExampleConfig.load(io.minirpc.examples.ticker.TickerServer.class,
        "server.properties", new String[0]);
    server.setProperty("minirpc.port", "0");
    Properties client = ExampleConfig.load(io.minirpc.examples.ticker.TickerClient.class,
        "client.properties", new String[0]);
    client.setProperty("minirpc.codec", codec);
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (RpcServer s = RpcServer.builder().configure(server)
            .register(io.minirpc.examples.ticker.Ticker.class,
                new io.minirpc.examples.ticker.TickerImpl()).build().start();
        RpcClient c = RpcClient.builder().configure(client)
            .address("127.0.0.1", s.port()).build()) {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      io.minirpc.examples.ticker.TickerClient.run(c.proxy(io.minirpc.examples.ticker.Ticker.class));
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("quotes(ACME)       = 100000 quotes"), out);
    assertTrue(out.contains("live(INIT)         = #4 at"), out);
    assertTrue(out.contains("live(INIT)         cancelled after 5 quotes"), out);
    assertTrue(out.contains("average(1000)      = 11.00"), out);
    assertTrue(out.contains("reprice(2, 1000)   = 21998.00 in all"), out);
  }

  @Test
  void minusDMinirpcTransportIsASettingThatTheExamplesPassOn() throws Exception {
    System.setProperty("minirpc.transport", "nio");
    Properties server;
    Properties client;
    try {
      server = ExampleConfig.load(
          io.minirpc.examples.calculator.CalculatorServer.class, "server.properties", new String[0]);
      client = ExampleConfig.load(
          io.minirpc.examples.calculator.CalculatorClient.class, "client.properties", new String[0]);
    } finally {
      System.clearProperty("minirpc.transport");
    }
    assertEquals("nio", client.getProperty("minirpc.transport"));
    server.setProperty("minirpc.port", "0");
    try (RpcServer s = RpcServer.builder().configure(server)
            .register(Calculator.class, new CalculatorImpl()).build().start();
        RpcClient c = RpcClient.builder().configure(client)
            .address("127.0.0.1", s.port()).build()) {
      assertEquals(5, c.proxy(Calculator.class).add(2, 3));
    }
  }

  @Test
  void theSecureExampleRunsOverMutualTlsWithABearerTokenFromItsPropertiesFiles(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path secrets) throws Exception {
    System.setProperty("example.secrets", secrets.toString());
    try {
      io.minirpc.examples.secure.ExampleSecrets.ensure();
      Properties server = io.minirpc.examples.secure.ExampleSecrets.expand(ExampleConfig.load(
          io.minirpc.examples.secure.SecureCalculatorServer.class, "server.properties",
          new String[0]));
      Properties client = io.minirpc.examples.secure.ExampleSecrets.expand(ExampleConfig.load(
          io.minirpc.examples.secure.SecureCalculatorClient.class, "client.properties",
          new String[0]));
      server.setProperty("minirpc.port", "0");
      try (RpcServer s = RpcServer.builder().configure(server)
          .register(Calculator.class, new CalculatorImpl()).build().start()) {
        client.setProperty("minirpc.address", "127.0.0.1:" + s.port());
        try (RpcClient c = RpcClient.builder().configure(client).build()) {
          assertEquals(5, c.proxy(Calculator.class).add(2, 3));
        }
        client.remove("minirpc.metadata.authorization");
        try (RpcClient c = RpcClient.builder().configure(client).build()) {
          io.minirpc.RpcException e = Assertions.assertThrows(io.minirpc.RpcException.class,
              () -> c.proxy(Calculator.class).add(2, 3));
          assertEquals(io.minirpc.RpcException.Code.UNAUTHENTICATED, e.code());
        }
        Properties kryo = (Properties) client.clone();
        kryo.setProperty("minirpc.codec", "kryo");
        try (RpcClient c = RpcClient.builder().configure(kryo).build()) {
          io.minirpc.RpcException e = Assertions.assertThrows(io.minirpc.RpcException.class,
              () -> c.proxy(Calculator.class).add(2, 3));
          assertEquals(io.minirpc.RpcException.Code.CODEC, e.code(), "the server speaks json only");
        }
        client.remove("minirpc.tls.certChain");
        client.remove("minirpc.tls.privateKey");
        try (RpcClient c = RpcClient.builder().configure(client).build()) {
          io.minirpc.RpcException e = Assertions.assertThrows(io.minirpc.RpcException.class,
              () -> c.proxy(Calculator.class).add(2, 3));
          assertEquals(io.minirpc.RpcException.Code.UNAVAILABLE, e.code(), "no client certificate");
        }
      }
    } finally {
      System.clearProperty("example.secrets");
    }
  }

  @Test
  void theCalculatorServersMetricsEndpointServesPrometheusText() throws Exception {
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
            .observer(io.minirpc.micrometer.MicrometerMetrics.server(registry))
            .register(Calculator.class, new CalculatorImpl()).build().start();
        MetricsEndpoint metrics = MetricsEndpoint.start(registry, 0);
        RpcClient client = RpcClient.builder().address("127.0.0.1", server.port()).build()) {
      assertEquals(5, client.proxy(Calculator.class).add(2, 3));
      java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(
              "http://127.0.0.1:" + metrics.port() + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.body().contains("minirpc_server_calls_seconds_count{code=\"OK\","
          + "method=\"add(int,int)\",outcome=\"SUCCESS\","
          + "service=\"io.minirpc.examples.calculator.Calculator\"} 1"), scrape.body());
      assertTrue(scrape.body().contains("minirpc_server_connections 1.0"), scrape.body());
    }
  }

  @Test
  void theCalculatorsCheckedExceptionReachesTheCaller() {
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0)
            .register(Calculator.class, new CalculatorImpl()).build().start();
        RpcClient c = RpcClient.builder().address("127.0.0.1", s.port()).codec("kryo").build()) {
      Calculator calc = c.proxy(Calculator.class);
      CalculatorException e =
          Assertions.assertThrows(CalculatorException.class, () -> calc.divide(4, 0));
      assertEquals("cannot divide 4 by zero", e.getMessage());
      assertEquals(144, calc.square(12));
    }
  }
}
