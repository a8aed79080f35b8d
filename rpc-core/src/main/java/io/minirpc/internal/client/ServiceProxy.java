package io.minirpc.internal.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The InvocationHandler behind every proxy: remote methods go to the client, default methods and
 * the methods of {@code Object} run locally.
 */
final class ServiceProxy implements InvocationHandler {
  private static final Object[] NO_ARGS = new Object[0];

  private final RemoteCalls client;
  private final Map<Method, ClientMethod> methods;
  private final String description;
  /**
   * The same lookup by identity: a proxy passes the same Method instances every time, and an
   * identity lookup skips Method.equals, which compares parameter arrays. Copied on write; a miss
   * happens once per method.
   */
  private volatile IdentityHashMap<Method, ClientMethod> byIdentity = new IdentityHashMap<>();

  ServiceProxy(RemoteCalls client, Map<Method, ClientMethod> methods, String description) {
    this.client = client;
    this.methods = methods;
    this.description = description;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    ClientMethod remote = byIdentity.get(method);
    if (remote == null) {
      remote = methods.get(method);
      if (remote != null) {
        IdentityHashMap<Method, ClientMethod> copy = new IdentityHashMap<>(byIdentity);
        copy.put(method, remote);
        byIdentity = copy;
      }
    }
    Object[] a = args == null ? NO_ARGS : args;
    if (remote != null) {
      int input = remote.descriptor().inputIndex();
      if (input >= 0 && a[input] == null) {
        throw new NullPointerException("the stream argument of " + remote.descriptor()
            .displayName() + " is null: pass a Flow.Publisher (an empty one for no items)");
      }
      if (remote.descriptor().streams()) {
        return client.stream(remote, a);
      }
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
