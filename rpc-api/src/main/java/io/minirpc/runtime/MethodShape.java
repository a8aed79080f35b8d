package io.minirpc.runtime;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;

/**
 * One remote method of a service, as the runtime sees it and the handshake announces it.
 *
 * @param key the method's key on the wire: its name, and its parameter types when overloaded
 * @param method the interface method
 * @param parameterTypes the types of the arguments sent, as declared
 * @param resultType the type of the result, with {@code CompletableFuture} unwrapped
 * @param async whether the method returns a {@code CompletableFuture}
 * @param signature the method's signature as the fingerprint covers it
 * @param digest the method's fingerprint: the signature and the shapes of every class it
 *     carries, as the handshake compares them; equal on both sides when the method matches
 */
public record MethodShape(String key, Method method, List<Type> parameterTypes, Type resultType,
    boolean async, String signature, long digest) {
  /** Copies the list of parameter types. */
  public MethodShape {
    parameterTypes = List.copyOf(parameterTypes);
  }
}
