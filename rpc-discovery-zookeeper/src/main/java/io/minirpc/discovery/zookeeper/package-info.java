/**
 * ZooKeeper as a registry of minirpc servers: {@link
 * io.minirpc.discovery.zookeeper.ZooKeeperDiscovery}, found by {@link java.util.ServiceLoader}
 * for {@code zookeeper://} targets.
 */
package io.minirpc.discovery.zookeeper;
