package io.minirpc;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds one of the runtime's builders with {@link ServiceLoader}, once: {@code io.minirpc:rpc-core}
 * provides {@code RpcClient.Builder} and {@code RpcServer.Builder}, and each {@code builder()}
 * call gets a new one from the provider found. This is how the whole public package lives in
 * {@code rpc-api} while the runtime lives in {@code rpc-core}, with no cycle between the jars.
 *
 * @param <B> the builder's type
 */
final class Runtimes<B> {
  private final Class<B> type;
  private volatile ServiceLoader.Provider<B> provider;

  Runtimes(Class<B> type) {
    this.type = type;
  }

  /** A new builder from the runtime. */
  B make() {
    ServiceLoader.Provider<B> p = provider;
    if (p == null) {
      p = find();
      provider = p;
    }
    return p.get(); // a new builder each time: the provider has a public no-arg constructor
  }

  private ServiceLoader.Provider<B> find() {
    // The API's own loader first (the usual case, and the module path), then the context loader
    // (an application server or a fat jar that loads the API and the runtime apart).
    for (ClassLoader loader : new ClassLoader[] {
        Runtimes.class.getClassLoader(), Thread.currentThread().getContextClassLoader()}) {
      try {
        Iterator<ServiceLoader.Provider<B>> found =
            ServiceLoader.load(type, loader).stream().iterator();
        if (found.hasNext()) {
          return found.next();
        }
      } catch (ServiceConfigurationError e) {
        throw new IllegalStateException("The minirpc runtime could not be loaded: " + e.getMessage()
            + ". Check that io.minirpc:rpc-core has the same version as io.minirpc:rpc-api", e);
      }
    }
    throw new IllegalStateException("No minirpc runtime found for " + type.getCanonicalName()
        + ": add io.minirpc:rpc-core (and a codec, io.minirpc:rpc-codec-json or"
        + " io.minirpc:rpc-codec-binary) to the application's dependencies. io.minirpc:rpc-api"
        + " alone holds only what a service interface needs");
  }
}
