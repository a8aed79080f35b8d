/** Finding {@code DiscoveryProvider}s, and the DNS provider built into the core. */
package io.minirpc.internal.discovery;
