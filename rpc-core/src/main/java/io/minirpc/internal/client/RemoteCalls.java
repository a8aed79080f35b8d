package io.minirpc.internal.client;

import java.util.concurrent.CompletableFuture;

/**
 * What a proxy ({@link ServiceProxy}) does with a call of a remote method: {@link ClientRuntime}
 * makes it, blocking or not, as the method's signature says.
 */
interface RemoteCalls {
  /** A blocking call: returns the result or throws what the call ended with. */
  Object callBlocking(ClientMethod method, Object[] args) throws Throwable;

  /** An asynchronous call: the returned future ends as the call does. Never throws. */
  CompletableFuture<Object> callAsync(ClientMethod method, Object[] args);

  /** A server stream: a cold publisher, each subscription one call. Never throws. */
  java.util.concurrent.Flow.Publisher<Object> stream(ClientMethod method, Object[] args);
}
