package io.minirpc.internal.config;

import static io.minirpc.internal.config.Side.SERVER;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How long a server lets a connection, and a client's stream, stay: the server's settings of
 * time, after {@link ServerKeys} in the configuration table ({@link KeyTable}).
 */
public final class LifetimeKeys {
  private static final List<Object> TABLE = new ArrayList<>();

  public static final Key<Duration> HANDSHAKE_TIMEOUT =
      Key.define("minirpc.server.handshakeTimeout", SERVER, ValueType.DURATION,
              Duration.ofSeconds(10))
          .builder("handshakeTimeout(Duration)")
          .meaning("a connection whose HELLO has not arrived this long after it opened is closed"
              + " (the idle timeout applies after the handshake); with an authenticator, one not"
              + " authenticated by then gets GOAWAY and is closed")
          .check(d -> KeyChecks.positive(d, "handshakeTimeout"))
          .register(TABLE);

  public static final Key<Duration> MAX_CONNECTION_IDLE =
      Key.define("minirpc.server.maxConnectionIdle", SERVER, ValueType.DURATION,
              Duration.ofMinutes(5))
          .builder("maxConnectionIdle(Duration)")
          .meaning("a connection with no call open and no request for this long (PINGs do not"
              + " count) gets GOAWAY and is closed; a minirpc client opens a new one for its next"
              + " call. 0 for never")
          .check(d -> KeyChecks.notNegative(d, "maxConnectionIdle"))
          .register(TABLE);

  public static final Key<Duration> MAX_CONNECTION_AGE =
      Key.define("minirpc.server.maxConnectionAge", SERVER, ValueType.DURATION, Duration.ZERO)
          .defaultText("0 (never)")
          .builder("maxConnectionAge(Duration, grace)")
          .meaning("a connection older than this (±10% jitter) gets GOAWAY, and is closed once its"
              + " open calls end or `minirpc.server.maxConnectionAgeGrace` passes; the client"
              + " reconnects. 0 for never")
          .check(d -> KeyChecks.notNegative(d, "maxConnectionAge"))
          .register(TABLE);

  public static final Key<Duration> MAX_CONNECTION_AGE_GRACE =
      Key.define("minirpc.server.maxConnectionAgeGrace", SERVER, ValueType.DURATION,
              Duration.ofSeconds(30))
          .builder("maxConnectionAge(Duration, grace)")
          .meaning("how long calls open at a GOAWAY for age, idleness or room may still take;"
              + " then the connection is closed")
          .check(d -> KeyChecks.notNegative(d, "maxConnectionAgeGrace"))
          .register(TABLE);

  public static final Key<Duration> MAX_STREAM_IDLE =
      Key.define("minirpc.server.maxStreamIdle", SERVER, ValueType.DURATION,
              Duration.ofSeconds(60))
          .builder("maxStreamIdle(Duration)")
          .meaning("how long a method that blocks its worker on a client's stream (a blocking"
              + " iterator) waits for the client's next item once it granted credit for it;"
              + " then the stream ends `TIMEOUT` for the method, which frees the worker. A"
              + " method that reads its stream asynchronously holds no worker, and is not cut."
              + " 0 for never")
          .check(d -> KeyChecks.notNegative(d, "maxStreamIdle"))
          .register(TABLE);

  private LifetimeKeys() {}

  /** These keys, in the table's order. */
  static List<Object> table() {
    return Collections.unmodifiableList(TABLE);
  }
}
