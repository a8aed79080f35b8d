package io.minirpc.discovery.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A minirpc client of a {@code zookeeper://} group calling the servers registered there, end to
 * end: steady traffic through a rolling restart with drain, and through a ZooKeeper outage.
 */
@Timeout(120)
class ZooKeeperFleetTest {
  private TestingServer zk;
  private final List<RpcServer> servers = new ArrayList<>();

  @BeforeEach
  void startZooKeeper() throws Exception {
    zk = Zk.server();
  }

  @AfterEach
  void stop() throws Exception {
    for (RpcServer s : servers) {
      s.close();
    }
    zk.close();
  }

  private String group(String name) {
    return "zookeeper://" + zk.getConnectString() + "/minirpc/" + name
        + "?sessionTimeout=3s&connectionTimeout=2s";
  }

  private RpcServer start(String group) {
    RpcServer s = Zk.greeter(group).deregisterDelay(Duration.ofMillis(500)).build().start();
    servers.add(s);
    return s;
  }

  /** Calls from a few threads until stopped, counting successes and keeping every failure. */
  private static final class Traffic {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong ok = new AtomicLong();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final ExecutorService pool = Executors.newFixedThreadPool(6);

    Traffic(Greeter greeter) {
      for (int t = 0; t < 6; t++) {
        pool.submit(() -> {
          while (!stop.get()) {
            try {
              greeter.greet("fleet"); // not idempotent: a lost call would show
              ok.incrementAndGet();
            } catch (RuntimeException e) {
              failures.add(e);
            }
          }
        });
      }
    }

    void end() throws InterruptedException {
      stop.set(true);
      pool.shutdown();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void aRollingRestartOfEveryServerInTheGroupLosesNoCall() throws Exception {
    String group = group("rolling");
    for (int i = 0; i < 3; i++) {
      start(group);
    }
    try (RpcClient client = RpcClient.builder().address(group).codec("json")
        .timeout(Duration.ofSeconds(10)).build()) {
      Greeter greeter = client.proxy(Greeter.class);
      assertEquals("hello fleet", greeter.greet("fleet"));
      Traffic traffic = new Traffic(greeter);
      Thread.sleep(300);
      List<RpcServer> old = List.copyOf(servers);
      for (RpcServer s : old) {
        s.close(); // leaves the group, serves 500 ms more, GOAWAY, drains
        servers.remove(s);
        start(group);
        Thread.sleep(300);
      }
      long okBefore = traffic.ok.get();
      Thread.sleep(500);
      traffic.end();
      assertEquals(List.of(), traffic.failures, "no call fails while every server is replaced");
      assertTrue(traffic.ok.get() > okBefore, "the replacements serve");
      for (RpcServer s : servers) {
        assertTrue(s.connectionCount() > 0, "the client found the new server on port " + s.port());
      }
    }
  }

  @Test
  void whileZooKeeperIsDownTheClientKeepsCallingTheServersItKnows() throws Exception {
    String group = group("outage");
    start(group);
    start(group);
    try (RpcClient client = RpcClient.builder().address(group).codec("json")
        .timeout(Duration.ofSeconds(10)).build()) {
      Greeter greeter = client.proxy(Greeter.class);
      assertEquals("hello fleet", greeter.greet("fleet"));
      Traffic traffic = new Traffic(greeter);
      Thread.sleep(200);
      zk.stop();
      Thread.sleep(1500);
      long duringOutage = traffic.ok.get();
      Thread.sleep(500);
      assertTrue(traffic.ok.get() > duringOutage, "calls go on while ZooKeeper is down");
      zk.restart();
      RpcServer late = start(group); // registered once ZooKeeper is back
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (late.connectionCount() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      traffic.end();
      assertEquals(List.of(), traffic.failures, "no call failed through the outage");
      assertTrue(late.connectionCount() > 0, "a server that joined after the outage is found");
    }
  }
}
