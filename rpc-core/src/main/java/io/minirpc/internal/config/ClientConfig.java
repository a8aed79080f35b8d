package io.minirpc.internal.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every setting of one built client, immutable; see {@link Keys} for what each means and its
 * default. Made by {@link Settings#client()}, which checks each value as it is set; this checks
 * what involves two keys.
 *
 * @param target the servers, or null if no address was set
 * @param ioThreads the number of I/O threads, or 0 for the default (1)
 * @param maxResponseMemory bytes decoding responses may allocate at once, or 0 for the default
 *     (a quarter of the maximum heap)
 */
public record ClientConfig(
    List<String> codecs,
    Target target,
    Duration timeout,
    Duration connectTimeout,
    int maxFrameSize,
    int ioThreads,
    TransportKind transport,
    List<String> allowedClassNames,
    List<Class<?>> allowedClasses,
    String compression,
    int compressionMinSize,
    Map<String, String> metadata,
    boolean propagateDeadline,
    int connections,
    Duration heartbeatInterval,
    Duration idleTimeout,
    Duration initialBackoff,
    Duration maxBackoff,
    boolean waitForReady,
    int maxInFlight,
    boolean failWhenBusy,
    int maxQueuedCalls,
    long maxQueuedBytes,
    long maxResponseMemory,
    int maxServerHelloSize,
    BalancerKind loadBalancer,
    int subsetSize,
    int maxAttempts,
    Duration retryBackoff,
    double retryBudget,
    int ejectionFailures,
    Duration ejectionTime,
    int ejectionMaxPercent,
    boolean allowInsecureCredentials,
    TlsConfig tls) {

  public ClientConfig {
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
    codecs = List.copyOf(codecs);
    allowedClassNames = List.copyOf(allowedClassNames);
    allowedClasses = List.copyOf(allowedClasses);
    metadata = Settings.ordered(metadata);
    // A ping interval must leave room for at least one missed ping before the idle timeout.
    if (heartbeatInterval.compareTo(idleTimeout) >= 0) {
      throw new IllegalArgumentException(
          Keys.HEARTBEAT_INTERVAL.name() + " (" + heartbeatInterval + ") must be shorter than "
              + Keys.IDLE_TIMEOUT.name() + " (" + idleTimeout + "), or a healthy idle connection"
              + " would be closed");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maximum reconnect backoff (" + maxBackoff
          + ") is shorter than the initial backoff (" + initialBackoff + ")");
    }
  }

  /** The host of the first fixed server, or null for a discovery URI or no address. */
  public String host() {
    return target == null || target.addresses().isEmpty() ? null
        : target.addresses().get(0).host();
  }

  /** The port of the first fixed server, or -1 for a discovery URI or no address. */
  public int port() {
    return target == null || target.addresses().isEmpty() ? -1
        : target.addresses().get(0).port();
  }
}
