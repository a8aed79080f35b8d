package io.minirpc.internal.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * The InvocationHandler behind every proxy: remote methods go to the client, default methods and
 * the methods of {@code Object} run locally.
 */
final class ServiceProxy implements InvocationHandler {
  private static final Object[] NO_ARGS = new Object[0];

  private final ClientRuntime client;
  private final Map<Method, ClientMethod> methods;
  private final String description;

  ServiceProxy(ClientRuntime client, Map<Method, ClientMethod> methods, String description) {
    this.client = client;
    this.methods = methods;
    this.description = description;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    ClientMethod remote = methods.get(method);
    Object[] a = args == null ? NO_ARGS : args;
    if (remote != null) {
      return remote.descriptor().isAsync()
          ? client.callAsync(remote, a)
          : client.callBlocking(remote, a);
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    switch (method.getName()) {
      case "equals":
        return a.length == 1 && proxy == a[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return description;
      default:
        throw new IllegalStateException("minirpc proxy has no handler for " + method);
    }
  }
}
