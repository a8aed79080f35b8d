package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.registry.Fingerprints;
import io.minirpc.internal.registry.MethodDescriptor;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client of several servers: balancing, consistent hashing, servers that are down, join and
 * leave through discovery, fingerprints, retries of calls that did not run and of idempotent ones,
 * and a rolling restart that loses no call.
 */
@Timeout(120)
class FleetTest {
  private final List<RpcServer> servers = new ArrayList<>();
  private final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();

  @AfterEach
  void closeServers() {
    for (RpcServer s : servers) {
      s.close();
    }
  }

  private RpcServer server(String name, int port, UnaryOperator<RpcServer.Builder> options) {
    return server(name, port, 0, options);
  }

  private RpcServer server(String name, int port, long extraMillis,
      UnaryOperator<RpcServer.Builder> options) {
    AtomicInteger count = started.computeIfAbsent(name, n -> new AtomicInteger());
    RpcServer s = options.apply(RpcServer.builder()
            .host("127.0.0.1")
            .port(port)
            .gracePeriod(Duration.ofSeconds(5))
            .register(Whoami.class, Whoami.named(name, count, extraMillis)))
        .build()
        .start();
    servers.add(s);
    return s;
  }

  private RpcServer server(String name) {
    return server(name, 0, b -> b);
  }

  private static String list(RpcServer... servers) {
    List<String> parts = new ArrayList<>();
    for (RpcServer s : servers) {
      parts.add("127.0.0.1:" + s.port());
    }
    return String.join(",", parts);
  }

