package io.minirpc.health;

/**
 * The statuses a server's {@link Health} service reports, set by the application. Get it from
 * {@code RpcServer.health()}:
 *
 * <pre>{@code
 * server.health().set(Orders.class, HealthStatus.NOT_SERVING);   // its database is down
 * server.health().set(HealthStatus.NOT_SERVING);                 // the whole server, for maintenance
 * }</pre>
 *
 * <p>The server's own status and each service's are independent: setting one leaves the others
 * alone. Every status starts {@link HealthStatus#SERVING}; set them before {@code start()} to start
 * otherwise. Once the server's {@code close()} has started, every status is {@link
 * HealthStatus#NOT_SERVING} for good and further changes are ignored. Thread-safe; watchers are
 * answered at once. Implemented by minirpc only.
 */
public interface ServerHealth {
  /** Sets the status of the whole server, what {@code check(Health.SERVER)} answers. */
  void set(HealthStatus status);

  /**
   * Sets the status of one registered service.
   *
   * @throws IllegalArgumentException if {@code service} is not registered on this server
   */
  void set(Class<?> service, HealthStatus status);

  /** The status of the whole server. */
  HealthStatus get();

  /**
   * The status of one registered service.
   *
   * @throws IllegalArgumentException if {@code service} is not registered on this server
   */
  HealthStatus get(Class<?> service);
}
