package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.RpcServer;
import io.minirpc.ServerInterceptor;
import io.minirpc.auth.BearerTokenAuthenticator;
import io.minirpc.health.Health;
import io.minirpc.health.ServerHealth;
import io.minirpc.interceptors.ObservingInterceptor;
import io.minirpc.internal.config.ServerConfig;
import io.minirpc.internal.registry.AllowedClasses;
import io.minirpc.metrics.RpcObserver;
import io.minirpc.runtime.ServerFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of the {@link RpcServer} that {@link ServerBuilder} builds: the {@link ServerRuntime}
 * that serves the application's services and the built-in ones (health, and the listing when
 * asked), the health statuses it reports, and the observer told once it has started.
 */
final class Server implements RpcServer.Engine {
  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

  private final ServerRuntime runtime;
  /** Told when the server starts; null for none. */
  private final RpcObserver observer;
  private final HealthService health;

  private Server(ServerRuntime runtime, RpcObserver observer, HealthService health) {
    this.runtime = runtime;
    this.observer = observer;
    this.health = health;
  }

  /**
   * A server of {@code registrations} and the built-in services.
   *
   * @param authenticator the application's, or null for the bearer tokens of the configuration
   *     (or none)
   * @param observer null for none
   */
  static Server of(ServerConfig config, List<Registration> registrations,
      List<ServerInterceptor> interceptors, Authenticator authenticator, RpcObserver observer) {
    Authenticator auth = authenticator != null ? authenticator
        : config.bearerTokens() != null
            ? BearerTokenAuthenticator.fromFile(Path.of(config.bearerTokens()))
            : null;
    List<ServerInterceptor> chain = new ArrayList<>();
    if (observer != null) {
      chain.add(new ObservingInterceptor(observer));
    }
    chain.addAll(interceptors);
    List<Registration> served = new ArrayList<>(registrations);
    List<String> names = new ArrayList<>();
    List<Class<?>> listed = new ArrayList<>();
    for (Registration r : registrations) {
      names.add(r.service().getName());
      listed.add(r.service());
    }
    HealthService health = new HealthService(names);
    served.add(new Registration(Health.class, health));
    if (config.listing()) {
      ServerFeature listing = Catalog.feature("minirpc.server.listing", "io.minirpc:rpc-listing");
      listed.add(Health.class);
      listed.add(listing.service());
      served.add(new Registration(listing.service(),
          listing.implementation(new Catalog(listed, auth))));
    }
    Set<Class<?>> allowed =
        AllowedClasses.resolve(config.allowedClasses(), config.allowedClassNames());
    return new Server(new ServerRuntime(config, served, allowed, chain, auth, observer), observer,
        health);
  }

  @Override
  public void start(RpcServer server) {
    runtime.start();
    if (observer != null) {
      try {
        observer.serverStarted(server);
      } catch (RuntimeException bug) {
        // As for every observer method: logged, and the server serves on.
        log.error("The observer {} failed", observer.getClass().getName(), bug);
      }
    }
  }

  @Override
  public int port() {
    int port = runtime.port();
    if (port < 0) {
      throw new IllegalStateException("The server is not started: call start() first");
    }
    return port;
  }

  @Override
  public ServerHealth health() {
    return health;
  }

  @Override
  public void close() {
    health.shutdown();
    runtime.close();
  }

  @Override
  public int connectionCount() {
    return runtime.connectionCount();
  }

  @Override
  public long callsInFlight() {
    return runtime.callsInFlight();
  }

  @Override
  public int queuedCalls() {
    return runtime.queuedCalls();
  }

  @Override
  public long memoryInUse() {
    return runtime.memoryInUse();
  }

  @Override
  public String toString() {
    int port = runtime.port();
    return "RpcServer{" + (port < 0 ? "not started" : "port=" + port) + "}";
  }
}
