package io.minirpc.discovery.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.discovery.NameResolver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.junit.jupiter.api.Test;

/** ZooKeeper stops and starts again under registered servers and a watching resolver. */
class ZooKeeperOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void whileZooKeeperIsDownTheListStaysAndItIsCurrentAgainWhenZooKeeperReturns()
      throws Exception {
    try (TestingServer zk = Zk.server()) {
      String group = "zookeeper://" + zk.getConnectString()
          + "/minirpc/outage?sessionTimeout=3s&connectionTimeout=1s";
      Recorder heard = new Recorder();
      RpcServer a = Zk.greeter(group).build().start();
      RpcServer leaving = Zk.greeter(group).build().start();
      String first = "127.0.0.1:" + a.port();
      try (NameResolver resolver = Zk.resolve(group, heard)) {
        heard.awaitAddresses(WAIT, first, "127.0.0.1:" + leaving.port());

        zk.stop();
        String reason = heard.awaitError(WAIT);
        assertTrue(reason.startsWith("Lost the connection to ZooKeeper " + group
            .replaceFirst("\\?.*", "") + "; keeping the last 2 server(s) while reconnecting"),
            reason);
        // A server closing meanwhile cannot remove its node, and does not wait long for it.
        long closing = System.nanoTime();
        leaving.close();
        long tookMillis = (System.nanoTime() - closing) / 1_000_000;
        assertTrue(tookMillis < 4000, "close() took " + tookMillis + " ms with ZooKeeper down");
        assertEquals(List.of(), List.copyOf(heard.lists), "no list while ZooKeeper is away");

        zk.restart();
        // The closed server's session ends on the restarted ZooKeeper, and its node with it;
        // the list is current again without anything done by the client.
        heard.awaitAddresses(WAIT, first);
        RpcServer b = Zk.greeter(group).build().start();
        heard.awaitAddresses(WAIT, first, "127.0.0.1:" + b.port());
        try (RpcClient client = RpcClient.builder().address("127.0.0.1", a.port())
            .codec("json").timeout(Duration.ofSeconds(5)).build()) {
          assertEquals(3, client.proxy(Greeter.class).add(1, 2), "the servers never stopped");
        }
        b.close();
        heard.awaitAddresses(WAIT, first);
        assertTrue(!heard.overlapped, "one call at a time");
      } finally {
        a.close();
      }
    }
  }

  @Test
  void aServerWhoseSessionEndedRegistersAgainOnItsNewSession() throws Exception {
    try (TestingServer zk = Zk.server()) {
      String group = "zookeeper://" + zk.getConnectString()
          + "/minirpc/expiry?sessionTimeout=2s&connectionTimeout=2s";
      ZooKeeperRegistrar registrar = (ZooKeeperRegistrar) new ZooKeeperDiscovery()
          .registrar(java.net.URI.create(group));
      Recorder heard = new Recorder();
      try (NameResolver resolver = Zk.resolve(group, heard);
          org.apache.curator.framework.CuratorFramework look =
              Zk.client(zk.getConnectString())) {
        registrar.register(io.minirpc.discovery.ServerInstance.of("10.0.0.7", 4242));
        heard.awaitAddresses(WAIT, "10.0.0.7:4242");
        String node = "/minirpc/expiry/10.0.0.7:4242";
        long session = Zk.owner(look, node);

        // Ends the registrar's session on the ZooKeeper server, as an expiry does: a second
        // handle on the same session closes it, and ephemeral nodes go with it.
        org.apache.zookeeper.ZooKeeper own =
            registrar.client().getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        org.apache.zookeeper.ZooKeeper twin = new org.apache.zookeeper.ZooKeeper(
            zk.getConnectString(), 2000, event -> {
              if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            }, own.getSessionId(), own.getSessionPasswd());
        // A handle closed before it connected would not close the session.
        assertTrue(connected.await(10, TimeUnit.SECONDS));
        twin.close();

        heard.awaitAddresses(WAIT, new String[0]);
        heard.awaitAddresses(WAIT, "10.0.0.7:4242");
        long renewed = Zk.owner(look, node);
        assertTrue(renewed != 0 && renewed != session, session + " then " + renewed);

        long deregistering = System.nanoTime();
        registrar.deregister();
        assertEquals(0, Zk.owner(look, node), "deregister() returns once the node is gone");
        assertTrue(System.nanoTime() - deregistering < TimeUnit.SECONDS.toNanos(2));
        heard.awaitAddresses(WAIT, new String[0]);
      } finally {
        registrar.close();
      }
    }
  }
}
