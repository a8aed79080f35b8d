package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import io.minirpc.it.versions.Inventory;
import io.minirpc.it.versions.ServerVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** The handshake, heartbeats, idle connections and the connection pool. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class ConnectionHealthTest {
  @Parameter String codec;

  private static RpcServer.Builder server() {
    return RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .register(SlowService.class, new SlowServiceImpl());
  }

  private RpcClient.Builder client(RpcServer server) {
    return RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(10));
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void theHandshakeNamesEveryDifferenceBetweenClientAndServerVersionsOfAService() {
    Class v2 = ServerVersion.inventory();
    try (RpcServer s = server().register(v2, ServerVersion.implementation(v2)).build().start();
        RpcClient c = client(s).build()) {
      Inventory inventory = c.proxy(Inventory.class);
      assertEquals("pong: hi", inventory.ping("hi"), "methods that match still work");

      String at = "127.0.0.1:" + s.port();
      long start = System.nanoTime();
      RpcException count = assertThrows(RpcException.class, inventory::count);
      assertEquals(Code.CODEC, count.code());
      assertEquals("Call to io.minirpc.it.versions.Inventory.count() at " + at + " was not sent:"
          + " client and server declare it differently: the client has 'int count()', the server"
          + " 'long count()'. Deploy the same version of io.minirpc.it.versions.Inventory on both",
          count.getMessage());

      RpcException find = assertThrows(RpcException.class, () -> inventory.find("bolt"));
      assertEquals(Code.CODEC, find.code());
      assertEquals("Call to io.minirpc.it.versions.Inventory.find(java.lang.String) at " + at
          + " was not sent: the classes it carries differ in a way the other side cannot read:"
          + " io.minirpc.it.versions.Item.quantity is int on the client but java.lang.String on"
          + " the server. Change these classes only as the evolution rules allow"
          + " (docs/evolution.md), or deploy the same version of them on both",
          find.getMessage());

      RpcException describe = assertThrows(RpcException.class, inventory::describe);
      assertEquals(Code.NOT_FOUND, describe.code());
      assertEquals("Call to io.minirpc.it.versions.Inventory.describe() at " + at + " was not"
          + " sent: the server's io.minirpc.it.versions.Inventory has no method describe() (it"
          + " has: count(), find(java.lang.String), ping(java.lang.String),"
          + " restock(java.lang.String,int)). Client and server have different versions of the"
          + " interface: deploy the same version on both", describe.getMessage());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2),
          "mismatches fail at once, without a round trip to the server");
      assertEquals("pong: still", inventory.ping("still"), "and the connection stays usable");
    }
  }

  @Test
  void aSilentClientIsDisconnectedAfterTheServersIdleTimeout() throws Exception {
    try (RpcServer s = server().idleTimeout(Duration.ofMillis(500)).build().start();
        RawConnection raw = new RawConnection(s.port())) {
      long start = System.nanoTime();
      assertTrue(raw.closedByPeer(), "a handshaken client that never pings is closed");
      long took = (System.nanoTime() - start) / 1_000_000;
      assertTrue(took >= 400 && took < 4000, "closed after " + took + " ms");
    }
  }

  @Test
  void anIdleClientKeepsItsConnectionWithHeartbeats() throws Exception {
    try (RpcServer s = server().idleTimeout(Duration.ofMillis(600)).build().start();
        RpcClient c = client(s).heartbeat(Duration.ofMillis(100), Duration.ofSeconds(2)).build()) {
      SlowService slow = c.proxy(SlowService.class);
      String before = slow.context().get("remote");
      Thread.sleep(2000); // more than three server idle timeouts without a call
      assertEquals(before, slow.context().get("remote"), "the same connection, never replaced");
      assertEquals(1, s.connectionCount());
    }
  }

  @Test
  void theClientPingsAsOftenAsTheServersIdleTimeoutRequires() throws Exception {
    // The client's own interval (5 s) is far longer than the server's idle timeout: the server's
    // HELLO makes the client ping every third of it instead.
    try (RpcServer s = server().idleTimeout(Duration.ofMillis(600)).build().start();
        RpcClient c = client(s).build()) {
      SlowService slow = c.proxy(SlowService.class);
      String before = slow.context().get("remote");
      Thread.sleep(2000);
      assertEquals(before, slow.context().get("remote"));
    }
  }

  @Test
  void aPoolOfConnectionsSpreadsConcurrentCalls() throws Exception {
    try (RpcServer s = server().build().start();
        RpcClient c = client(s).connections(4).build()) {
      SlowService slow = c.proxy(SlowService.class);
      slow.work(0);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (s.connectionCount() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(4, s.connectionCount());
      List<CompletableFuture<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        calls.add(slow.workAsync(1));
      }
      Set<String> remotes = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        remotes.add(slow.context().get("remote"));
      }
      for (CompletableFuture<Long> call : calls) {
        call.get(10, TimeUnit.SECONDS);
      }
      assertEquals(4, remotes.size(), "calls went over every connection: " + remotes);
    }
  }

  @Test
  void goAwayLetsCallsInFlightFinishWithinTheGracePeriod() throws Exception {
    RpcServer s = server().gracePeriod(Duration.ofSeconds(5)).build().start();
    try (RpcClient c = client(s).timeout(Duration.ofMillis(1500)).build()) {
      SlowService slow = c.proxy(SlowService.class);
      slow.work(0);
      CompletableFuture<Long> inFlight = slow.workAsync(800);
      Thread.sleep(100);
      long start = System.nanoTime();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
      Thread.sleep(100);
      // A call made after GOAWAY is not sent on the old connection: it waits for a new one,
      // which the closing server does not accept, and fails without having run.
      RpcException later = assertThrows(RpcException.class, () -> slow.work(0));
      assertEquals(Code.UNAVAILABLE, later.code());
      assertTrue(later.getMessage().contains("It did not run"), later.getMessage());
      assertTrue(inFlight.get(5, TimeUnit.SECONDS) >= 700, "the call in flight finished");
      closing.get(10, TimeUnit.SECONDS);
      long took = (System.nanoTime() - start) / 1_000_000;
      assertTrue(took < 4000, "close() waited for the call, not the whole grace: " + took + " ms");
    } finally {
      s.close();
    }
  }
}
