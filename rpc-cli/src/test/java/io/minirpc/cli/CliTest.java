package io.minirpc.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.minirpc.RpcServer;
import io.minirpc.auth.BearerTokenAuthenticator;
import io.minirpc.health.HealthStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@code minirpc} against real servers, run in this JVM ({@link InProcess}); the health watch runs
 * as a process, java -cp with the test classpath, as it must be stopped from outside.
 */
class CliTest {
  private static final String SHOP = Shop.class.getName();

  /** Counts the calls that reach the implementation. */
  static final class ShopImpl implements Shop {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public int add(int a, int b) {
      calls.incrementAndGet();
      return a + b;
    }

    @Override
    public Receipt order(Order order) {
      calls.incrementAndGet();
      return new Receipt("r-1", order, new BigDecimal("2.50").multiply(
          BigDecimal.valueOf(order.quantity())));
    }

    @Override
    public void close(String reason) {
      calls.incrementAndGet();
      throw new IllegalStateException("closed: " + reason);
    }
  }

  record Result(int exit, String out, String err) {}

  private static RpcServer server(ShopImpl impl, UnaryOperator<RpcServer.Builder> config) {
    return config.apply(RpcServer.builder().host("127.0.0.1").port(0)
        .gracePeriod(Duration.ofSeconds(1)).register(Shop.class, impl)).build().start();
  }

  private static RpcServer server(ShopImpl impl) {
    return server(impl, b -> b.listing(true));
  }

