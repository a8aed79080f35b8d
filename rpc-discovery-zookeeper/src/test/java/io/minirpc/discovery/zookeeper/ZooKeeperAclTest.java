package io.minirpc.discovery.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group secured with {@code credentials=FILE&acl=creator}, on a real ZooKeeper: clients find its
 * servers without credentials, but a registration can be neither removed nor rewritten by anyone
 * else, and a server without the group's credentials cannot join it (which, open, would let any
 * ZooKeeper user send a fleet's calls to a machine of their choosing).
 */
class ZooKeeperAclTest {
  private static TestingServer zk;
  @TempDir static Path dir;
  private static Path credentials;
  private static Path otherCredentials;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    zk = Zk.server();
    credentials = Files.writeString(dir.resolve("orders.digest"), "orders:s3cret\n");
    otherCredentials = Files.writeString(dir.resolve("guess.digest"), "orders:guess");
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    zk.close();
  }

  private static String group(String name, String options) {
    return group("/secure/", name, options);
  }

  private static String group(String parent, String name, String options) {
    return "zookeeper://" + zk.getConnectString() + parent + name
        + "?sessionTimeout=3s&connectionTimeout=2s" + options;
  }

  @Test
  void onlyServersWithTheGroupsCredentialsJoinItAndNobodyElseChangesIt() throws Exception {
    String secured = "&credentials=" + credentials + "&acl=creator";
    try (RpcServer a = Zk.greeter(group("orders", secured)).build().start();
        RpcClient client = RpcClient.builder().address(group("orders", "")).codec("json")
            .build();
        CuratorFramework anyone = Zk.client(zk.getConnectString())) {
      assertEquals(3, client.proxy(Greeter.class).add(1, 2), "found without credentials");
      String node = "/secure/orders/127.0.0.1:" + a.port();
      byte[] forged = "{\"address\":\"10.6.6.6:4242\"}".getBytes(StandardCharsets.UTF_8);
      assertThrows(KeeperException.NoAuthException.class, () -> anyone.delete().forPath(node));
      assertThrows(KeeperException.NoAuthException.class,
          () -> anyone.setData().forPath(node, forged));
      assertThrows(KeeperException.NoAuthException.class,
          () -> anyone.create().forPath("/secure/orders/10.6.6.6:4242", forged));
      assertEquals(List.of("127.0.0.1:" + a.port()),
          anyone.getChildren().forPath("/secure/orders"), "anyone may read the group");

      RpcServer rogue = Zk.greeter(group("orders", "&credentials=" + otherCredentials
          + "&acl=creator")).build();
      RpcException e = assertThrows(RpcException.class, rogue::start);
      assertEquals(RpcException.Code.UNAVAILABLE, e.code());
      assertTrue(e.getMessage().contains("check that this client may create nodes under"
          + " /secure/orders (its ACLs: a group made with acl=creator takes only servers with"
          + " its credentials"), e.getMessage());
      assertTrue(!e.getMessage().contains("guess") && !e.getMessage().contains("s3cret"),
          "no password in the message: " + e.getMessage());
      assertEquals(List.of("127.0.0.1:" + a.port()),
          anyone.getChildren().forPath("/secure/orders"));

      // A second server with the credentials joins, and the client calls both.
      try (RpcServer b = Zk.greeter(group("orders", secured)).build().start()) {
        assertEquals(2, anyone.getChildren().forPath("/secure/orders").size());
        assertEquals(5, client.proxy(Greeter.class).add(2, 3));
      }
    }
  }

  @Test
  void aSecuredGroupOutlivesItsServersAndLeavesItsParentOpenToOtherGroups() throws Exception {
    String secured = "&credentials=" + credentials + "&acl=creator";
    try (CuratorFramework anyone = Zk.client(zk.getConnectString())) {
      try (RpcServer a = Zk.greeter(group("/fortified/", "payments", secured)).build().start()) {
        assertEquals(1, anyone.getChildren().forPath("/fortified/payments").size());
      }
      // Empty now. A container node would go, and anyone could make it again, open.
      assertTrue(anyone.checkExists().forPath("/fortified/payments") != null);
      assertThrows(KeeperException.NoAuthException.class,
          () -> anyone.create().forPath("/fortified/payments/10.6.6.6:4242"));
      assertThrows(KeeperException.NoAuthException.class,
          () -> anyone.delete().forPath("/fortified/payments"));

      // Another group beside it, with other credentials: anyone may add to the parent.
      try (RpcServer b = Zk.greeter(group("/fortified/", "billing", "&credentials="
          + otherCredentials + "&acl=creator")).build().start()) {
        assertEquals(1, anyone.getChildren().forPath("/fortified/billing").size());
      }

      // A group someone made open is not silently taken as protected.
      anyone.create().creatingParentsIfNeeded().forPath("/secure/wide-open");
      RpcServer c = Zk.greeter(group("wide-open", secured)).build();
      RpcException e = assertThrows(RpcException.class, c::start);
      assertTrue(e.getMessage().contains("the group /secure/wide-open exists and anyone may"
          + " change it (its ACL gives world:anyone more than read), so acl=creator would not"
          + " protect it"), e.getMessage());
    }
  }

  @Test
  void anOpenGroupIsWhatTheOptionsProtectAgainst() throws Exception {
    try (RpcServer a = Zk.greeter(group("open", "")).build().start();
        CuratorFramework anyone = Zk.client(zk.getConnectString())) {
      anyone.delete().forPath("/secure/open/127.0.0.1:" + a.port()); // no credential needed
    }
  }

  @Test
  void aCredentialsFileIsCheckedWhenTheTargetIsParsedAndItsPasswordNeverShown() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.digest"), "no-colon-s3cret");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ZooKeeperTarget.parse(URI.create(group("x", "&credentials=" + bad))));
    assertEquals("the ZooKeeper credentials file " + bad + " must hold one line, user:password"
        + " (ZooKeeper's digest scheme)", e.getMessage());
    Path missing = dir.resolve("missing.digest");
    e = assertThrows(IllegalArgumentException.class,
        () -> ZooKeeperTarget.parse(URI.create(group("x", "&credentials=" + missing))));
    assertTrue(e.getMessage().startsWith("cannot read the ZooKeeper credentials file " + missing
        + " (credentials=): java.nio.file.NoSuchFileException"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ZooKeeperTarget.parse(URI.create(group("x", "&acl=closed"))));
    assertTrue(e.getMessage().endsWith("acl=closed is not open (anyone may change the group's"
        + " nodes, the default) or creator (only the identity that created them)"),
        e.getMessage());
  }
}
