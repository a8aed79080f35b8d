package io.minirpc.runtime;

/**
 * A service a server adds to those it was given when one of its settings asks for it, found
 * through {@link java.util.ServiceLoader} in an optional module: the service listing ({@code
 * io.minirpc:rpc-listing}, turned on by {@code minirpc.server.listing}) is one. Keeping such a
 * feature in its own module keeps it out of servers that do not use it.
 *
 * <p>A module provides one in {@code META-INF/services/io.minirpc.runtime.ServerFeature} (or a
 * {@code provides} clause), with a public constructor that takes no argument.
 */
public interface ServerFeature {
  /** The boolean setting that turns the feature on, such as {@code minirpc.server.listing}. */
  String key();

  /** The interface the feature serves. */
  Class<?> service();

  /**
   * The implementation of {@link #service()} for a server that serves what {@code catalog}
   * describes. Called once, when the server is built.
   */
  Object implementation(ServiceCatalog catalog);
}
