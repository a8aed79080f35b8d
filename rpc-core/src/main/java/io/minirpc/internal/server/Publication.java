package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.discovery.DiscoveryProvider;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.discovery.ServerRegistrar;
import io.minirpc.internal.config.ServerKeys;
import io.minirpc.internal.registry.DiscoveryProviders;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's entry in the registry of {@code minirpc.server.registry}: made when the server is
 * built (so a missing provider or a malformed URI fails {@code build()}), published once it
 * listens, withdrawn first thing when it closes.
 */
final class Publication {
  private static final Logger log = LoggerFactory.getLogger(Publication.class);

  private final String where;
  private final ServerRegistrar registrar;
  private volatile ServerInstance published;

  private Publication(String where, ServerRegistrar registrar) {
    this.where = where;
    this.registrar = registrar;
  }

  /**
   * The publication in {@code target}, not yet registered; null when {@code target} is null.
   *
   * @throws IllegalStateException if no provider handles the URI's scheme, naming the artifact
   * @throws IllegalArgumentException if the provider refuses the URI, saying why
   */
  static Publication of(URI target) {
    if (target == null) {
      return null;
    }
    DiscoveryProvider provider =
        DiscoveryProviders.forScheme(target.getScheme(), ServerKeys.SERVER_REGISTRY.name());
    String where = describe(target);
    ServerRegistrar registrar;
    try {
      registrar = provider.registrar(target);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      throw new IllegalArgumentException(
          ServerKeys.SERVER_REGISTRY.name() + " = " + where + ": " + e.getMessage(), e);
    }
    return new Publication(where, registrar);
  }

  /**
   * The target for messages and logs: scheme, authority and path, without user information or
   * query, either of which may hold a secret.
   */
  static String describe(URI target) {
    String authority = target.getRawAuthority();
    if (authority != null && authority.indexOf('@') >= 0) {
      authority = authority.substring(authority.lastIndexOf('@') + 1);
    }
    return target.getScheme() + "://" + (authority == null ? "" : authority)
        + (target.getRawPath() == null ? "" : target.getRawPath());
  }

  /**
   * Publishes {@code self}, returning once it is published.
   *
   * @throws RpcException with code UNAVAILABLE, saying what to check, if it could not be
   */
  void register(ServerInstance self) {
    try {
      registrar.register(self);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new RpcException(RpcException.Code.UNAVAILABLE,
          "Could not register the minirpc server " + self.address() + " in " + where + ": "
              + e.getMessage() + ". Check that the registry is up and reachable from this"
              + " machine and that " + ServerKeys.SERVER_REGISTRY.name() + " names it; the server did"
              + " not start", e);
    }
    published = self;
    log.info("minirpc server {} registered in {} (weight {}{})", self.address(), where,
        self.weight(), self.attributes().isEmpty() ? "" : ", attributes " + self.attributes());
  }

  /** Withdraws the publication; returns within a few seconds whatever the registry does. */
  void deregister() {
    ServerInstance self = published;
    published = null;
    if (self == null) {
      return;
    }
    try {
      registrar.deregister();
      log.info("minirpc server {} deregistered from {}", self.address(), where);
    } catch (RuntimeException e) {
      log.warn("Could not deregister the minirpc server {} from {}: {}. Clients see it leave"
          + " when the registry notices (a ZooKeeper session ends at its timeout)",
          self.address(), where, e.toString());
    }
  }

  /** Frees the registrar; never throws. */
  void close() {
    try {
      registrar.close();
    } catch (RuntimeException e) {
      log.warn("Closing the registrar of {} failed: {}", where, e.toString());
    }
  }
}
