package io.minirpc.internal.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every setting of one built client, immutable; see {@link Keys} for what each means and its
 * default. Made by {@link Settings#client()}, which checks each value as it is set; this checks
 * what involves two keys.
 *
 * @param host the server's host, or null if no address was set
 * @param port the server's port, or -1 if no address was set
 * @param ioThreads the number of I/O threads, or 0 for the default (1)
 */
public record ClientConfig(
    List<String> codecs,
    String host,
    int port,
    Duration timeout,
    Duration connectTimeout,
    int maxFrameSize,
    int ioThreads,
    TransportKind transport,
    List<String> allowedClassNames,
    List<Class<?>> allowedClasses,
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
    TlsConfig tls) {

  public ClientConfig {
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
}
