package io.minirpc.discovery.zookeeper;

import io.minirpc.discovery.ServerInstance;
import io.minirpc.discovery.ServerRegistrar;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.PathUtils;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one server's ephemeral node, {@code <group>/<host>:<port>}, while the server runs.
 * Curator's {@link PersistentNode} puts it back whenever it goes missing: after the session
 * expired (the server was cut off, or frozen, for longer than the session timeout), or if someone
 * deleted it. A node of the same name left by a crashed predecessor on the same address is
 * overwritten, and replaced when its session ends.
 */
final class ZooKeeperRegistrar implements ServerRegistrar {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperRegistrar.class);

  private final ZooKeeperTarget target;
  private final Object lock = new Object();
  private CuratorFramework client;
  private PersistentNode node;
  private String path;
  private boolean closed;

  ZooKeeperRegistrar(ZooKeeperTarget target) {
    this.target = target;
  }

  @Override
  public void register(ServerInstance self) throws IOException, InterruptedException {
    synchronized (lock) {
      if (closed || client != null) {
        throw new IllegalStateException(closed ? "this registrar is closed"
            : "this registrar has registered " + path + " already");
      }
      path = target.group() + "/" + self.address();
      try {
        PathUtils.validatePath(path);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the node " + path + " cannot be made (check"
            + " minirpc.server.advertisedHost): " + e.getMessage(), e);
      }
      client = target.newClient();
      client.getConnectionStateListenable().addListener((c, state) -> stateChanged(state));
      client.start();
      boolean registered = false;
      try {
        long timeout = target.connectionTimeout().toMillis();
        if (!client.blockUntilConnected((int) timeout, TimeUnit.MILLISECONDS)) {
          throw new IOException("no ZooKeeper server of " + target.connectString()
              + " answered within " + timeout + " ms (connectionTimeout)");
        }
        if (target.creatorAcl()) {
          secureGroup();
        }
        node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path,
            NodeFormat.write(self));
        node.start();
        if (!node.waitForInitialCreate(timeout, TimeUnit.MILLISECONDS)) {
          throw new IOException("ZooKeeper did not create " + path + " within " + timeout
              + " ms (connectionTimeout); check that this client may create nodes under "
              + target.group() + " (its ACLs: a group made with acl=creator takes only servers"
              + " with its credentials, and acl=creator needs an authenticated session, from"
              + " credentials=FILE, SASL or a TLS client certificate)");
        }
        registered = true;
      } finally {
        if (!registered) {
          // Interrupted, refused or timed out: nothing of this attempt stays behind.
          if (node != null) {
            closeNode(target.connectionTimeout());
            node = null;
          }
          closeClient();
        }
      }
    }
  }

  /**
   * With {@code acl=creator}, makes the group a persistent node with the creator's ACL, unless it
   * exists, and refuses a group that anyone may change. Curator would make it a container node,
   * which ZooKeeper deletes once it is empty, and anyone could then make it again, open.
   */
  private void secureGroup() throws IOException, InterruptedException {
    String group = target.group();
    try {
      try {
        client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(group);
      } catch (KeeperException.NodeExistsException exists) {
        // Made by an earlier server of the group, or by someone else: its ACL says which.
      }
      for (ACL acl : client.getACL().forPath(group)) {
        boolean anyone = ZooDefs.Ids.ANYONE_ID_UNSAFE.equals(acl.getId());
        if (anyone && (acl.getPerms() & ~ZooDefs.Perms.READ) != 0) {
          throw new IOException("the group " + group + " exists and anyone may change it (its"
              + " ACL gives world:anyone more than read), so acl=creator would not protect it."
              + " Give it the creator's ACL (in zkCli, as the group's user: setAcl " + group
              + " auth::cdrwa,world:anyone:r) or name a new group");
        }
      }
    } catch (IOException | InterruptedException e) {
      throw e;
    } catch (KeeperException.NoAuthException e) {
      throw new IOException("this server may not make or read the group " + group + " (NoAuth):"
          + " check that this client may create nodes under " + target.group() + " (its ACLs: a"
          + " group made with acl=creator takes only servers with its credentials)", e);
    } catch (Exception e) {
      throw new IOException("could not make the group " + group + " with the creator's ACL: "
          + e, e);
    }
  }

  private void stateChanged(ConnectionState state) {
    switch (state) {
      case SUSPENDED:
        log.warn("Lost the connection to ZooKeeper {}: this server's node {} stays until the"
            + " session times out ({} ms); reconnecting", target.connectString(), path,
            target.sessionTimeout().toMillis());
        break;
      case LOST:
        log.warn("The ZooKeeper session of this server's node {} ended: clients do not see this"
            + " server until it registers again, as soon as ZooKeeper answers", path);
        break;
      case RECONNECTED:
        log.info("Reconnected to ZooKeeper {}; the node {} is checked and made again if it is"
            + " gone", target.connectString(), path);
        break;
      default:
        break;
    }
  }

  /**
   * Deletes the node, waiting at most the connection timeout: when ZooKeeper does not answer,
   * the node goes when the session ends ({@link #close()} ends it if ZooKeeper can hear it, else
   * ZooKeeper does at the session timeout).
   */
  @Override
  public void deregister() {
    synchronized (lock) {
      if (node != null) {
        closeNode(target.connectionTimeout());
        node = null;
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      deregister();
      closeClient();
    }
  }

  /** The Curator client, for tests that end its session from outside. */
  CuratorFramework client() {
    synchronized (lock) {
      return client;
    }
  }

  private void closeNode(Duration timeout) {
    PersistentNode n = node;
    AtomicBoolean waited = new AtomicBoolean(true);
    boolean done = Bounded.run("minirpc-zookeeper-deregister", timeout, () -> {
      try {
        n.close(); // deletes the node; retried by Curator while ZooKeeper does not answer
      } catch (IOException e) {
        if (waited.get()) { // else the warning below said it, and the client is closed now
          log.warn("Could not delete the ZooKeeper node {}: {}", path, e.toString());
        }
      }
    });
    waited.set(done);
    if (!done) {
      log.warn("ZooKeeper did not confirm the deletion of {} within {} ms: the node goes when"
          + " this server's session ends", path, timeout.toMillis());
    }
  }

  private void closeClient() {
    CuratorFramework c = client;
    client = null;
    if (c != null && !Bounded.run("minirpc-zookeeper-close", target.connectionTimeout(),
        c::close)) {
      log.warn("Closing the ZooKeeper client of {} took more than {} ms; left behind", path,
          target.connectionTimeout().toMillis());
    }
  }
}