  private static RpcClient client(String address, String codec, String policy) {
    return RpcClient.builder()
        .address(address)
        .codec(codec)
        .loadBalancer(policy)
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  /** Makes {@code calls} calls of {@code name()} with {@code parallel} outstanding; counts by server. */
  private static Map<String, Integer> spread(Whoami who, int calls, int parallel)
      throws Exception {
    Map<String, Integer> byServer = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < parallel; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < calls / parallel; i++) {
            byServer.merge(who.name(), 1, Integer::sum);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return byServer;
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void roundRobinSpreadsCallsEvenlyOverAFixedList(String codec) throws Exception {
    RpcServer a = server("a");
    RpcServer b = server("b");
    RpcServer c = server("c");
    try (RpcClient client = client(list(a, b, c), codec, "round-robin")) {
      Whoami who = client.proxy(Whoami.class);
      awaitReady(who, 3);
      Map<String, Integer> byServer = spread(who, 600, 6);
      assertEquals(3, byServer.size(), "every server is used: " + byServer);
      for (Map.Entry<String, Integer> e : byServer.entrySet()) {
        assertTrue(e.getValue() >= 150 && e.getValue() <= 250,
            "round-robin gives each of 3 servers about a third of 600 calls: " + byServer);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void leastPendingUsesEveryServerAndMovesLoadAwayFromASlowOne(String codec) throws Exception {
    RpcServer fast1 = server("fast1");
    RpcServer fast2 = server("fast2");
    RpcServer slow = server("slow", 0, 60, b -> b); // 60 ms more per call than the others
    try (RpcClient client = client(list(fast1, fast2, slow), codec, "least-pending")) {
      Whoami who = client.proxy(Whoami.class);
      awaitReady(who, 3);
      Map<String, Integer> byServer = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(12);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
          done.add(pool.submit(() -> {
            for (int i = 0; i < 50; i++) {
              // The slow server takes 62 ms a call, the others 2 ms: pending calls pile up there.
              byServer.merge(who.work(2), 1, Integer::sum);
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertTrue(byServer.getOrDefault("fast1", 0) > 100
              && byServer.getOrDefault("fast2", 0) > 100,
          "both fast servers take calls: " + byServer);
      int slowShare = byServer.getOrDefault("slow", 0);
      assertTrue(slowShare > 0 && slowShare < 600 / 5,
          "the slow server still gets calls, but far less than its third: " + byServer);
    }
  }

  @Test
  void consistentHashingSendsEqualKeysToTheSameServer() throws Exception {
    RpcServer a = server("a");
    RpcServer b = server("b");
    RpcServer c = server("c");
    try (RpcClient client = client(list(a, b, c), "json", "consistent-hash")) {
      Whoami who = client.proxy(Whoami.class);
      awaitReady(who, 3);
      Map<String, String> home = new HashMap<>();
      for (int round = 0; round < 4; round++) {
        for (int k = 0; k < 60; k++) {
          String key = "user-" + k;
          String server = who.byKey(key);
          String before = home.putIfAbsent(key, server);
          assertTrue(before == null || before.equals(server),
              key + " went to " + before + " and then to " + server);
        }
      }
      assertEquals(3, new java.util.HashSet<>(home.values()).size(),
          "60 keys spread over all 3 servers: " + home);
    }
  }

  @Test
  void aServerThatIsDownIsSkippedAndNoCallFails() throws Exception {
    RpcServer a = server("a");
    RpcServer b = server("b");
    int nothing = freePort();
    String address = list(a, b) + ",127.0.0.1:" + nothing;
    try (RpcClient client = client(address, "kryo", "least-pending")) {
      Whoami who = client.proxy(Whoami.class);
      Map<String, Integer> byServer = spread(who, 400, 8);
      assertEquals(400, byServer.values().stream().mapToInt(Integer::intValue).sum());
      assertEquals(java.util.Set.of("a", "b"), byServer.keySet());
    }
  }

  @Test
  void withEveryServerDownACallFailsAtOnceSayingWhy() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    String address = "127.0.0.1:" + p1 + ",127.0.0.1:" + p2;
    try (RpcClient client = client(address, "json", "least-pending")) {
      Whoami who = client.proxy(Whoami.class);
      long t0 = System.nanoTime();
      RpcException e = expect(RpcException.class, who::name);
      assertEquals(RpcException.Code.UNAVAILABLE, e.code());
      assertTrue(e.getMessage().contains("It did not run"), e.getMessage());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3),
          "fails promptly, not at its 10 s timeout");
      // Once both attempts have failed, a call names every server and why, not only the last.
      awaitMessage(who, "none of the 2 servers of " + address + " it could go to can be reached");
      RpcException both = expect(RpcException.class, who::name);
      assertTrue(both.getMessage().contains("127.0.0.1:" + p1 + ": cannot connect")
          && both.getMessage().contains("127.0.0.1:" + p2 + ": cannot connect"), both.getMessage());
    }
  }

  @Test
  void anIdempotentCallThatMayHaveRunIsRetriedElsewhereAndOthersAreNot() throws Exception {
    // Server a aborts calls still running when its short grace period ends: they may have run.
    RpcServer a = server("a", 0, s -> s.gracePeriod(Duration.ofMillis(200)));
    RpcServer b = server("b");
    // One client per kind of call, each round-robin: half of each kind start on a.
    try (RpcClient idempotentClient = RpcClient.builder().address(list(a, b)).codec("json")
            .loadBalancer("round-robin").timeout(Duration.ofSeconds(10)).build();
        RpcClient plainClient = RpcClient.builder().address(list(a, b)).codec("json")
            .loadBalancer("round-robin").timeout(Duration.ofSeconds(10)).build()) {
      Whoami idem = idempotentClient.proxy(Whoami.class);
      Whoami plainWho = plainClient.proxy(Whoami.class);
      awaitReady(idem, 2);
      awaitReady(plainWho, 2);
      int before = started.get("a").get() + started.get("b").get();
      List<java.util.concurrent.CompletableFuture<String>> idempotent = new ArrayList<>();
      List<java.util.concurrent.CompletableFuture<String>> plain = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        idempotent.add(java.util.concurrent.CompletableFuture.supplyAsync(
            () -> idem.workIdempotent(1500)));
        plain.add(java.util.concurrent.CompletableFuture.supplyAsync(
            () -> plainWho.work(1500)));
      }
      awaitStarted("a", 1);
      Thread.sleep(300); // let every call start somewhere
      a.close(); // aborts a's running calls with UNAVAILABLE after 200 ms
      int plainFailed = 0;
      for (java.util.concurrent.CompletableFuture<String> f : idempotent) {
        assertEquals("b", f.get(30, TimeUnit.SECONDS), "an idempotent call ends on b");
      }
      for (java.util.concurrent.CompletableFuture<String> f : plain) {
        try {
          assertEquals("b", f.get(30, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          RpcException r = (RpcException) e.getCause();
          assertEquals(RpcException.Code.UNAVAILABLE, r.code());
          assertTrue(r.getMessage().contains("may have partly run"), r.getMessage());
          plainFailed++;
        }
      }
      assertTrue(plainFailed > 0, "calls that were running on a fail, not sent twice");
      int ran = started.get("a").get() + started.get("b").get() - before;
      assertTrue(ran > 20, "the idempotent calls that were running on a ran again on b ("
          + ran + " runs of 20 calls; plain calls never run twice)");
    }
  }

  @Test
  void aHedgedCallIsAnsweredByTheFasterServer() throws Exception {
    RpcServer slow = server("slow", 0, 3000, b -> b);
    RpcServer fast = server("fast");
    try (RpcClient client = client(list(slow, fast), "kryo", "round-robin")) {
      Whoami who = client.proxy(Whoami.class);
      awaitReady(who, 2);
      for (int i = 0; i < 10; i++) {
        long t0 = System.nanoTime();
        assertEquals("fast", who.workHedged(0), "the first answer wins");
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(1500),
            "a call sent to the slow server is hedged after 50 ms, not left for 3 s");
      }
      assertTrue(started.get("slow").get() >= 3, "round-robin sent calls to the slow server too");
    }
  }

  @Test
  void aClientConnectsOnlyToItsSubsetAndASpareStandsInWhileAMemberIsDown() throws Exception {
    Map<String, RpcServer> byName = new HashMap<>();
    Map<String, Integer> portOf = new HashMap<>();
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int port = freePort();
      byName.put("s" + i, server("s" + i, port, b -> b));
      portOf.put("s" + i, port);
      addresses.add("127.0.0.1:" + port);
    }
    try (RpcClient client = RpcClient.builder().address(String.join(",", addresses))
        .codec("kryo").loadBalancer("round-robin").subsetSize(2)
        .ejection(5, Duration.ofMillis(300), 50)
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .timeout(Duration.ofSeconds(10)).build()) {
      Whoami who = client.proxy(Whoami.class);
      awaitReady(who, 2);
      java.util.Set<String> members = spread(who, 100, 4).keySet();
      assertEquals(2, members.size(), "calls go to the 2 servers of the subset: " + members);
      for (Map.Entry<String, RpcServer> e : byName.entrySet()) {
        assertEquals(members.contains(e.getKey()) ? 1 : 0, e.getValue().connectionCount(),
            e.getKey() + ": only the subset is connected");
      }

      String down = members.iterator().next();
      byName.get(down).close(); // drains: no call is lost
      servers.remove(byName.get(down));
      String spare = awaitAnswerFromOutside(who, members);
      String other = members.stream().filter(n -> !n.equals(down)).findFirst().orElseThrow();
      assertEquals(java.util.Set.of(other, spare), spread(who, 100, 4).keySet(),
          "the spare stands in for " + down);

      byName.put(down, server(down, portOf.get(down), b -> b));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (byName.get(spare).connectionCount() > 0 || byName.get(down).connectionCount() == 0) {
        if (System.nanoTime() > end) {
          fail(down + " is back (" + byName.get(down).connectionCount() + " connection(s)), so"
              + " the spare " + spare + " should be closed after an ejection interval, but has "
              + byName.get(spare).connectionCount());
        }
        Thread.sleep(20);
      }
      assertEquals(members, spread(who, 100, 4).keySet(), "the subset is the first one again");

      // The spare connects again when it is needed again.
      byName.get(other).close();
      servers.remove(byName.get(other));
      assertEquals(spare, awaitAnswerFromOutside(who, members), "the same spare stands in");
      assertEquals(java.util.Set.of(down, spare), spread(who, 100, 4).keySet());
    }
  }

  /** Calls until a server outside {@code members} answers; returns its name. */
  private static String awaitAnswerFromOutside(Whoami who, java.util.Set<String> members)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      String name = who.name(); // every call succeeds meanwhile
      if (!members.contains(name)) {
        return name;
      }
      if (System.nanoTime() > end) {
        fail("no server outside " + members + " answered within 10 s");
      }
      Thread.sleep(5);
    }
  }

  @Test
  void hedgingAtAPercentileOfRecentLatenciesCutsOffTheSlowTail() throws Exception {
    RpcServer a = server("a");
    RpcServer b = server("b");
    try (RpcClient client = RpcClient.builder().address(list(a, b)).codec("kryo")
        .loadBalancer("round-robin").retryBudget(0.5).timeout(Duration.ofSeconds(10)).build()) {
      Whoami who = client.proxy(Whoami.class);
      awaitReady(who, 2);
      // Every tenth call on a takes 1 s; no call on b does. Until 20 calls have ended the
      // method has no percentile, and a's slow calls take their second.
      for (int i = 0; i < 40; i++) {
        who.sometimesSlow(2, 1000, "a");
      }
      int startedOnA = started.get("a").get();
      List<Long> slow = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        long t0 = System.nanoTime();
        who.sometimesSlow(2, 1000, "a");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (millis >= 500) {
          slow.add(millis);
        }
      }
      assertTrue(started.get("a").get() - startedOnA >= 20,
          "a took its share of the calls, and so at least two slow ones");
      assertEquals(List.of(), slow, "each of a's slow calls was hedged to b after about the"
          + " method's 80th percentile (a few ms), so none took a second");
    }
  }

  /** Hedging settings that cannot work. */
  interface BadHedging {
    @io.minirpc.Idempotent(hedgeAtPercentile = 100)
    String always();

    @io.minirpc.Idempotent(hedgeAfterMillis = -5)
    String before();
  }

  @Test
  void impossibleHedgingSettingsAreRefusedWhenTheProxyIsMade() throws Exception {
    RpcServer a = server("a");
    try (RpcClient client = client(list(a), "json", "round-robin")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> client.proxy(BadHedging.class));
      assertTrue(e.getMessage().contains("has @Idempotent(hedgeAtPercentile = 100); it must be 0"
          + " (off) or a percentile from 1 to 99, such as 95")
          || e.getMessage().contains("has @Idempotent(hedgeAfterMillis = -5); it must be 0 (off)"
          + " or positive"), e.getMessage());
    }
  }

  @Test
  void aRollingRestartWithDrainLosesNoCall() throws Exception {
    int[] ports = {freePort(), freePort(), freePort()};
    RpcServer[] live = new RpcServer[3];
    for (int i = 0; i < 3; i++) {
      live[i] = server("s" + i, ports[i], b -> b);
    }
    String address = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:"
        + ports[2];
    try (RpcClient client = RpcClient.builder().address(address).codec("kryo")
        .timeout(Duration.ofSeconds(10)).build()) {
      Whoami who = client.proxy(Whoami.class);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong ok = new AtomicLong();
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      for (int t = 0; t < 8; t++) {
        pool.submit(() -> {
          while (!stop.get()) {
            try {
              who.work(5); // not idempotent: any loss would show
              ok.incrementAndGet();
            } catch (RuntimeException e) {
              failures.add(e);
            }
          }
        });
      }
      Thread.sleep(300);
      for (int i = 0; i < 3; i++) {
        live[i].close(); // GOAWAY, finish what runs, close
        servers.remove(live[i]);
        Thread.sleep(200);
        live[i] = server("s" + i, ports[i], b -> b);
        Thread.sleep(300);
      }
      stop.set(true);
      pool.shutdown();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
      assertTrue(failures.isEmpty(), failures.size() + " of " + (ok.get() + failures.size())
          + " calls failed during the rolling restart; first: " + (failures.isEmpty() ? ""
              : failures.get(0)));
      assertTrue(ok.get() > 100, "traffic flowed: " + ok.get() + " calls");
    }
  }

  @Test
  void discoveryJoinsAndLeavesAndARemovedServerIsNotRedialled() throws Exception {
    RpcServer a = server("a");
    RpcServer b = server("b");
    String group = "/join-leave-" + System.nanoTime();
    TestDiscovery.publish(group, List.of(instance(a)));
    try (RpcClient client = client("test://" + group, "json", "round-robin")) {
      Whoami who = client.proxy(Whoami.class);
      assertEquals("a", who.name());
      TestDiscovery.publish(group, List.of(instance(a), instance(b)));
      awaitServed(who, java.util.Set.of("a", "b"));
      TestDiscovery.publish(group, List.of(instance(b)));
      for (int i = 0; i < 50; i++) {
        assertEquals("b", who.name(), "a left the fleet");
      }
      awaitConnections(a, 0);
      Thread.sleep(500);
      assertEquals(0, a.connectionCount(), "nothing redials a server discovery removed");
      TestDiscovery.fail(group, "registry unreachable");
      assertEquals("b", who.name(), "the last list stays in use while discovery fails");
    }
  }

  @Test
  void aServerPublishingNoSuchMethodIsNotChosen() throws Exception {
    RpcServer a = server("a");
    RpcServer b = server("b");
    String group = "/versions-" + System.nanoTime();
    Map<String, Long> wrong = new HashMap<>();
    // b says it serves another version of the interface, without this client's methods
    digests(Whoami.class).forEach((k, v) -> wrong.put("renamed" + k, v));
    ServerInstance old = new ServerInstance("127.0.0.1", b.port(), 100, List.of("json"),
        Map.of(Whoami.class.getName(), wrong), Map.of());
    TestDiscovery.publish(group, List.of(instance(a), old));
    try (RpcClient client = client("test://" + group, "json", "round-robin")) {
      Whoami who = client.proxy(Whoami.class);
      for (int i = 0; i < 40; i++) {
        assertEquals("a", who.name(), "only the server that publishes the method is chosen");
      }
      TestDiscovery.publish(group, List.of(old));
      RpcException e = expect(RpcException.class, who::name);
      assertEquals(RpcException.Code.NOT_FOUND, e.code());
      assertTrue(e.getMessage().contains("no method name()"), e.getMessage());
    }
  }

  @Test
  void aServerPublishingAnotherVersionOfTheClassesIsLeftToTheHandshake() throws Exception {
    RpcServer b = server("b");
    String group = "/other-version-" + System.nanoTime();
    Map<String, Long> other = new HashMap<>(digests(Whoami.class));
    other.replaceAll((k, v) -> v + 1); // another version of every method's classes
    TestDiscovery.publish(group, List.of(new ServerInstance("127.0.0.1", b.port(), 100,
        List.of("json"), Map.of(Whoami.class.getName(), other), Map.of())));
    try (RpcClient client = client("test://" + group, "json", "round-robin")) {
      assertEquals("b", client.proxy(Whoami.class).name(),
          "versions that may meet are chosen: the handshake decides whether they can");
    }
  }

  @Test
  void untilDiscoveryAnswersCallsWaitAndThenGo() throws Exception {
    RpcServer a = server("a");
    String group = "/late-" + System.nanoTime();
    try (RpcClient client = client("test://" + group, "kryo", "least-pending")) {
      Whoami who = client.proxy(Whoami.class);
      java.util.concurrent.CompletableFuture<String> call =
          java.util.concurrent.CompletableFuture.supplyAsync(who::name);
      Thread.sleep(200);
      TestDiscovery.publish(group, List.of(instance(a)));
      assertEquals("a", call.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void dnsGivesEveryAddressOfAName() throws Exception {
    RpcServer a = server("a");
    try (RpcClient client = client("dns:///localhost:" + a.port(), "json", "least-pending")) {
      Whoami who = client.proxy(Whoami.class);
      for (int i = 0; i < 20; i++) {
        assertEquals("a", who.name()); // ::1, if localhost has it, refuses: skipped unrun
      }
    }
    IllegalArgumentException e = expect(IllegalArgumentException.class,
        () -> RpcClient.builder().address("dns:///localhost").build());
    assertTrue(e.getMessage().contains("dns:///name:port"), e.getMessage());
    IllegalStateException none = expect(IllegalStateException.class,
        () -> RpcClient.builder().address("consul://c:8500/orders").build());
    assertTrue(none.getMessage().contains("No discovery provider for 'consul:'"),
        none.getMessage());
  }

  // ---------------------------------------------------------------- helpers

  static ServerInstance instance(RpcServer s) {
    return ServerInstance.of("127.0.0.1", s.port());
  }

  static Map<String, Long> digests(Class<?> service) {
    Map<String, Long> out = new HashMap<>();
    for (MethodDescriptor d : MethodDescriptor.forService(service)) {
      out.put(d.key(), Fingerprints.digest(Fingerprints.signature(d), Fingerprints.shapes(d)));
    }
    return out;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Waits until the client has a ready connection to each of {@code servers} servers: until calls
   * that the balancer spreads over its ready servers have reached that many. A server counting a
   * connection is not enough, as the client may still be in the middle of its HELLO.
   */
  private static void awaitReady(Whoami who, int servers) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (true) {
      seen.add(who.name());
      if (seen.size() >= servers) {
        return;
      }
      if (System.nanoTime() > end) {
        fail("after 10 s the client reached only " + seen + ", not " + servers + " servers");
      }
      Thread.sleep(5);
    }
  }

  private static void awaitConnections(RpcServer s, int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (s.connectionCount() != n) {
      if (System.nanoTime() > end) {
        fail("server on port " + s.port() + " has " + s.connectionCount() + " connections, not "
            + n);
      }
      Thread.sleep(10);
    }
  }

  private void awaitStarted(String name, int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (started.get(name).get() < n) {
      if (System.nanoTime() > end) {
        fail(name + " started no call");
      }
      Thread.sleep(5);
    }
  }

  private static void awaitServed(Whoami who, java.util.Set<String> names) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200 && !seen.equals(names); i++) {
      seen.add(who.name());
    }
    assertEquals(names, seen);
  }

  /** Calls until one fails with a message containing {@code text}, for up to 10 s. */
  private static void awaitMessage(Whoami who, String text) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String last = null;
    while (System.nanoTime() < end) {
      try {
        who.name();
      } catch (RpcException e) {
        last = e.getMessage();
        if (last.contains(text)) {
          return;
        }
      }
      Thread.sleep(20);
    }
    fail("no call failed with '" + text + "'; the last said: " + last);
  }

  private static <T extends Throwable> T expect(Class<T> type, Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      throw new AssertionError("expected " + type.getSimpleName() + " but got " + t, t);
    }
    throw new AssertionError("expected " + type.getSimpleName() + ", but it returned");
  }
}
