package io.minirpc.discovery;

import java.net.URI;

/**
 * A kind of registry, named by a URI scheme: it makes the {@link NameResolver} of a client and,
 * when the registry lets servers register, the {@link ServerRegistrar} of a server.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/io.minirpc.discovery.DiscoveryProvider}. They need a public no-argument
 * constructor, must be thread-safe, and must not connect anywhere until a resolver or registrar
 * is started.
 */
public interface DiscoveryProvider {
  /** The URI scheme this provider handles, in lower case: {@code "zookeeper"}. */
  String scheme();

  /**
   * A resolver for {@code target}, not yet started.
   *
   * @param target the client's {@code minirpc.address}, with this provider's scheme
   * @throws IllegalArgumentException if the target is malformed, saying what is expected
   */
  NameResolver resolver(URI target);

  /**
   * A registrar for {@code target}, not yet started. By default a provider cannot register
   * servers (DNS, for example, is written by someone else).
   *
   * @param target the server's {@code minirpc.server.registry}, with this provider's scheme
   * @throws IllegalArgumentException if the target is malformed, saying what is expected
   * @throws UnsupportedOperationException if servers cannot register with this kind of registry
   */
  default ServerRegistrar registrar(URI target) {
    throw new UnsupportedOperationException(
        "servers cannot register themselves with " + scheme() + ": registries; remove"
            + " minirpc.server.registry, or use a registry that servers write to");
  }
}
