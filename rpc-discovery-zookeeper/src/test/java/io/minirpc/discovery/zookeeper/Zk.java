package io.minirpc.discovery.zookeeper;

import io.minirpc.RpcServer;
import io.minirpc.discovery.NameResolver;
import java.net.URI;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;

/** Real ZooKeeper for tests, with a short tick so that sessions may be short, and helpers. */
final class Zk {
  /** ZooKeeper's tick: sessions may last from two to twenty of them. */
  static final int TICK_MILLIS = 200;

  private Zk() {}

  /** A started ZooKeeper server on a free port, in a temporary directory deleted on close. */
  static TestingServer server() throws Exception {
    return new TestingServer(
        new InstanceSpec(null, -1, -1, -1, true, -1, TICK_MILLIS, -1), true);
  }

  /** A started client of {@code connectString}, for looking at nodes directly. */
  static CuratorFramework client(String connectString) throws InterruptedException {
    CuratorFramework c = CuratorFrameworkFactory.newClient(connectString, 3000, 3000,
        new RetryOneTime(100));
    c.start();
    if (!c.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new IllegalStateException("no connection to " + connectString);
    }
    return c;
  }

  /** The ZooKeeper session that owns {@code path}, or 0 if there is no such node. */
  static long owner(CuratorFramework client, String path) throws Exception {
    Stat stat = client.checkExists().forPath(path);
    return stat == null ? 0 : stat.getEphemeralOwner();
  }

  /** A started resolver of {@code target}. */
  static NameResolver resolve(String target, NameResolver.Listener listener) {
    NameResolver r = new ZooKeeperDiscovery().resolver(URI.create(target));
    r.start(listener);
    return r;
  }

  /** A server of {@link Greeter} on loopback that registers in {@code registry}. */
  static RpcServer.Builder greeter(String registry) {
    return RpcServer.builder()
        .host("127.0.0.1")
        .port(0)
        .gracePeriod(Duration.ofSeconds(2))
        .deregisterDelay(Duration.ofMillis(100))
        .registry(registry)
        .register(Greeter.class, Greeter.impl());
  }
}
