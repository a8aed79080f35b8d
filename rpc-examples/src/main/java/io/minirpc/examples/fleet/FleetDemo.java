package io.minirpc.examples.fleet;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A fleet in one process: a ZooKeeper (embedded, unless {@code -Dexample.zookeeper=host:port}
 * names a real one), three greeter servers registered in it, and a client that finds them
 * there. It shows calls spread over the servers, a server drained and closed under traffic with
 * no failed call, and a new server joining.
 */
public final class FleetDemo {
  private FleetDemo() {}

  public static void main(String[] args) throws Exception {
    String zk = System.getProperty("example.zookeeper");
    TestingServer embedded = null;
    if (zk == null) {
      // maxCnxns set, as a real ZooKeeper's configuration would: left out, ZooKeeper warns at
      // start that it is not configured, a line a new user took for a fault of the demo.
      embedded = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, -1, -1,
          Map.of("maxCnxns", "1000")), true);
      zk = embedded.getConnectString();
      System.out.println("Started an embedded ZooKeeper at " + zk
          + " (-Dexample.zookeeper=host:port uses a real one)");
    }
    String group = "zookeeper://" + zk + "/minirpc/demo-greeter";
    List<RpcServer> servers = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        servers.add(server(group, "server " + i));
      }
      System.out.println("Three servers registered in " + group);
      try (RpcClient client = RpcClient.builder().address(group).codec("kryo")
          .timeout(Duration.ofSeconds(5)).build()) {
        Greeter greeter = client.proxy(Greeter.class);
        System.out.println("Twelve calls, spread by least-pending balancing: "
            + spread(greeter, 12));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService traffic = Executors.newFixedThreadPool(4);
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          callers.add(traffic.submit(() -> {
            while (!stop.get()) {
              try {
                greeter.greet("traffic");
                ok.incrementAndGet();
              } catch (RuntimeException e) {
                failed.incrementAndGet();
                System.out.println("Failed: " + e.getMessage());
              }
            }
          }));
        }
        Thread.sleep(500);
        System.out.println("Closing server 1 under traffic: it deregisters, serves on while the"
            + " client sees it leave, then drains ...");
        servers.remove(0).close();
        servers.add(server(group, "server 4"));
        System.out.println("Server 4 joined.");
        Thread.sleep(1000);
        stop.set(true);
        for (Future<?> f : callers) {
          f.get();
        }
        traffic.shutdown();
        System.out.println("Under traffic: " + ok.get() + " calls succeeded, " + failed.get()
            + " failed");
        System.out.println("Twenty-four more calls: " + spread(greeter, 24));
      }
    } finally {
      for (RpcServer s : servers) {
        s.close();
      }
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static RpcServer server(String group, String name) {
    return RpcServer.builder()
        .host("127.0.0.1")
        .port(0)
        .registry(group)
        .deregisterDelay(Duration.ofMillis(500))
        .register(Greeter.class, new GreeterImpl(name))
        .build()
        .start();
  }

  private static Map<String, Integer> spread(Greeter greeter, int calls) {
    Map<String, Integer> byServer = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      String answer = greeter.greet("demo");
      byServer.merge(answer.substring(answer.indexOf("from ") + 5), 1, Integer::sum);
    }
    return byServer;
  }
}
