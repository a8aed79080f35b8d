package io.minirpc.metrics;

/**
 * Why a server refused a request before it ran, for {@link RpcObserver#refused}: one constant per
 * limit or check, each named after the setting that holds it.
 */
public enum Refusal {
  /** A rate limit of the service or method ({@code @RateLimit}, {@code minirpc.server.rateLimit.*}). */
  RATE_LIMIT,
  /** The connection had {@code minirpc.server.maxCallsPerConnection} calls in flight. */
  CALLS_PER_CONNECTION,
  /** Requests waiting for a worker held {@code minirpc.server.maxQueuedBytes}. */
  QUEUED_BYTES,
  /** Every worker was busy and the queue full ({@code minirpc.server.threads}, {@code .queue}). */
  WORKER_QUEUE,
  /** The memory budget had no room for the request ({@code minirpc.server.maxMemory}, {@code
   * maxConnectionMemory}). */
  MEMORY,
  /** The request carried too much metadata ({@code minirpc.server.maxMetadataSize}, {@code
   * maxMetadataEntries}). */
  METADATA,
  /** A new connection over {@code minirpc.server.maxConnections} or {@code
   * maxConnectionsPerAddress}, closed when accepted. */
  CONNECTION_LIMIT,
  /** The server was shutting down. */
  SHUTTING_DOWN,
  /** The authenticator refused the request, or the request was too large before authentication. */
  AUTHENTICATION,
  /** The service or method is not registered. */
  NOT_FOUND,
  /** The request's codec is not one the server speaks. */
  CODEC,
  /** The server had {@code minirpc.server.maxCalls} calls open. */
  CALLS
}
