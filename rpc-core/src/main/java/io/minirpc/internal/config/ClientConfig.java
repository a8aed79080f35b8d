package io.minirpc.internal.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every setting of one built client, immutable: a view of the key table ({@link Keys}), which
 * says what each means and its default. Made by {@link Settings#client()}, which checks each
 * value as it is set; this checks what involves two keys. A setting needs no component here:
 * read it with {@link #get}; the accessors below name the common ones.
 */
public final class ClientConfig {
  private final Map<Key<?>, Object> values;
  private final TransportKind transport;
  private final List<Class<?>> allowedClasses;
  private final Map<String, String> metadata;
  private final TlsConfig tls;
  /** Read on every call: kept apart from the map, whose lookup showed in a client's profile. */
  private final int maxFrameSize;
  private final boolean propagateDeadline;

  /**
   * @param values every key's value, defaults included
   * @param allowedClasses the classes of {@code minirpc.codec.allow}, loaded
   * @param metadata the client's static metadata, in the order it was set
   * @param tls the TLS settings, resolved
   */
  ClientConfig(Map<Key<?>, Object> values, List<Class<?>> allowedClasses,
      Map<String, String> metadata, TlsConfig tls) {
    this.values = values;
    this.allowedClasses = List.copyOf(allowedClasses);
    this.metadata = ordered(metadata);
    this.tls = tls;
    this.maxFrameSize = get(Keys.MAX_FRAME_SIZE);
    this.propagateDeadline = get(Keys.PROPAGATE_DEADLINE);
    Target target = target();
    TransportKind transport = get(Keys.TRANSPORT);
    // A local:NAME address has no socket: it always takes the local transport, whatever
    // minirpc.transport says for sockets; the local transport reaches nothing else.
    if (target != null && target.localName() != null) {
      transport = TransportKind.LOCAL;
      if (tls.on()) {
        throw new IllegalArgumentException(Keys.TLS.name() + " is on, but " + Keys.ADDRESS.name()
            + " = '" + target + "' is a server in this JVM, over the local transport, which"
            + " has no TLS (its bytes never leave the JVM). Turn TLS off for this client, or call"
            + " the server over TCP");
      }
    } else if (transport == TransportKind.LOCAL && target != null) {
      throw new IllegalArgumentException(Keys.TRANSPORT.name() + "=local calls servers in this"
          + " JVM only, but " + Keys.ADDRESS.name() + " = '" + target + "'. Give the server's"
          + " name as local:NAME, or set " + Keys.TRANSPORT.name() + "=auto");
    }
    this.transport = transport;
    // A ping interval must leave room for at least one missed ping before the idle timeout.
    if (heartbeatInterval().compareTo(idleTimeout()) >= 0) {
      throw new IllegalArgumentException(
          Keys.HEARTBEAT_INTERVAL.name() + " (" + heartbeatInterval() + ") must be shorter than "
              + Keys.IDLE_TIMEOUT.name() + " (" + idleTimeout() + "), or a healthy idle connection"
              + " would be closed");
    }
    if (maxBackoff().compareTo(initialBackoff()) < 0) {
      throw new IllegalArgumentException("maximum reconnect backoff (" + maxBackoff()
          + ") is shorter than the initial backoff (" + initialBackoff() + ")");
    }
  }

  /** The value of {@code key} for this client: its setting, else its default. */
  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    return (T) values.get(key);
  }

  /** The transport: {@code minirpc.transport}, or the local one for a {@code local:} address. */
  public TransportKind transport() {
    return transport;
  }

  /** The classes of {@code minirpc.codec.allow}, loaded. */
  public List<Class<?>> allowedClasses() {
    return allowedClasses;
  }

  /** The static metadata every call carries, in the order it was set. */
  public Map<String, String> metadata() {
    return metadata;
  }

  public TlsConfig tls() {
    return tls;
  }

  public List<String> codecs() {
    return get(Keys.CODEC);
  }

  /** the servers, or null if no address was set */
  public Target target() {
    return get(Keys.ADDRESS);
  }

  public Duration timeout() {
    return get(Keys.TIMEOUT);
  }

  public Duration connectTimeout() {
    return get(Keys.CONNECT_TIMEOUT);
  }

  public int maxFrameSize() {
    return maxFrameSize;
  }

  /** the number of I/O threads, or 0 for the default (1) */
  public int ioThreads() {
    return get(Keys.IO_THREADS);
  }

  public List<String> allowedClassNames() {
    return get(Keys.ALLOW);
  }

  public String compression() {
    return get(Keys.COMPRESSION);
  }

  public int compressionMinSize() {
    return get(Keys.COMPRESSION_MIN_SIZE);
  }

  public boolean propagateDeadline() {
    return propagateDeadline;
  }

  public int connections() {
    return get(Keys.CONNECTIONS);
  }

  public Duration heartbeatInterval() {
    return get(Keys.HEARTBEAT_INTERVAL);
  }

  public Duration idleTimeout() {
    return get(Keys.IDLE_TIMEOUT);
  }

  public Duration initialBackoff() {
    return get(Keys.INITIAL_BACKOFF);
  }

  public Duration maxBackoff() {
    return get(Keys.MAX_BACKOFF);
  }

  public boolean waitForReady() {
    return get(Keys.WAIT_FOR_READY);
  }

  public int maxInFlight() {
    return get(Keys.MAX_IN_FLIGHT);
  }

  public boolean failWhenBusy() {
    return get(Keys.FAIL_WHEN_BUSY);
  }

  public int maxQueuedCalls() {
    return get(Keys.MAX_QUEUED_CALLS);
  }

  public long maxQueuedBytes() {
    return get(Keys.MAX_QUEUED_BYTES);
  }

  /** bytes decoding responses may allocate at once, or 0 for the default (a quarter of the maximum heap) */
  public long maxResponseMemory() {
    return get(Keys.MAX_RESPONSE_MEMORY);
  }

  public int maxServerHelloSize() {
    return get(Keys.MAX_SERVER_HELLO_SIZE);
  }

  public BalancerKind loadBalancer() {
    return get(Keys.LOAD_BALANCER);
  }

  public int subsetSize() {
    return get(Keys.SUBSET_SIZE);
  }

  public int maxAttempts() {
    return get(Keys.MAX_ATTEMPTS);
  }

  public Duration retryBackoff() {
    return get(Keys.RETRY_BACKOFF);
  }

  public double retryBudget() {
    return get(Keys.RETRY_BUDGET);
  }

  public int ejectionFailures() {
    return get(Keys.EJECTION_FAILURES);
  }

  public Duration ejectionTime() {
    return get(Keys.EJECTION_TIME);
  }

  public int ejectionMaxPercent() {
    return get(Keys.EJECTION_MAX_PERCENT);
  }

  public boolean allowInsecureCredentials() {
    return get(Keys.ALLOW_INSECURE_CREDENTIALS);
  }

  /** The host of the first fixed server, or null for a discovery URI or no address. */
  public String host() {
    Target target = target();
    return target == null || target.addresses().isEmpty() ? null
        : target.addresses().get(0).host();
  }

  /** The port of the first fixed server, or -1 for a discovery URI or no address. */
  public int port() {
    Target target = target();
    return target == null || target.addresses().isEmpty() ? -1
        : target.addresses().get(0).port();
  }

  private static <K, V> Map<K, V> ordered(Map<K, V> map) {
    return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }
}
