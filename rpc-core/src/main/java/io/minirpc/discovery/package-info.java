/**
 * Where a client finds the servers of a fleet, and how a server announces itself: a small SPI,
 * found with {@link java.util.ServiceLoader} like the codecs, so that a registry (ZooKeeper, etcd,
 * Consul, Nacos) is one more jar on the class path and never a change to the core.
 *
 * <p>A client names its servers with {@code minirpc.address}: a list of {@code host:port}, or a
 * URI whose scheme picks a {@link io.minirpc.discovery.DiscoveryProvider}, such as {@code
 * dns:///orders.internal:4242} (built in) or {@code zookeeper://zk1:2181,zk2:2181/minirpc/orders}
 * ({@code io.minirpc:rpc-discovery-zookeeper}). A server names the registry it joins with {@code
 * minirpc.server.registry}.
 */
package io.minirpc.discovery;
