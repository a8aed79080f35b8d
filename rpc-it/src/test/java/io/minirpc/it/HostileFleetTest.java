package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import io.minirpc.auth.BearerTokenAuthenticator;
import io.minirpc.discovery.ServerInstance;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Servers and registries that work against a fleet client: a server that fails every call at
 * once, a registry entry whose weight asks for every call, and one that names a listener that
 * would read the client's token. Real servers on loopback, a well-behaved server beside each
 * hostile one.
 */
@Timeout(60)
class HostileFleetTest {
  private final List<RpcServer> servers = new ArrayList<>();

  @AfterEach
  void closeServers() {
    for (RpcServer s : servers) {
      s.close();
    }
  }

  private RpcServer server(Whoami service) {
    RpcServer s = RpcServer.builder()
        .host("127.0.0.1")
        .port(0)
        .register(Whoami.class, service)
        .build()
        .start();
    servers.add(s);
    return s;
  }

  private RpcServer good(String name) {
    return server(Whoami.named(name, new AtomicInteger()));
  }

  /** A server whose every call throws, which reaches the client as INTERNAL. */
  private RpcServer failing(AtomicInteger calls) {
    return server(new Whoami() {
      @Override
      public String name() {
        calls.incrementAndGet();
        throw new IllegalStateException("this server is sick");
      }

      @Override
      public String work(long millis) {
        return name();
      }

      @Override
      public String workIdempotent(long millis) {
        return name();
      }

      @Override
      public String workHedged(long millis) {
        return name();
      }

      @Override
      public String sometimesSlow(long millis, long slowMillis, String slowServer) {
        return name();
      }

      @Override
      public String byKey(String key) {
        return name();
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"round-robin", "least-pending"})
  void aServerThatFailsEveryCallWithInternalStopsGettingCalls(String policy) throws Exception {
    RpcServer a = good("a");
    RpcServer b = good("b");
    AtomicInteger sickCalls = new AtomicInteger();
    RpcServer sick = failing(sickCalls);
    try (RpcClient client = RpcClient.builder()
        .address(list(a, b, sick))
        .loadBalancer(policy)
        .timeout(Duration.ofSeconds(5))
        .build()) {
      Whoami who = client.proxy(Whoami.class);
      // Until the sick server is ejected or drawn no more: then a whole second of calls, of which
      // none reaches it and none fails.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      int failedBefore = 0;
      while (true) {
        int sickBefore = sickCalls.get();
        int ok = 0;
        int failed = 0;
        long second = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < second) {
          try {
            who.name();
            ok++;
          } catch (RpcException e) {
            assertEquals(RpcException.Code.INTERNAL, e.code(), e.getMessage());
            failed++;
          }
        }
        if (sickCalls.get() == sickBefore && failed == 0 && ok >= 50) {
          break;
        }
        failedBefore += failed;
        if (System.nanoTime() > end) {
          fail("after 15 s the sick server still gets calls: " + failed + " of " + (ok + failed)
              + " calls failed in the last second");
        }
      }
      assertTrue(failedBefore <= 200, "calls failed before the sick server was left out: "
          + failedBefore);
    }
  }

  @Test
  void aRegistryEntryOfHugeWeightGetsNoMoreThanTheMaximumWeightAllows() throws Exception {
    RpcServer normal = good("normal");
    RpcServer greedy = good("greedy");
    String group = "/greedy-" + System.nanoTime();
    TestDiscovery.publish(group, List.of(
        new ServerInstance("127.0.0.1", normal.port(), 100, List.of(), Map.of(), Map.of()),
        new ServerInstance("127.0.0.1", greedy.port(), Integer.MAX_VALUE, List.of(), Map.of(),
            Map.of())));
    for (String policy : List.of("least-pending", "consistent-hash")) {
      try (RpcClient client = RpcClient.builder()
          .address("test://" + group)
          .loadBalancer(policy)
          .timeout(Duration.ofSeconds(5))
          .build()) {
        Whoami who = client.proxy(Whoami.class);
        long start = System.nanoTime();
        assertTrue(Set.of("normal", "greedy").contains(who.byKey("first")));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3),
            policy + ": the first call took " + (System.nanoTime() - start) / 1_000_000 + " ms");
        awaitServed(policy, who, Set.of("normal", "greedy"));
        Map<String, Integer> byServer = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
          byServer.merge(who.byKey("key-" + i), 1, Integer::sum);
        }
        // Weight 1000 against 100: about 91 % of the calls. 2147483647 would be all of them.
        int normalShare = byServer.getOrDefault("normal", 0);
        assertTrue(normalShare >= 40, policy + ": " + byServer);
      }
    }
  }

  @Test
  void aTokenIsNotSentInCleartextToAListenerARegistryNamesOffLoopback() throws Exception {
    RpcServer honest = RpcServer.builder()
        .host("127.0.0.1")
        .port(0)
        .authenticator(BearerTokenAuthenticator.builder().token("s3cret-token").build())
        .register(Whoami.class, Whoami.named("honest", new AtomicInteger()))
        .build()
        .start();
    servers.add(honest);
    try (Spy spy = new Spy(nonLoopbackAddress())) {
      String group = "/cleartext-" + System.nanoTime();
      TestDiscovery.publish(group, List.of(ServerInstance.of("127.0.0.1", honest.port()),
          ServerInstance.of(spy.host(), spy.port())));
      try (RpcClient client = RpcClient.builder()
          .address("test://" + group)
          .metadata("authorization", "Bearer s3cret-token")
          .timeout(Duration.ofSeconds(5))
          .build()) {
        Whoami who = client.proxy(Whoami.class);
        for (int i = 0; i < 50; i++) {
          assertEquals("honest", who.name(), "the server on loopback serves every call");
        }
        Thread.sleep(300); // a connection the client made would have sent its HELLO by now
        assertEquals(0, spy.connections(), "the listener the registry named got "
            + spy.received());
      }
      TestDiscovery.publish(group, List.of(ServerInstance.of(spy.host(), spy.port())));
      try (RpcClient client = RpcClient.builder()
          .address("test://" + group)
          .metadata("authorization", "Bearer s3cret-token")
          .timeout(Duration.ofSeconds(5))
          .build()) {
        RpcException e = assertThrows(RpcException.class, () -> client.proxy(Whoami.class).name());
        assertEquals(RpcException.Code.UNAVAILABLE, e.code());
        assertEquals("Call to io.minirpc.it.Whoami.name() at test://" + group + " failed: test://"
            + group + " lists no servers"
            + " now that this client may call (1 server(s) left out; for one, this client's"
            + " metadata holds a credential ('authorization'), and minirpc.tls is off: it would"
            + " cross the network in cleartext to " + spy.host() + ":" + spy.port() + ". Turn TLS"
            + " on (minirpc.tls=true), or set minirpc.allowInsecureCredentials=true to send it in"
            + " cleartext anyway (only on a network you trust); loopback addresses are allowed)."
            + " It did not run. Check that servers are running and registered; to make calls wait"
            + " for one within their timeout, set minirpc.waitForReady=true", e.getMessage());
        assertEquals(0, spy.connections(), "nothing connected to the listener");
      }
    }
  }

  @Test
  void aClientWithATokenRefusesAPlaintextAddressOffLoopbackAtBuild() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RpcClient.builder()
            .address("192.0.2.7", 4242)
            .metadata("authorization", "Bearer s3cret-token")
            .build());
    assertEquals("The client refuses to send credentials in cleartext: this client's metadata"
        + " holds a credential ('authorization'), and minirpc.tls is off: it would cross the"
        + " network in cleartext to 192.0.2.7:4242. Turn TLS on (minirpc.tls=true), or set"
        + " minirpc.allowInsecureCredentials=true to send it in cleartext anyway (only on a"
        + " network you trust); loopback addresses are allowed", e.getMessage());
    // Said explicitly, it may; and loopback may without asking.
    RpcClient.builder().address("192.0.2.7", 4242).metadata("authorization", "Bearer t")
        .allowInsecureCredentials(true).build().close();
    RpcClient.builder().address("127.0.0.1", 4242).metadata("authorization", "Bearer t")
        .build().close();
  }

  /** A plaintext listener that records what connects to it: whoever a registry may name. */
  private static final class Spy implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Thread acceptor;

    Spy(InetAddress address) throws Exception {
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(address, 0));
      acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept()) {
            connections.incrementAndGet();
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
              synchronized (bytes) {
                bytes.write(buf, 0, n);
              }
            }
          } catch (Exception closedOrQuiet) {
            // next
          }
        }
      }, "spy");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String host() {
      return socket.getInetAddress().getHostAddress();
    }

    int port() {
      return socket.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    String received() {
      synchronized (bytes) {
        return connections.get() + " connection(s) and " + bytes.size() + " bytes: "
            + new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1);
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
      acceptor.join(2000);
    }
  }

  /** An IPv4 address of this machine that is not loopback; the test is skipped without one. */
  private static InetAddress nonLoopbackAddress() throws Exception {
    for (NetworkInterface n : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!n.isUp() || n.isLoopback()) {
        continue;
      }
      for (InetAddress a : java.util.Collections.list(n.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          return a;
        }
      }
    }
    Assumptions.assumeTrue(false, "this machine has no address but loopback");
    return null;
  }

  // ---------------------------------------------------------------- helpers

  private static String list(RpcServer... servers) {
    List<String> parts = new ArrayList<>();
    for (RpcServer s : servers) {
      parts.add("127.0.0.1:" + s.port());
    }
    return String.join(",", parts);
  }

  /** Calls until every one of {@code names} has answered, for up to 10 s. */
  private static void awaitServed(String policy, Whoami who, Set<String> names)
      throws InterruptedException {
    Set<String> seen = new HashSet<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int i = 0; !seen.equals(names); i++) {
      seen.add(who.byKey("warm-" + i));
      if (System.nanoTime() > end) {
        fail(policy + ": after 10 s and " + i + " calls only " + seen + " answered, not "
            + names);
      }
    }
  }
}
