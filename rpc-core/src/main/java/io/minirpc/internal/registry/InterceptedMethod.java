package io.minirpc.internal.registry;

import java.lang.reflect.Method;

/**
 * What client and server interceptors both see of a call: the method and the arguments. The
 * client's and the server's call views extend it.
 */
public abstract class InterceptedMethod {
  private final MethodDescriptor descriptor;
  private final Object[] args;

  protected InterceptedMethod(MethodDescriptor descriptor, Object[] args) {
    this.descriptor = descriptor;
    this.args = args;
  }

  public Class<?> service() {
    return descriptor.service();
  }

  public Method method() {
    return descriptor.method();
  }

  public String methodName() {
    return descriptor.displayName();
  }

  public Object[] arguments() {
    return args;
  }

  @Override
  public String toString() {
    return methodName();
  }
}
