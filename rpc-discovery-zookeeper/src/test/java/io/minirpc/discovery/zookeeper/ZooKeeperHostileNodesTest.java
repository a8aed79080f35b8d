package io.minirpc.discovery.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Nodes written into a group by someone who may write it (its default ACL is open) but is not one
 * of its servers: a weight that asks for every call, and large nodes that are not servers. A real
 * ZooKeeper, real servers, and a well-behaved server registered beside them.
 */
@Isolated("weighs the heap of the whole JVM, and sets a ZooKeeper system property")
@Timeout(60)
class ZooKeeperHostileNodesTest {
  private TestingServer zk;
  private CuratorFramework writer;
  private final List<RpcServer> servers = new ArrayList<>();

  @BeforeEach
  void startZooKeeper() throws Exception {
    // The server in this JVM would keep serialized answers to reads (400 by default), and the
    // memory test would count them as the client's.
    System.setProperty("zookeeper.maxResponseCacheSize", "0");
    zk = Zk.server();
    writer = Zk.client(zk.getConnectString());
  }

  @AfterEach
  void stop() throws Exception {
    for (RpcServer s : servers) {
      s.close();
    }
    writer.close();
    zk.close();
    System.clearProperty("zookeeper.maxResponseCacheSize");
  }

  private String group(String name) {
    return "zookeeper://" + zk.getConnectString() + "/minirpc/" + name
        + "?sessionTimeout=3s&connectionTimeout=2s";
  }

  /** A Greeter server on loopback counting its calls, registered in {@code registry} if not null. */
  private RpcServer server(String registry, AtomicInteger calls) {
    RpcServer.Builder b = RpcServer.builder()
        .host("127.0.0.1")
        .port(0)
        .register(Greeter.class, new Greeter() {
          @Override
          public String greet(String name) {
            calls.incrementAndGet();
            return "hello " + name;
          }

          @Override
          public int add(int a, int b) {
            return a + b;
          }

          @Override
          public String slowGreet(String name, int millis) {
            return greet(name);
          }
        });
    if (registry != null) {
      b.registry(registry).deregisterDelay(Duration.ofMillis(100));
    }
    RpcServer s = b.build().start();
    servers.add(s);
    return s;
  }

  @Test
  void aNodeOfHugeWeightGetsNoMoreCallsThanTheMaximumWeightAllows() throws Exception {
    String group = group("greedy");
    AtomicInteger honestCalls = new AtomicInteger();
    AtomicInteger greedyCalls = new AtomicInteger();
    server(group, honestCalls);
    RpcServer greedy = server(null, greedyCalls);
    String data = new String(NodeFormat.write(ServerInstance.of("127.0.0.1", greedy.port())),
        StandardCharsets.UTF_8).replace("\"weight\":100", "\"weight\":2147483647");
    assertTrue(data.contains("2147483647"), data);
    writer.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
        .forPath("/minirpc/greedy/intruder", data.getBytes(StandardCharsets.UTF_8));
    try (RpcClient client = RpcClient.builder().address(group)
        .timeout(Duration.ofSeconds(5)).build()) {
      Greeter greeter = client.proxy(Greeter.class);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while ((honestCalls.get() == 0 || greedyCalls.get() == 0) && System.nanoTime() < end) {
        assertEquals("hello x", greeter.greet("x"));
      }
      assertTrue(greedyCalls.get() > 0, "the client found the intruder's server");
      int honestBefore = honestCalls.get();
      int greedyBefore = greedyCalls.get();
      for (int i = 0; i < 1000; i++) {
        greeter.greet("x");
      }
      int honest = honestCalls.get() - honestBefore;
      int taken = greedyCalls.get() - greedyBefore;
      // Weight 1000 against 100: about 91 % of idle-time calls. 2147483647 took all of them.
      assertTrue(honest >= 40, "the registered server got " + honest + " of 1000 calls, the"
          + " intruder " + taken);
    }
  }

  @Test
  void largeNodesThatAreNotServersCostTheClientNoMemory() throws Exception {
    String group = group("junk");
    RpcServer honest = server(group, new AtomicInteger());
    byte[] junk = new byte[1000 * 1024];
    Arrays.fill(junk, (byte) 'x');
    for (int i = 0; i < 60; i++) {
      writer.create().creatingParentsIfNeeded().forPath("/minirpc/junk/junk-" + i, junk);
    }
    long before = usedHeapAfterGc();
    Recorder heard = new Recorder();
    NameResolver resolver = Zk.resolve(group, heard);
    try {
      heard.awaitAddresses(Duration.ofSeconds(20), "127.0.0.1:" + honest.port());
      long grown = usedHeapAfterGc() - before;
      // The group holds 60 MB of node data; the resolver kept it all before.
      assertTrue(grown < 20L * 1024 * 1024, "the resolver holds " + (grown >> 20) + " MiB");
    } finally {
      resolver.close();
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
