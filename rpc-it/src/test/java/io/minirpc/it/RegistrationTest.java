package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import io.minirpc.discovery.ServerInstance;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a server with {@code minirpc.server.registry} tells its registry and when, through the
 * discovery SPI with a registry kept in this JVM ({@link RecordingDiscovery}). The ZooKeeper module
 * has the same against a real ZooKeeper.
 */
class RegistrationTest {
  private static RpcServer.Builder server(String registry) {
    return RpcServer.builder()
        .host("127.0.0.1")
        .port(0)
        .gracePeriod(Duration.ofSeconds(1))
        .registry(registry)
        .register(Calculator.class, new CalculatorImpl());
  }

  @Test
  void startRegistersTheBoundPortWithEveryMethodsFingerprint() {
    RecordingDiscovery.Registry registry = RecordingDiscovery.registry("fingerprints");
    RpcServer server = server("recording:///fingerprints")
        .weight(250)
        .attribute("zone", "eu-1")
        .attribute("version", "2.3")
        .deregisterDelay(Duration.ZERO)
        .build()
        .start();
    try {
      ServerInstance self = registry.instance;
      assertEquals("127.0.0.1", self.host(), "the bound host, as it is a specific one");
      assertEquals(server.port(), self.port());
      assertEquals(250, self.weight());
      assertEquals(Map.of("zone", "eu-1", "version", "2.3"), self.attributes());
      assertEquals(List.of("json", "kryo"), self.codecs().stream().sorted().toList());
      Map<String, Long> methods = self.services().get(Calculator.class.getName());
      long remote = java.util.Arrays.stream(Calculator.class.getMethods())
          .filter(m -> !m.isDefault()).count();
      assertEquals(remote, methods.size(), "every method but the default ones: " + methods);
      assertTrue(methods.containsKey("add(int,int)"), methods.toString());
      assertNotEquals(methods.get("add(int,int)"), methods.get("add(long[])"));
      assertEquals(List.of("register 127.0.0.1:" + server.port() + " (port open)"),
          registry.events(), "registered once listening");
    } finally {
      server.close();
    }
  }

  @Test
  void theSameInterfaceGivesTheSameFingerprintsOnEveryServer() {
    RpcServer a = server("recording:///same-a").deregisterDelay(Duration.ZERO).build().start();
    RpcServer b = server("recording:///same-b").deregisterDelay(Duration.ZERO).build().start();
    try {
      assertEquals(RecordingDiscovery.registry("same-a").instance.services(),
          RecordingDiscovery.registry("same-b").instance.services());
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void closeDeregistersFirstServesThroughTheDelayThenStopsThenClosesTheRegistrar()
      throws Exception {
    RecordingDiscovery.Registry registry = RecordingDiscovery.registry("drain");
    RpcServer server =
        server("recording:///drain").deregisterDelay(Duration.ofMillis(1500)).build().start();
    int port = server.port();
    try (RpcClient before = RpcClient.builder().address("127.0.0.1", port).codec("json")
        .timeout(Duration.ofSeconds(5)).build()) {
      Calculator calc = before.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));
      CompletableFuture<Integer> inFlight = calc.echoLater(1000, 7);
      long closing = System.nanoTime();
      CompletableFuture<Void> close = CompletableFuture.runAsync(server::close);

      assertTrue(registry.deregistered.await(5, TimeUnit.SECONDS));
      // Deregistered, and still serving: a client that read the registry just before the
      // removal connects and calls, and an established one goes on.
      try (RpcClient late = RpcClient.builder().address("127.0.0.1", port).codec("kryo")
          .timeout(Duration.ofSeconds(5)).build()) {
        assertEquals(5, late.proxy(Calculator.class).add(2, 3));
      }
      assertEquals(9, calc.add(4, 5));
      assertFalse(close.isDone(), "close() waits for the deregister delay");

      close.get(10, TimeUnit.SECONDS);
      assertTrue(System.nanoTime() - closing >= TimeUnit.MILLISECONDS.toNanos(1500));
      assertEquals(7, inFlight.get(), "the call in flight finished within the grace period");
    }
    assertEquals(List.of(
            "register 127.0.0.1:" + port + " (port open)",
            "deregister (port open)",
            "close (port closed)"),
        registry.events());
  }

