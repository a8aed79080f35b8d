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
    this.rateLimits = Settings.ordered(rateLimits);
    this.attributes = Settings.ordered(get(Keys.ATTRIBUTES));
    this.tls = tls;
    if (transport() == TransportKind.LOCAL) {
      if (host() == null) {
        throw new IllegalArgumentException(Keys.TRANSPORT.name() + "=local binds a name in this"
            + " JVM instead of a port: set " + Keys.HOST.name() + " to it (host(\"orders\")),"
            + " and call it with " + Keys.ADDRESS.name() + "=local:orders");
      }
      if (tls.on()) {
        throw new IllegalArgumentException(Keys.TLS.name() + " is on, but "
            + Keys.TRANSPORT.name() + "=local has no TLS (its bytes never leave the JVM). Turn"
            + " TLS off for this server, or serve it over TCP");
      }
      if (registry() != null) {
        throw new IllegalArgumentException(Keys.SERVER_REGISTRY.name() + " publishes a host and"
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
    return get(Keys.CODECS);
  }

  /** the local address to bind, or null for every interface; with the local transport, the name to bind, required */
  public String host() {
    return get(Keys.HOST);
  }

  public int port() {
    return get(Keys.PORT);
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
    return get(Keys.SERVER_THREADS);
  }

  public int serverQueue() {
    return get(Keys.SERVER_QUEUE);
  }

  public Duration gracePeriod() {
    return get(Keys.GRACE_PERIOD);
  }

  public boolean sendStackTraces() {
    return get(Keys.SEND_STACK_TRACES);
  }

  public Duration idleTimeout() {
    return get(Keys.IDLE_TIMEOUT);
  }

  public int maxCallsPerConnection() {
    return get(Keys.MAX_CALLS_PER_CONNECTION);
  }

  /** calls the server may have open at once, or 0 for the default (one per 2 KiB of maxMemory) */
  public int maxCalls() {
    return get(Keys.MAX_CALLS);
  }

  public boolean directExecutor() {
    return get(Keys.DIRECT_EXECUTOR);
  }

  public long maxQueuedBytes() {
    return get(Keys.SERVER_MAX_QUEUED_BYTES);
  }

  /** bytes requests may hold in the server, or 0 for the default (derived from the JVM's limits) */
  public long maxMemory() {
    return get(Keys.MAX_MEMORY);
  }

  /** bytes one connection's requests may hold, or 0 for the default (half of maxMemory) */
  public long maxConnectionMemory() {
    return get(Keys.MAX_CONNECTION_MEMORY);
  }

  /** bytes one client host holding more may not take while another host below it waits, or 0 for the default (half of maxMemory) */
  public long maxAddressMemory() {
    return get(Keys.MAX_ADDRESS_MEMORY);
  }

  /** worker threads one connection may hold, or 0 for the default (half of serverThreads) */
  public int maxRunningPerConnection() {
    return get(Keys.MAX_RUNNING_PER_CONNECTION);
  }

  public int maxConnections() {
    return get(Keys.MAX_CONNECTIONS);
  }

  public int maxConnectionsPerAddress() {
    return get(Keys.MAX_CONNECTIONS_PER_ADDRESS);
  }

  public int connectionRatePerAddress() {
    return get(Keys.CONNECTION_RATE_PER_ADDRESS);
  }

  public Duration handshakeTimeout() {
    return get(Keys.HANDSHAKE_TIMEOUT);
  }

  /** how long a connection may go without a call; zero for ever */
  public Duration maxConnectionIdle() {
    return get(Keys.MAX_CONNECTION_IDLE);
  }

  /** how long a connection may live; zero for ever */
  public Duration maxConnectionAge() {
    return get(Keys.MAX_CONNECTION_AGE);
  }

  public Duration maxConnectionAgeGrace() {
    return get(Keys.MAX_CONNECTION_AGE_GRACE);
  }

  public int maxPreHelloFrameSize() {
    return get(Keys.MAX_PRE_HELLO_FRAME_SIZE);
  }

  public int maxMetadataSize() {
    return get(Keys.MAX_METADATA_SIZE);
  }

  public int maxMetadataEntries() {
    return get(Keys.MAX_METADATA_ENTRIES);
  }

  public int maxPingsPerSecond() {
    return get(Keys.MAX_PINGS_PER_SECOND);
  }

  public int maxCancelsPerSecond() {
    return get(Keys.MAX_CANCELS_PER_SECOND);
  }

  public String bearerTokens() {
    return get(Keys.BEARER_TOKENS);
  }

  public int maxAuthFailuresPerConnection() {
    return get(Keys.MAX_AUTH_FAILURES_PER_CONNECTION);
  }

  public int maxAuthFailuresPerSecond() {
    return get(Keys.MAX_AUTH_FAILURES_PER_SECOND);
  }

  public boolean errorDetails() {
    return get(Keys.ERROR_DETAILS);
  }

  /** the registry to join, or null for none */
  public URI registry() {
    return get(Keys.SERVER_REGISTRY);
  }

  /** the host to publish in the registry, or null to choose one at start */
  public String advertisedHost() {
    return get(Keys.ADVERTISED_HOST);
  }

  public int weight() {
    return get(Keys.WEIGHT);
  }

  public Duration deregisterDelay() {
    return get(Keys.DEREGISTER_DELAY);
  }

  /** whether the server serves {@code io.minirpc.listing.ServiceListing} */
  public boolean listing() {
    return get(Keys.LISTING);
  }
}
