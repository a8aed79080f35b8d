package io.minirpc.discovery.zookeeper;

import io.minirpc.discovery.DiscoveryProvider;
import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerRegistrar;
import java.net.URI;

/**
 * Servers of a fleet find each other's clients through ZooKeeper: the {@code zookeeper} scheme of
 * {@code minirpc.address} and {@code minirpc.server.registry}. Put this module on the class path
 * of both sides and name one group:
 *
 * <pre>
 * # each server
 * minirpc.server.registry=zookeeper://zk1:2181,zk2:2181,zk3:2181/minirpc/orders
 * # its clients
 * minirpc.address=zookeeper://zk1:2181,zk2:2181,zk3:2181/minirpc/orders
 * </pre>
 *
 * <p>The authority is ZooKeeper's connect string and the path the group's node. A server keeps an
 * ephemeral child of it while it runs ({@code /minirpc/orders/10.0.0.7:4242}), holding a small
 * JSON document: its address, weight, codecs, the fingerprints of its methods and its attributes.
 * The node goes when the server deregisters (first thing in {@code RpcServer.close()}) or when its
 * session ends (a crash: after the session timeout); it comes back by itself when the session is
 * renewed. A client watches the group and always has the whole list; while ZooKeeper cannot be
 * reached it keeps the last one.
 *
 * <p>Options go in the query: {@code sessionTimeout} (default 15 s: how soon a crashed server's
 * node goes; ZooKeeper holds it between twice and twenty times its tick) and {@code
 * connectionTimeout} (default 5 s: how long registering or deregistering waits for ZooKeeper), such
 * as {@code ?sessionTimeout=10s&connectionTimeout=3s}.
 */
public final class ZooKeeperDiscovery implements DiscoveryProvider {
  /** For {@link java.util.ServiceLoader}. */
  public ZooKeeperDiscovery() {}

  /**
   * The scheme of the targets this provider handles.
   *
   * @return {@code "zookeeper"}
   */
  @Override
  public String scheme() {
    return "zookeeper";
  }

  /**
   * A resolver that watches the group of {@code target}; it connects when started.
   *
   * @param target {@code zookeeper://host:port,.../group?options}
   * @return a resolver, not started
   * @throws IllegalArgumentException if {@code target} is malformed, saying what is expected
   */
  @Override
  public NameResolver resolver(URI target) {
    return new ZooKeeperResolver(ZooKeeperTarget.parse(target));
  }

  /**
   * A registrar that keeps a server's node in the group of {@code target}; it connects when the
   * server registers.
   *
   * @param target {@code zookeeper://host:port,.../group?options}
   * @return a registrar, not registered
   * @throws IllegalArgumentException if {@code target} is malformed, saying what is expected
   */
  @Override
  public ServerRegistrar registrar(URI target) {
    return new ZooKeeperRegistrar(ZooKeeperTarget.parse(target));
  }
}