  @Test
  void aServerThatCannotRegisterDoesNotStartAndLeavesNothingOpen() throws IOException {
    RecordingDiscovery.Registry registry = RecordingDiscovery.registry("refusing");
    RpcServer server = server("recording:///refusing?fail").build();
    RpcException e = assertThrows(RpcException.class, server::start);
    int port = registry.instance.port();
    assertEquals(RpcException.Code.UNAVAILABLE, e.code());
    assertEquals("Could not register the minirpc server 127.0.0.1:" + port
        + " in recording:///refusing: the test registry refuses everyone. Check that the"
        + " registry is up and reachable from this machine and that minirpc.server.registry"
        + " names it; the server did not start", e.getMessage());
    assertEquals(List.of("register 127.0.0.1:" + port + " (port open)", "close (port closed)"),
        registry.events());
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress("127.0.0.1", port)); // the port was let go
    }
    assertEquals("RpcServer{not started}", server.toString());
    server.close(); // nothing left to do, and no second close of the registrar
    assertEquals(2, registry.events().size());
  }

  @Test
  void aRegistryWhoseModuleIsMissingFailsBuildNamingTheArtifact() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> server("zookeeper://127.0.0.1:2181/minirpc/orders").build());
    assertEquals("No discovery provider for 'zookeeper:' is installed (installed: test,"
        + " recording, dns). Add io.minirpc:rpc-discovery-zookeeper to the classpath, or change"
        + " minirpc.server.registry", e.getMessage());
    IllegalStateException unknown = assertThrows(IllegalStateException.class,
        () -> server("Etcd://10.0.0.1:2379/minirpc").build());
    assertEquals("No discovery provider for 'etcd:' is installed (installed: test, recording,"
        + " dns). Add the module that provides it to the classpath (it lists its class in"
        + " META-INF/services/io.minirpc.discovery.DiscoveryProvider), or change"
        + " minirpc.server.registry", unknown.getMessage());
  }

  @Test
  void aTargetTheProviderRefusesFailsBuildSayingWhy() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> server("recording://user:secret@somewhere?x=y").build());
    assertEquals("minirpc.server.registry = recording://somewhere: name the registry:"
        + " recording:///name", e.getMessage(), "no user information or query in messages");
  }

  @Test
  void theAdvertisedHostIsTheConfiguredOneElseTheBoundOneElseOneOfThisMachine()
      throws Exception {
    RpcServer named = server("recording:///advertised-named").advertisedHost("orders-7.internal")
        .deregisterDelay(Duration.ZERO).build().start();
    named.close();
    assertEquals("orders-7.internal", RecordingDiscovery.registry("advertised-named")
        .instance.host());

    RpcServer wildcard = RpcServer.builder().port(0).registry("recording:///advertised-any")
        .deregisterDelay(Duration.ZERO).register(Calculator.class, new CalculatorImpl())
        .build().start();
    wildcard.close();
    String host = RecordingDiscovery.registry("advertised-any").instance.host();
    java.net.InetAddress address = java.net.InetAddress.getByName(host);
    assertFalse(address.isAnyLocalAddress(), host);
    assertFalse(address.isLinkLocalAddress(), host);
    // Loopback only on a machine that has nothing else.
    if (address.isLoopbackAddress()) {
      assertTrue(java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
          .stream().allMatch(ni -> {
            try {
              return !ni.isUp() || ni.isLoopback();
            } catch (java.net.SocketException x) {
              return true;
            }
          }), "chose loopback although another interface is up");
    }
  }
}
