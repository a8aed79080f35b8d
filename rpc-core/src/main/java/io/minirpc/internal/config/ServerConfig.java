package io.minirpc.internal.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every setting of one built server, immutable: a view of the key table ({@link Keys}), which
 * says what each means and its default. Made by {@link Settings#server()}; this checks what
 * involves two keys. A setting needs no component here: read it with {@link #get}; the accessors
 * below name the common ones.
 */
public final class ServerConfig {
  private final Map<Key<?>, Object> values;
  private final List<Class<?>> allowedClasses;
  private final Map<String, Double> rateLimits;
  private final Map<String, String> attributes;
  private final TlsConfig tls;

  /**
   * @param values every key's value, defaults included
   * @param allowedClasses the classes of {@code minirpc.codec.allow}, loaded
   * @param rateLimits calls per second by target ({@code service} or {@code service#method}), in
   *     the order they were set
   * @param tls the TLS settings, resolved
   */
  ServerConfig(Map<Key<?>, Object> values, List<Class<?>> allowedClasses,
      Map<String, Double> rateLimits, TlsConfig tls) {
    this.values = values;
    this.allowedClasses = List.copyOf(allowedClasses);
    this.rateLimits = ordered(rateLimits);
    this.attributes = ordered(get(ServerKeys.ATTRIBUTES));
    this.tls = tls;
    if (transport() == TransportKind.LOCAL) {
      if (host() == null) {
        throw new IllegalArgumentException(Keys.TRANSPORT.name() + "=local binds a name in this"
            + " JVM instead of a port: set " + ServerKeys.HOST.name() + " to it (host(\"orders\")),"
            + " and call it with " + Keys.ADDRESS.name() + "=local:orders");
      }
      if (tls.on()) {
        throw new IllegalArgumentException(Keys.TLS.name() + " is on, but "
            + Keys.TRANSPORT.name() + "=local has no TLS (its bytes never leave the JVM). Turn"
            + " TLS off for this server, or serve it over TCP");
      }
      if (registry() != null) {
        throw new IllegalArgumentException(ServerKeys.SERVER_REGISTRY.name() + " publishes a host and"
            + " a port, but a server on " + Keys.TRANSPORT.name() + "=local has neither: remove"
            + " the registry, or serve over TCP");
      }
    }
  }

  /** The value of {@code key} for this server: its setting, else its default. */
  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    return (T) values.get(key);
  }

  /** The classes of {@code minirpc.codec.allow}, loaded. */
  public List<Class<?>> allowedClasses() {
    return allowedClasses;
  }

  /** Calls per second by target ({@code service} or {@code service#method}), in order set. */
  public Map<String, Double> rateLimits() {
    return rateLimits;
  }

  /** The attributes published with the server in its registry, in the order they were set. */
  public Map<String, String> attributes() {
    return attributes;
  }

  public TlsConfig tls() {
    return tls;
  }

  public List<String> codecs() {
    return get(ServerKeys.CODECS);
  }

  /** the local address to bind, or null for every interface; with the local transport, the name to bind, required */
  public String host() {
    return get(ServerKeys.HOST);
  }

  public int port() {
    return get(ServerKeys.PORT);
  }

  public int maxFrameSize() {
    return get(Keys.MAX_FRAME_SIZE);
  }

  /** the number of I/O threads, or 0 for the default (the number of processors) */
  public int ioThreads() {
    return get(Keys.IO_THREADS);
  }

  public TransportKind transport() {
    return get(Keys.TRANSPORT);
  }

  public List<String> allowedClassNames() {
    return get(Keys.ALLOW);
  }

  public int compressionMinSize() {
    return get(Keys.COMPRESSION_MIN_SIZE);
  }

  public int serverThreads() {
    return get(ServerKeys.SERVER_THREADS);
  }

  public int serverQueue() {
    return get(ServerKeys.SERVER_QUEUE);
  }

  public Duration gracePeriod() {
    return get(ServerKeys.GRACE_PERIOD);
  }

  public boolean sendStackTraces() {
    return get(ServerKeys.SEND_STACK_TRACES);
  }

  public Duration idleTimeout() {
    return get(Keys.IDLE_TIMEOUT);
  }

  public int maxCallsPerConnection() {
    return get(ServerKeys.MAX_CALLS_PER_CONNECTION);
  }

  /** calls the server may have open at once, or 0 for the default (one per 2 KiB of maxMemory) */
  public int maxCalls() {
    return get(ServerKeys.MAX_CALLS);
  }

  public boolean directExecutor() {
    return get(ServerKeys.DIRECT_EXECUTOR);
  }

  public long maxQueuedBytes() {
    return get(ServerKeys.SERVER_MAX_QUEUED_BYTES);
  }

  /** bytes requests may hold in the server, or 0 for the default (derived from the JVM's limits) */
  public long maxMemory() {
    return get(ServerKeys.MAX_MEMORY);
  }

  /** bytes one connection's requests may hold, or 0 for the default (half of maxMemory) */
  public long maxConnectionMemory() {
    return get(ServerKeys.MAX_CONNECTION_MEMORY);
  }

  /** bytes one client host holding more may not take while another host below it waits, or 0 for the default (half of maxMemory) */
  public long maxAddressMemory() {
    return get(ServerKeys.MAX_ADDRESS_MEMORY);
  }

  /** worker threads one connection may hold, or 0 for the default (half of serverThreads) */
  public int maxRunningPerConnection() {
    return get(ServerKeys.MAX_RUNNING_PER_CONNECTION);
  }

  public int maxConnections() {
    return get(ServerKeys.MAX_CONNECTIONS);
  }

  public int maxConnectionsPerAddress() {
    return get(ServerKeys.MAX_CONNECTIONS_PER_ADDRESS);
  }

  public int connectionRatePerAddress() {
    return get(ServerKeys.CONNECTION_RATE_PER_ADDRESS);
  }

  public Duration handshakeTimeout() {
    return get(LifetimeKeys.HANDSHAKE_TIMEOUT);
  }

  /** how long a connection may go without a call; zero for ever */
  public Duration maxConnectionIdle() {
    return get(LifetimeKeys.MAX_CONNECTION_IDLE);
  }

  /** how long a connection may live; zero for ever */
  public Duration maxConnectionAge() {
    return get(LifetimeKeys.MAX_CONNECTION_AGE);
  }

  public Duration maxConnectionAgeGrace() {
    return get(LifetimeKeys.MAX_CONNECTION_AGE_GRACE);
  }

  /** how long a method blocked on a client's stream waits for an item; zero for ever */
  public Duration maxStreamIdle() {
    return get(LifetimeKeys.MAX_STREAM_IDLE);
  }

  public int maxPreHelloFrameSize() {
    return get(ServerKeys.MAX_PRE_HELLO_FRAME_SIZE);
  }

  public int maxMetadataSize() {
    return get(ServerKeys.MAX_METADATA_SIZE);
  }

  public int maxMetadataEntries() {
    return get(ServerKeys.MAX_METADATA_ENTRIES);
  }

  public int maxPingsPerSecond() {
    return get(ServerKeys.MAX_PINGS_PER_SECOND);
  }

  public int maxCancelsPerSecond() {
    return get(ServerKeys.MAX_CANCELS_PER_SECOND);
  }

  public String bearerTokens() {
    return get(ServerKeys.BEARER_TOKENS);
  }

  public int maxAuthFailuresPerConnection() {
    return get(ServerKeys.MAX_AUTH_FAILURES_PER_CONNECTION);
  }

  public int maxAuthFailuresPerSecond() {
    return get(ServerKeys.MAX_AUTH_FAILURES_PER_SECOND);
  }

  public boolean errorDetails() {
    return get(ServerKeys.ERROR_DETAILS);
  }

  /** the registry to join, or null for none */
  public URI registry() {
    return get(ServerKeys.SERVER_REGISTRY);
  }

  /** the host to publish in the registry, or null to choose one at start */
  public String advertisedHost() {
    return get(ServerKeys.ADVERTISED_HOST);
  }

  public int weight() {
    return get(ServerKeys.WEIGHT);
  }

  public Duration deregisterDelay() {
    return get(ServerKeys.DEREGISTER_DELAY);
  }

  /** whether the server serves {@code io.minirpc.listing.ServiceListing} */
  public boolean listing() {
    return get(ServerKeys.LISTING);
  }

  private static <K, V> Map<K, V> ordered(Map<K, V> map) {
    return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }
}
