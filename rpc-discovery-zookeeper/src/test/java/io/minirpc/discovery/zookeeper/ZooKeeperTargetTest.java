package io.minirpc.discovery.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ZooKeeperTargetTest {
  private static ZooKeeperTarget parse(String target) {
    return ZooKeeperTarget.parse(URI.create(target));
  }

  private static String refused(String target) {
    return assertThrows(IllegalArgumentException.class, () -> parse(target)).getMessage();
  }

  @Test
  void theAuthorityIsTheEnsembleAndThePathTheGroup() {
    assertEquals(new ZooKeeperTarget("zk1:2181,zk2:2181,zk3", "/minirpc/orders",
            Duration.ofSeconds(15), Duration.ofSeconds(5), null, false),
        parse("zookeeper://zk1:2181,zk2:2181,zk3/minirpc/orders/"));
    assertEquals(new ZooKeeperTarget("[::1]:2181", "/g", Duration.ofMillis(2500),
            Duration.ofSeconds(1), null, false),
        parse("ZooKeeper://[::1]:2181/g?sessionTimeout=2500ms&connectionTimeout=PT1S"));
  }

  @Test
  void malformedTargetsAreRefusedSayingWhatIsExpected() {
    assertEquals("'zookeeper:///minirpc/orders' names no ZooKeeper server: write them after"
        + " zookeeper://, such as zookeeper://zk1:2181,zk2:2181/minirpc/orders",
        refused("zookeeper:///minirpc/orders"));
    assertEquals("'zookeeper://zk1:2181' names no group: add the path of the group's node, such"
        + " as zookeeper://zk1:2181,zk2:2181/minirpc/orders", refused("zookeeper://zk1:2181"));
    assertEquals("'zookeeper://zk1:2181,,zk2/g': '' is not host or host:port (the servers are"
        + " separated by commas, such as zookeeper://zk1:2181,zk2:2181/minirpc/orders)",
        refused("zookeeper://zk1:2181,,zk2/g"));
    assertEquals("'zookeeper://zk1/a//b': /a//b is not a ZooKeeper path: Invalid path string"
        + " \"/a//b\" caused by empty node name specified @3", refused("zookeeper://zk1/a//b"));
    assertEquals("'zookeeper://zk1/g?sessiontimeout=5s': unknown option sessiontimeout (known:"
        + " sessionTimeout, connectionTimeout, credentials, acl)", refused("zookeeper://zk1/g?sessiontimeout=5s"));
    assertEquals("sessionTimeout = '5000' is not a duration: write a whole number with a unit"
        + " (250ms, 5s, 2m) or an ISO-8601 duration (PT5S)",
        refused("zookeeper://zk1/g?sessionTimeout=5000"));
    assertEquals("connectionTimeout (0s) must be positive and below 24 days",
        refused("zookeeper://zk1/g?connectionTimeout=0s"));
    assertEquals("'zookeeper://u:p@zk1/g': credentials do not belong in the URI; write"
        + " zookeeper://host:port,host:port/group", refused("zookeeper://u:p@zk1/g"));
    assertEquals("'zookeeper://zk1/g#x' has a fragment (#...); remove it",
        refused("zookeeper://zk1/g#x"));
    assertEquals("'zookeeper://zk1/g?sessionTimeout=1s&sessionTimeout=2s': option"
        + " sessionTimeout is given twice",
        refused("zookeeper://zk1/g?sessionTimeout=1s&sessionTimeout=2s"));
  }

  @Test
  void theProviderIsFoundByItsScheme() {
    assertEquals("zookeeper", ServiceLoader.load(io.minirpc.discovery.DiscoveryProvider.class)
        .findFirst().orElseThrow().scheme());
  }
}
