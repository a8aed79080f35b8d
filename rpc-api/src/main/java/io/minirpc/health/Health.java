package io.minirpc.health;

import java.util.concurrent.CompletableFuture;

/**
 * The health service every {@code RpcServer} serves: whether the server as a whole, and each of
 * its services, should get calls. Call it through a proxy like any service:
 *
 * <pre>{@code
 * Health health = client.proxy(Health.class);
 * HealthStatus now = health.check(Health.SERVER);                   // the whole server
 * HealthStatus orders = health.check("com.example.Orders");         // one service
 * // Watch: answered as soon as the status differs from the one given, or after 30 s at most.
 * health.await("com.example.Orders", orders, 30_000).thenAccept(...);
 * }</pre>
 *
 * <p>Statuses start {@link HealthStatus#SERVING}; the application changes them with {@code
 * RpcServer.health()} (see {@link ServerHealth}), and the server turns every one to {@link
 * HealthStatus#NOT_SERVING} as soon as {@code close()} starts, before it drains its calls, so that
 * a watcher learns at once that it should go elsewhere.
 *
 * <p>Health is a service like the others: with an {@code Authenticator}, its calls are
 * authenticated too (as gRPC's health service is), and a caller without credentials gets {@code
 * UNAUTHENTICATED}. {@code BearerTokenAuthenticator} lets every token it knows call it, whatever
 * services the token is limited to, so that a token need not list it.
 */
public interface Health {
  /** The name that stands for the whole server: {@code ""}. */
  String SERVER = "";

  /**
   * The status now of {@code service} (a binary interface name, {@code com.example.Orders}), or
   * of the whole server for {@link #SERVER}.
   *
   * @throws io.minirpc.RpcException with code {@code NOT_FOUND} if the server has no such service
   */
  HealthStatus check(String service);

  /**
   * Waits, without holding a server thread, until the status of {@code service} differs from
   * {@code lastKnown}, and answers the new one; or answers the current status (then equal to
   * {@code lastKnown}) after {@code maxWaitMillis} (at most five minutes, however long is asked),
   * or a little before the call's own deadline, whichever comes first. A {@code null} {@code
   * lastKnown} is answered at once. Call it again with each answer to follow the status.
   *
   * @throws io.minirpc.RpcException with code {@code NOT_FOUND} if the server has no such
   *     service; with code {@code RESOURCE_EXHAUSTED} if the connection already has 16 watches
   *     waiting
   */
  CompletableFuture<HealthStatus> await(String service, HealthStatus lastKnown,
      long maxWaitMillis);
}