  private static ProcessBuilder command(String... args) {
    List<String> command = new ArrayList<>(List.of(
        System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
        "io.minirpc.cli.Minirpc"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static Result run(String... args) {
    InProcess.Ran r = InProcess.run(args);
    return new Result(r.exit(), new String(r.out(), UTF_8), new String(r.err(), UTF_8));
  }

  private static String stderr(Process p) {
    try {
      return new String(p.getErrorStream().readAllBytes(), UTF_8);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static String at(RpcServer s) {
    return "127.0.0.1:" + s.port();
  }

  @Test
  void listPrintsEveryServiceTheServerLists() throws Exception {
    try (RpcServer s = server(new ShopImpl())) {
      Result r = run("list", at(s));
      assertEquals(0, r.exit(), r.err());
      assertEquals(List.of("io.minirpc.cli.Shop", "io.minirpc.health.Health",
          "io.minirpc.listing.ServiceListing"), r.out().lines().toList());
      Result methods = run("list", at(s), "Shop");
      assertEquals(List.of(SHOP + ".add(int,int)", SHOP + ".close(java.lang.String)",
          SHOP + ".order(io.minirpc.cli.Shop$Order)"), methods.out().lines().toList());
    }
  }

  @Test
  void describeShowsSignaturesKeysAndSchemas() throws Exception {
    try (RpcServer s = server(new ShopImpl())) {
      Result r = run("describe", at(s), "Shop.add");
      assertEquals(0, r.exit(), r.err());
      assertEquals(SHOP + "\n\n  int add(int a, int b)\n    key: add(int,int)\n"
          + "    a: {\"type\":\"integer\",\"minimum\":-2147483648,\"maximum\":2147483647}\n"
          + "    b: {\"type\":\"integer\",\"minimum\":-2147483648,\"maximum\":2147483647}\n"
          + "    returns: {\"type\":\"integer\",\"minimum\":-2147483648,"
          + "\"maximum\":2147483647}\n", r.out());
      Result json = run("describe", "--json", at(s), SHOP);
      assertEquals(0, json.exit(), json.err());
      JsonNode doc = Output.JSON.readTree(json.out());
      assertEquals(3, doc.get("methods").size());
      JsonNode order = doc.get("methods").get(2);
      assertEquals("order(io.minirpc.cli.Shop$Order)", order.get("key").asText());
      assertEquals("[\"quantity\"]", order.get("parameters").get(0).get("schema").get("$defs")
          .get("io.minirpc.cli.Shop$Order").get("required").toString());
    }
  }

  @Test
  void callWithPrimitiveArgumentsPrintsTheResult() throws Exception {
    try (RpcServer s = server(new ShopImpl())) {
      Result r = run("call", at(s), "Shop.add", "[2, 3]");
      assertEquals(0, r.exit(), r.err());
      assertEquals("5\n", r.out());
    }
  }

  @Test
  void callOfAMethodThatStreamsPrintsEachItemAsALineOfJson() throws Exception {
    Tape tape = (item, n) -> io.minirpc.Streams.fromStream(java.util.stream.IntStream
        .range(0, n).mapToObj(i -> new Shop.Order(item, i, List.of())));
    try (RpcServer s = server(new ShopImpl(), b -> b.listing(true).register(Tape.class, tape))) {
      Result r = run("call", at(s), "Tape.play", "[\"nut\", 3]");
      assertEquals(0, r.exit(), r.err());
      assertEquals(List.of("{\"item\":\"nut\",\"quantity\":0,\"notes\":[]}",
          "{\"item\":\"nut\",\"quantity\":1,\"notes\":[]}",
          "{\"item\":\"nut\",\"quantity\":2,\"notes\":[]}"), r.out().lines().toList());
      Result described = run("describe", at(s), "Tape.play");
      assertEquals(0, described.exit(), described.err());
      assertTrue(described.out().contains("Flow$Publisher<io.minirpc.cli.Shop$Order> play("),
          described.out());
    }
  }

  @Test
  void callOfAMethodThatTakesAStreamFromTheClientIsRefusedWithTheReason() throws Exception {
    Recorder recorder = (name, orders) -> 0;
    try (RpcServer s = server(new ShopImpl(),
        b -> b.listing(true).register(Recorder.class, recorder))) {
      Result r = run("call", at(s), "Recorder.record", "[\"x\", []]");
      assertEquals(2, r.exit(), r.out() + r.err());
      assertTrue(r.err().contains("takes a stream from the client (parameter 2"), r.err());
      assertTrue(r.err().contains("Call it from Java"), r.err());
    }
  }

  @Test
  void callWithARecordPrintsThePrettyResult() throws Exception {
    try (RpcServer s = server(new ShopImpl())) {
      Result r = run("call", at(s), SHOP + ".order",
          "[{\"item\": \"tea\", \"quantity\": 3, \"notes\": [\"green\"]}]");
      assertEquals(0, r.exit(), r.err());
      assertEquals("{\n  \"id\" : \"r-1\",\n  \"order\" : {\n    \"item\" : \"tea\",\n"
          + "    \"quantity\" : 3,\n    \"notes\" : [ \"green\" ]\n  },\n"
          + "  \"total\" : 7.50\n}\n", r.out());
    }
  }

  @Test
  void argumentsThatDoNotMatchTheSchemaAreRefusedBeforeSending() throws Exception {
    ShopImpl impl = new ShopImpl();
    try (RpcServer s = server(impl)) {
      Result r = run("call", at(s), "Shop.order", "[{\"item\": \"tea\", \"quantity\": \"two\"}]");
      assertEquals(2, r.exit(), r.out());
      assertEquals("minirpc: The arguments do not fit Shop.order(io.minirpc.cli.Shop$Order):"
          + " argument 1 (io.minirpc.cli.Shop$Order order) at $.quantity: expected an integer,"
          + " got \"two\" (a string). Nothing was sent (minirpc describe shows the schemas)\n",
          r.err());
      Result unknown = run("call", at(s), "Shop.order", "[{\"item\": \"tea\", \"quantity\": 1,"
          + " \"colour\": \"red\"}]");
      assertEquals(2, unknown.exit());
      assertTrue(unknown.err().contains("argument 1 (io.minirpc.cli.Shop$Order order):"
          + " unknown property \"colour\" (it has: item, quantity, notes)"), unknown.err());
      Result big = run("call", at(s), "Shop.add", "[3000000000, 1]");
      assertEquals(2, big.exit());
      assertTrue(big.err().contains("argument 1 (int a): 3000000000 is more than the maximum"
          + " 2147483647"), big.err());
      Result count = run("call", at(s), "Shop.add", "[1]");
      assertEquals(2, count.exit());
      assertEquals("minirpc: 1 argument(s) given, but Shop.add takes 2: int add(int a, int b)\n",
          count.err());
      Result notJson = run("call", at(s), "Shop.add", "[1, ");
      assertEquals(2, notJson.exit());
      assertTrue(notJson.err().startsWith("minirpc: The arguments are not valid JSON: "),
          notJson.err());
      assertEquals(0, impl.calls.get(), "a call reached the server");
    }
  }

  @Test
  void anUnknownMethodOrServiceIsNotFound() throws Exception {
    try (RpcServer s = server(new ShopImpl())) {
      Result r = run("call", at(s), "Shop.refund", "[1]");
      assertEquals(4, r.exit(), r.out());
      assertEquals("minirpc: io.minirpc.cli.Shop has no method 'refund' (it has: add(int,int),"
          + " close(java.lang.String), order(io.minirpc.cli.Shop$Order))\n", r.err());
      Result service = run("describe", at(s), "Store");
      assertEquals(4, service.exit());
      assertEquals("minirpc: The server at " + at(s) + " has no service 'Store' (it serves:"
          + " io.minirpc.cli.Shop, io.minirpc.health.Health,"
          + " io.minirpc.listing.ServiceListing)\n", service.err());
    }
  }

  @Test
  void anExceptionOfTheMethodFailsWithStatusOne() throws Exception {
    try (RpcServer s = server(new ShopImpl())) {
      Result r = run("call", at(s), "Shop.close", "[\"for the night\"]");
      assertEquals(1, r.exit(), r.out());
      assertEquals("minirpc: io.minirpc.cli.Shop.close(java.lang.String) threw"
          + " java.lang.IllegalStateException: closed: for the night\n", r.err());
    }
  }

  @Test
  void aServerWithoutListingSaysHowToTurnItOn() throws Exception {
    try (RpcServer s = server(new ShopImpl(), b -> b)) {
      Result r = run("call", at(s), "Shop.add", "[1, 2]");
      assertEquals(4, r.exit(), r.out());
      assertEquals("minirpc: The server at " + at(s) + " does not serve its listing, which list,"
          + " describe and call need. Start it with minirpc.server.listing=true"
          + " (RpcServer.Builder.listing(true))\n", r.err());
      // Health needs no listing when the service is named in full.
      assertEquals(0, run("health", at(s), SHOP).exit());
    }
  }

  @Test
  void healthExitsZeroWhenServingAndFiveOtherwise() throws Exception {
    try (RpcServer s = server(new ShopImpl())) {
      Result r = run("health", at(s));
      assertEquals(0, r.exit(), r.err());
      assertEquals("SERVING\n", r.out());
      s.health().set(Shop.class, HealthStatus.NOT_SERVING);
      Result shop = run("health", "--json", at(s), "Shop");
      assertEquals(5, shop.exit(), shop.err());
      assertEquals("{\"service\":\"io.minirpc.cli.Shop\",\"status\":\"NOT_SERVING\"}\n",
          shop.out());
    }
  }

  @Test
  void healthWatchPrintsEachChangeAndEndsWhenTheServerGoesAway() throws Exception {
    RpcServer s = server(new ShopImpl());
    Process p = command("health", "--watch", "--timeout", "3s", at(s), "Shop").start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
      assertEquals("SERVING", out.readLine());
      Thread.sleep(300); // the watch is waiting
      s.health().set(Shop.class, HealthStatus.NOT_SERVING);
      String line = out.readLine();
      assertEquals("NOT_SERVING", line, () -> stderr(p));
      s.health().set(Shop.class, HealthStatus.SERVING);
      assertEquals("SERVING", out.readLine());
      Thread.sleep(300);
      s.close();
      // Closing answers a waiting watch NOT_SERVING (HealthTest proves it); a watch whose next
      // request was still on its way meets the closed server instead. Either way it ends, 3.
      String last = out.readLine();
      assertTrue(last == null || last.equals("NOT_SERVING"), last);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the watch did not end");
      assertEquals(3, p.exitValue(), new String(p.getErrorStream().readAllBytes(), UTF_8));
    } finally {
      p.destroyForcibly();
      s.close();
    }
  }

  @Test
  void aTokenGoesInMetadataWithH() throws Exception {
    BearerTokenAuthenticator auth = BearerTokenAuthenticator.builder().token("s3cret").build();
    try (RpcServer s = server(new ShopImpl(), b -> b.listing(true).authenticator(auth))) {
      Result without = run("call", at(s), "Shop.add", "[1, 2]");
      assertEquals(6, without.exit(), without.out());
      assertTrue(without.err().startsWith("minirpc: UNAUTHENTICATED: "), without.err());
      assertTrue(without.err().contains("the server requires a bearer token"), without.err());
      Result with = run("call", "-H", "authorization=Bearer s3cret", at(s), "Shop.add",
          "[1, 2]");
      assertEquals(0, with.exit(), with.err());
      assertEquals("3\n", with.out());
      Result colon = run("health", "-H", "authorization: Bearer s3cret", at(s));
      assertEquals(0, colon.exit(), colon.err());
    }
  }

  @Test
  void aTokenGoesWithoutTlsToAServerOffLoopbackOnlyWhenAllowed() throws Exception {
    String host = nonLoopbackHost();
    BearerTokenAuthenticator auth = BearerTokenAuthenticator.builder().token("s3cret").build();
    try (RpcServer s = server(new ShopImpl(), b -> b.host(host).listing(true).authenticator(auth))) {
      String address = host + ":" + s.port();
      Result refused = run("call", "-H", "authorization=Bearer s3cret", address, "Shop.add",
          "[1, 2]");
      assertEquals(2, refused.exit(), refused.out());
      // In the command line's words: its flags, not the settings they set (issue 17).
      assertEquals("minirpc: The client refuses to send credentials in cleartext: this client's"
          + " metadata holds a credential ('authorization'), and TLS is off (no --tls): it would"
          + " cross the network in cleartext to " + address + ". Turn TLS on (--tls),"
          + " or pass --allow-insecure-credentials to send it in cleartext anyway (only"
          + " on a network you trust); loopback addresses are allowed\n", refused.err());
      Result allowed = run("call", "--allow-insecure-credentials", "-H",
          "authorization=Bearer s3cret", address, "Shop.add", "[1, 2]");
      assertEquals(0, allowed.exit(), allowed.err());
      assertEquals("3\n", allowed.out());
    }
  }

  /** An IPv4 address of this machine that is not loopback; the test is skipped without one. */
  private static String nonLoopbackHost() throws Exception {
    for (java.net.NetworkInterface n
        : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      if (!n.isUp() || n.isLoopback()) {
        continue;
      }
      for (java.net.InetAddress a : java.util.Collections.list(n.getInetAddresses())) {
        if (a instanceof java.net.Inet4Address && !a.isLinkLocalAddress()) {
          return a.getHostAddress();
        }
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(false, "no address but loopback");
    return null;
  }

  @Test
  void aServerThatCannotBeReachedIsUnavailable() throws Exception {
    Result r;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      int port = free.getLocalPort();
      free.close();
      r = run("list", "--timeout", "3s", "127.0.0.1:" + port);
    }
    assertEquals(3, r.exit(), r.out());
    assertTrue(r.err().startsWith("minirpc: UNAVAILABLE: "), r.err());
  }

  @Test
  void everyCommandHasHelpAndUsageErrorsExitTwo() throws Exception {
    for (String command : List.of("list", "describe", "call", "health")) {
      Result r = run(command, "--help");
      assertEquals(0, r.exit(), r.err());
      assertTrue(r.out().startsWith("Usage: minirpc " + command), r.out());
    }
    Result top = run("--help");
    assertTrue(top.out().contains("Exit status:"), top.out());
    Result badAddress = run("list", "localhost");
    assertEquals(2, badAddress.exit());
    assertEquals("minirpc: 'localhost' is not HOST:PORT, such as localhost:4242 or"
        + " [::1]:4242\n", badAddress.err());
    assertEquals(2, run("call").exit());
    assertEquals(2, run("list", "--timeout", "soon", "localhost:1").exit());
  }
}
