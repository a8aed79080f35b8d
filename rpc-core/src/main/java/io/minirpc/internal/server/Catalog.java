package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.internal.registry.Fingerprints;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.runtime.CurrentCall;
import io.minirpc.runtime.MethodShape;
import io.minirpc.runtime.ServerFeature;
import io.minirpc.runtime.ServiceCatalog;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * What a server serves, for the optional features that describe it ({@link ServerFeature}, such
 * as the listing in {@code rpc-listing}): methods and fingerprints as the handshake has them, and
 * which services a caller may see as its HELLO shows them ({@link ServiceVisibility}).
 */
final class Catalog implements ServiceCatalog {
  private final List<Class<?>> services;
  /** Null: every caller sees every service. */
  private final Authenticator authenticator;

  Catalog(List<Class<?>> services, Authenticator authenticator) {
    this.services = List.copyOf(services);
    this.authenticator = authenticator;
  }

  /**
   * The feature installed for {@code key}, found in minirpc's class loader or the thread's.
   *
   * @throws IllegalStateException naming the module to add when none is installed
   */
  static ServerFeature feature(String key, String module) {
    ServerFeature found = find(key, ServerFeature.class.getClassLoader());
    if (found == null) {
      found = find(key, Thread.currentThread().getContextClassLoader());
    }
    if (found == null) {
      throw new IllegalStateException(key + "=true, but the module that serves it is not on the"
          + " classpath: add the dependency " + module + ", or set " + key + "=false");
    }
    return found;
  }

  private static ServerFeature find(String key, ClassLoader loader) {
    if (loader == null) {
      return null;
    }
    for (ServerFeature f : ServiceLoader.load(ServerFeature.class, loader)) {
      if (f.key().equals(key)) {
        return f;
      }
    }
    return null;
  }

  @Override
  public List<Class<?>> services() {
    return services;
  }

  @Override
  public List<MethodShape> methods(Class<?> service) {
    List<MethodShape> out = new ArrayList<>();
    for (MethodDescriptor d : MethodDescriptor.forService(service)) {
      List<Type> types = new ArrayList<>(d.parameterCount());
      for (int i = 0; i < d.parameterCount(); i++) {
        types.add(d.parameterType(i));
      }
      String signature = Fingerprints.signature(d);
      out.add(new MethodShape(d.key(), d.method(), types, d.resultType(), d.isAsync(), signature,
          Fingerprints.digest(signature, Fingerprints.shapes(d))));
    }
    return List.copyOf(out);
  }

  @Override
  public boolean callerMaySee(String service) {
    if (authenticator == null) {
      return true;
    }
    return CurrentCall.get() instanceof InboundCall call
        && ServiceVisibility.allows(authenticator, call.channel(), service, call.metadata());
  }
}
