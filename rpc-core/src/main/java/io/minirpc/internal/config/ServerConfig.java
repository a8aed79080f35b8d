package io.minirpc.internal.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every setting of one built server, immutable; see {@link Keys} for what each means and its
 * default. Made by {@link Settings#server()}.
 *
 * @param host the local address to bind, or null for every interface; with the local transport,
 *     the name to bind, required
 * @param ioThreads the number of I/O threads, or 0 for the default (the number of processors)
 * @param maxRunningPerConnection worker threads one connection may hold, or 0 for the default
 *     (half of serverThreads)
 * @param maxMemory bytes requests may hold in the server, or 0 for the default (derived from the
 *     JVM's limits)
 * @param maxConnectionMemory bytes one connection's requests may hold, or 0 for the default (half
 *     of maxMemory)
 * @param maxAddressMemory bytes one client host holding more may not take while another host
 *     below it waits, or 0 for the default (half of maxMemory)
 * @param maxCalls calls the server may have open at once, or 0 for the default (one per 2 KiB of
 *     maxMemory)
 * @param listing whether the server serves {@code io.minirpc.listing.ServiceListing}
 * @param rateLimits calls per second by target ({@code service} or {@code service#method}), in the
 *     order they were set
 * @param registry the registry to join, or null for none
 * @param advertisedHost the host to publish in the registry, or null to choose one at start
 * @param maxConnectionIdle how long a connection may go without a call; zero for ever
 * @param maxConnectionAge how long a connection may live; zero for ever
 */
public record ServerConfig(
    List<String> codecs,
    String host,
    int port,
    int maxFrameSize,
    int ioThreads,
    TransportKind transport,
    List<String> allowedClassNames,
    List<Class<?>> allowedClasses,
    int compressionMinSize,
    int serverThreads,
    int serverQueue,
    Duration gracePeriod,
    boolean sendStackTraces,
    Duration idleTimeout,
    int maxCallsPerConnection,
    int maxCalls,
    Map<String, Double> rateLimits,
    boolean directExecutor,
    long maxQueuedBytes,
    long maxMemory,
    long maxConnectionMemory,
    long maxAddressMemory,
    int maxRunningPerConnection,
    int maxConnections,
    int maxConnectionsPerAddress,
    int connectionRatePerAddress,
    Duration handshakeTimeout,
    Duration maxConnectionIdle,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace,
    int maxPreHelloFrameSize,
    int maxMetadataSize,
    int maxMetadataEntries,
    int maxPingsPerSecond,
    int maxCancelsPerSecond,
    TlsConfig tls,
    String bearerTokens,
    int maxAuthFailuresPerConnection,
    int maxAuthFailuresPerSecond,
    boolean errorDetails,
    URI registry,
    String advertisedHost,
    int weight,
    Map<String, String> attributes,
    Duration deregisterDelay,

    boolean listing) {

  public ServerConfig {
    if (transport == TransportKind.LOCAL) {
      if (host == null) {
        throw new IllegalArgumentException(Keys.TRANSPORT.name() + "=local binds a name in this"
            + " JVM instead of a port: set " + Keys.HOST.name() + " to it (host(\"orders\")),"
            + " and call it with " + Keys.ADDRESS.name() + "=local:orders");
      }
      if (tls.on()) {
        throw new IllegalArgumentException(Keys.TLS.name() + " is on, but "
            + Keys.TRANSPORT.name() + "=local has no TLS (its bytes never leave the JVM). Turn"
            + " TLS off for this server, or serve it over TCP");
      }
      if (registry != null) {
        throw new IllegalArgumentException(Keys.SERVER_REGISTRY.name() + " publishes a host and"
            + " a port, but a server on " + Keys.TRANSPORT.name() + "=local has neither: remove"
            + " the registry, or serve over TCP");
      }
    }
    codecs = List.copyOf(codecs);
    allowedClassNames = List.copyOf(allowedClassNames);
    allowedClasses = List.copyOf(allowedClasses);
    rateLimits = Settings.ordered(rateLimits);
    attributes = Settings.ordered(attributes);
  }
}
