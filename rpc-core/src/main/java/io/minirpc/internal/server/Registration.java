package io.minirpc.internal.server;

import java.util.Objects;

/** An interface and the object that implements it, as given to {@code RpcServer.Builder.register}. */
public record Registration(Class<?> service, Object implementation) {
  public Registration {
    Objects.requireNonNull(service, "service == null");
    Objects.requireNonNull(implementation, "implementation == null");
  }
}
