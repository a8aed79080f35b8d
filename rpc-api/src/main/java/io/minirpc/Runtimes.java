package io.minirpc;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds one of the runtime's builders with {@link ServiceLoader}: {@code io.minirpc:rpc-core}
 * provides {@code RpcClient.Builder} and {@code RpcServer.Builder}, and each {@code builder()}
 * call gets a new one from the provider found. This is how the whole public package lives in
 * {@code rpc-api} while the runtime lives in {@code rpc-core}, with no cycle between the jars.
 *
 * <p>The provider the API's own class loader sees is looked up once and kept: it is the same for
 * every caller (the usual case, and the module path). One that only the caller's context class
 * loader sees (an application server or a fat jar that loads the API and the runtime apart) is
 * looked up on each call, so that each application gets its own runtime and none keeps another's
 * class loader alive.
 *
 * @param <B> the builder's type
 */
final class Runtimes<B> {
  private final Class<B> type;
  /** The provider the API's loader sees, once found. */
  private volatile ServiceLoader.Provider<B> shared;

  Runtimes(Class<B> type) {
    this.type = type;
  }

  /** A new builder from the runtime. */
  B make() {
    ServiceLoader.Provider<B> p = shared;
    if (p == null) {
      ServiceConfigurationError broken = null;
      try {
        p = first(Runtimes.class.getClassLoader());
      } catch (ServiceConfigurationError e) {
        broken = e;
      }
      if (p != null) {
        shared = p;
      } else {
        p = fromContext(broken);
      }
    }
    try {
      return p.get(); // a new builder each time: the provider has a public no-arg constructor
    } catch (ServiceConfigurationError e) {
      throw unusable(e);
    }
  }

  private ServiceLoader.Provider<B> fromContext(ServiceConfigurationError broken) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null && context != Runtimes.class.getClassLoader()) {
      try {
        ServiceLoader.Provider<B> p = first(context);
        if (p != null) {
          return p;
        }
      } catch (ServiceConfigurationError e) {
        throw unusable(broken != null ? broken : e);
      }
    }
    if (broken != null) {
      throw unusable(broken);
    }
    throw new IllegalStateException("No minirpc runtime found for " + type.getCanonicalName()
        + ": add io.minirpc:rpc-core (and a codec, io.minirpc:rpc-codec-json or"
        + " io.minirpc:rpc-codec-binary) to the application's dependencies. io.minirpc:rpc-api"
        + " alone holds only what a service interface needs");
  }

  private ServiceLoader.Provider<B> first(ClassLoader loader) {
    Iterator<ServiceLoader.Provider<B>> found = ServiceLoader.load(type, loader).stream().iterator();
    return found.hasNext() ? found.next() : null;
  }

  private static IllegalStateException unusable(ServiceConfigurationError e) {
    return new IllegalStateException("The minirpc runtime could not be loaded: " + e.getMessage()
        + ". Check that io.minirpc:rpc-core has the same version as io.minirpc:rpc-api", e);
  }
}
