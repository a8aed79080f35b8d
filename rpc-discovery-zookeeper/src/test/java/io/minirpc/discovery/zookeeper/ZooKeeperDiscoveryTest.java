package io.minirpc.discovery.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Servers that register in a real ZooKeeper (curator-test's {@link TestingServer}) through {@code
 * minirpc.server.registry}, and a resolver that watches their group, as a client's would: servers
 * joining, leaving, crashing, freezing past their session, and nodes that are not servers.
 */
@Isolated("reads the resolver's log lines from System.err")
class ZooKeeperDiscoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static TestingServer zk;
  private static CuratorFramework look;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    zk = Zk.server();
    look = Zk.client(zk.getConnectString());
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    look.close();
    zk.close();
  }

  private static String group(String name) {
    return "zookeeper://" + zk.getConnectString() + "/minirpc/" + name
        + "?sessionTimeout=3s&connectionTimeout=2s";
  }

  @Test
  void theResolverSeesServersJoinAndLeaveWithWhatTheyServe() throws Exception {
    Recorder heard = new Recorder();
    try (NameResolver resolver = Zk.resolve(group("join"), heard)) {
      heard.awaitAddresses(WAIT);
      RpcServer a = Zk.greeter(group("join")).weight(300).attribute("zone", "eu-1").build()
          .start();
      String first = "127.0.0.1:" + a.port();
      ServerInstance self = heard.awaitAddresses(WAIT, first).get(0);
      assertEquals(300, self.weight());
      assertEquals(Map.of("zone", "eu-1"), self.attributes());
      assertEquals(List.of("json"), self.codecs());
      assertEquals(List.of("add(int,int)", "greet(java.lang.String)",
              "slowGreet(java.lang.String,int)"),
          self.services().get(Greeter.class.getName()).keySet().stream().sorted().toList());

      RpcServer b = Zk.greeter(group("join")).build().start();
      String second = "127.0.0.1:" + b.port();
      heard.awaitAddresses(WAIT, first, second);
      assertEquals(self.services(), heard.last().stream()
          .filter(s -> s.address().equals(second)).findFirst().orElseThrow().services(),
          "the same interface, the same fingerprints");

      a.close();
      heard.awaitAddresses(WAIT, second);
      b.close();
      heard.awaitAddresses(WAIT);
      assertFalse(heard.overlapped, "the listener is called one call at a time");
      assertTrue(heard.errors.isEmpty(), heard.heard().toString());
    }
  }

  @Test
  void closingRemovesTheNodeFirstAndServesUntilTheDelayHasPassed() throws Exception {
    Recorder heard = new Recorder();
    RpcServer server = Zk.greeter(group("drain")).deregisterDelay(Duration.ofMillis(1500))
        .build().start();
    String address = "127.0.0.1:" + server.port();
    String node = "/minirpc/drain/" + address;
    try (NameResolver resolver = Zk.resolve(group("drain"), heard);
        RpcClient before = client(server.port())) {
      heard.awaitAddresses(WAIT, address);
      Greeter greeter = before.proxy(Greeter.class);
      CompletableFuture<String> inFlight =
          CompletableFuture.supplyAsync(() -> greeter.slowGreet("in flight", 2500));
      Thread.sleep(200);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      heard.awaitAddresses(WAIT);
      assertEquals(0, Zk.owner(look, node), "the node is gone");
      // The clients have seen the server leave, and it still serves: new connections, new calls
      // on old ones. Only after the delay does it say GOAWAY.
      assertFalse(closing.isDone());
      try (RpcClient late = client(server.port())) {
        assertEquals(5, late.proxy(Greeter.class).add(2, 3));
      }
      assertEquals("hello again", greeter.greet("again"));
      assertFalse(closing.isDone(), "close() waits for minirpc.server.deregisterDelay");

      closing.get(10, TimeUnit.SECONDS);
      assertEquals("hello in flight", inFlight.get(), "no call was lost");
    }
  }

  @Test
  void aKilledServerLeavesWhenItsSessionTimesOut() throws Exception {
    Recorder heard = new Recorder();
    String registry = group("crash").replace("sessionTimeout=3s", "sessionTimeout=2s");
    try (NameResolver resolver = Zk.resolve(registry, heard);
        ForkedServer server = ForkedServer.start(registry, log("crash"))) {
      heard.awaitAddresses(WAIT, server.address());
      long killed = System.nanoTime();
      server.kill();
      heard.awaitAddresses(WAIT, new String[0]);
      long tookMillis = (System.nanoTime() - killed) / 1_000_000;
      // ZooKeeper ends the session between one and two timeouts after its last ping.
      assertTrue(tookMillis >= 1000 && tookMillis < 2 * 2000 + 2000,
          "the node went " + tookMillis + " ms after SIGKILL; the session timeout is 2000 ms");
    }
  }

  @Test
  void aServerFrozenPastItsSessionRegistersAgainWhenItWakes() throws Exception {
    Recorder heard = new Recorder();
    String registry = group("frozen").replace("sessionTimeout=3s", "sessionTimeout=1500ms");
    try (NameResolver resolver = Zk.resolve(registry, heard);
        ForkedServer server = ForkedServer.start(registry, log("frozen"))) {
      String node = "/minirpc/frozen/" + server.address();
      heard.awaitAddresses(WAIT, server.address());
      long session = Zk.owner(look, node);
      server.signal("STOP");
      try {
        heard.awaitAddresses(WAIT, new String[0]); // its session expired, its node went
      } finally {
        server.signal("CONT");
      }
      heard.awaitAddresses(WAIT, server.address());
      long renewed = Zk.owner(look, node);
      assertNotEquals(0, renewed);
      assertNotEquals(session, renewed, "registered again, by a new session");
      try (RpcClient client = client(server.port)) {
        assertEquals("hello awake", client.proxy(Greeter.class).greet("awake"));
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aServerOfAnotherVersionIsListedWithItsOwnFingerprints() throws Exception {
    Recorder heard = new Recorder();
    Class<Object> v2 = (Class<Object>) GreeterV2.type();
    try (NameResolver resolver = Zk.resolve(group("versions"), heard)) {
      RpcServer old = Zk.greeter(group("versions")).build().start();
      RpcServer next = RpcServer.builder().host("127.0.0.1").port(0)
          .deregisterDelay(Duration.ZERO).registry(group("versions"))
          .register(v2, GreeterV2.impl(v2)).build().start();
      try {
        List<ServerInstance> both = heard.awaitAddresses(WAIT, "127.0.0.1:" + old.port(),
            "127.0.0.1:" + next.port());
        Map<String, Long> v1 = methods(both, old.port());
        Map<String, Long> v2Methods = methods(both, next.port());
        assertEquals(v1.keySet(), v2Methods.keySet());
        assertEquals(v1.get("greet(java.lang.String)"), v2Methods.get("greet(java.lang.String)"),
            "an unchanged method keeps its fingerprint");
        assertNotEquals(v1.get("add(int,int)"), v2Methods.get("add(int,int)"),
            "int add(int,int) and long add(int,int) differ: a client of either skips the other");
      } finally {
        old.close();
        next.close();
      }
    }
  }

  private static Map<String, Long> methods(List<ServerInstance> servers, int port) {
    return servers.stream().filter(s -> s.port() == port).findFirst().orElseThrow()
        .services().get(Greeter.class.getName());
  }

  @Test
  void nodesThatAreNotServersAreSkippedWithOneEscapedLine() throws Exception {
    String base = "/minirpc/malformed/";
    look.create().creatingParentsIfNeeded().forPath(base + "garbage",
        "not json\nINJECTED fake log line".getBytes(StandardCharsets.UTF_8));
    look.create().forPath(base + "empty", new byte[0]);
    look.create().forPath(base + "newer",
        "{\"kind\":\"minirpc-server\",\"version\":2,\"host\":\"h\",\"port\":1}".getBytes(
            StandardCharsets.UTF_8));
    look.create().forPath(base + "bad-port",
        "{\"kind\":\"minirpc-server\",\"version\":1,\"host\":\"h\",\"port\":70000}".getBytes(
            StandardCharsets.UTF_8));
    look.create().forPath(base + "evil\u2028name", ("{\"kind\":\"minirpc-server\","
        + "\"version\":1,\"host\":\"h\",\"port\":1,\"services\":{\"evil\\nINJECTED fake\":1}}")
        .getBytes(StandardCharsets.UTF_8));
    look.create().forPath(base + "deep", new byte[0]);
    look.create().forPath(base + "deep/child", "{}".getBytes(StandardCharsets.UTF_8));
    RpcServer server = Zk.greeter(group("malformed")).build().start();
    String log;
    Recorder heard = new Recorder();
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (NameResolver resolver = Zk.resolve(group("malformed"), heard)) {
      heard.awaitAddresses(WAIT, "127.0.0.1:" + server.port());
      Thread.sleep(1100); // the next line may come a second after the first
      look.setData().forPath(base + "garbage", "[1,2".getBytes(StandardCharsets.UTF_8));
      Thread.sleep(500);
    } finally {
      System.setErr(err);
      log = captured.toString(StandardCharsets.UTF_8);
      server.close();
    }
    List<String> lines = log.lines().filter(l -> l.contains("ZooKeeperResolver")).toList();
    assertEquals(2, lines.size(), log);
    String first = lines.get(0).replaceFirst("^.*WARN ", "WARN ");
    assertEquals("WARN io.minirpc.discovery.zookeeper.ZooKeeperResolver - Skipping 6 node(s)"
        + " of " + group("malformed").replaceFirst("\\?.*", "") + " that are not minirpc"
        + " servers this version can read: bad-port (port (70000) must be between 1 and"
        + " 65535); deep (it has no data); empty (it has no data); evil\\u2028name (service"
        + " evil\\nINJECTED fake is not an object); garbage (it is not JSON: Unrecognized token"
        + " 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
        + " 'false')); and 1 more", first);
    assertTrue(lines.get(1).contains("Skipping 1 node(s) of " + group("malformed")
        .replaceFirst("\\?.*", "") + " that are not minirpc servers this version can read:"
        + " garbage (it is not JSON: Unexpected end-of-input"), "a node read again when it"
        + " changes: " + lines.get(1));
    assertFalse(log.lines().anyMatch(l -> l.startsWith("INJECTED")), log);
    assertTrue(heard.errors.isEmpty(), heard.heard().toString());
  }

  @Test
  void aServerThatCannotReachZooKeeperDoesNotStart() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    RpcServer server = Zk.greeter("zookeeper://127.0.0.1:" + closedPort
        + "/minirpc/nowhere?connectionTimeout=500ms").build();
    long started = System.nanoTime();
    RpcException e = assertThrows(RpcException.class, server::start);
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
    assertEquals(RpcException.Code.UNAVAILABLE, e.code());
    assertTrue(e.getMessage().matches("Could not register the minirpc server 127\\.0\\.0\\.1:"
        + "\\d+ in zookeeper://127\\.0\\.0\\.1:" + closedPort + "/minirpc/nowhere: no ZooKeeper"
        + " server of 127\\.0\\.0\\.1:" + closedPort + " answered within 500 ms"
        + " \\(connectionTimeout\\)\\. Check that the registry is up and reachable from this"
        + " machine and that minirpc\\.server\\.registry names it; the server did not start"),
        e.getMessage());
    assertEquals("RpcServer{not started}", server.toString());
  }

  @Test
  void aResolverThatCannotReachZooKeeperSaysSoWithoutBlockingItsCaller() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Recorder heard = new Recorder();
    long started = System.nanoTime();
    try (NameResolver resolver = Zk.resolve("zookeeper://127.0.0.1:" + closedPort
        + "/minirpc/nowhere?connectionTimeout=300ms", heard)) {
      assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(300),
          "start() returned at once");
      assertEquals("No ZooKeeper server of zookeeper://127.0.0.1:" + closedPort
          + "/minirpc/nowhere has answered within 300 ms (connectionTimeout); still trying."
          + " Check that ZooKeeper is up and reachable from this machine",
          heard.awaitError(WAIT));
      assertNull(heard.last(), "no list: nothing is known");
    }
  }

  private static RpcClient client(int port) {
    return RpcClient.builder().address("127.0.0.1", port).codec("json")
        .timeout(Duration.ofSeconds(10)).build();
  }

  private static File log(String name) {
    File dir = new File("target/forked-servers");
    dir.mkdirs();
    return new File(dir, name + ".log");
  }
}
