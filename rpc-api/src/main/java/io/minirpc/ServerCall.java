package io.minirpc;

import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A call as a {@link ServerInterceptor} sees it: decoded, about to run on a worker thread (where
 * {@link RpcContext#current()} shows the same call).
 */
public interface ServerCall {
  /** The service interface. */
  Class<?> service();

  /** The interface method called. */
  Method method();

  /** {@code com.example.Calculator.add(int,int)}: service and method, as in error messages. */
  String methodName();

  /** The decoded arguments; the array itself, so an interceptor may replace elements. */
  Object[] arguments();

  /** The metadata the client sent; unmodifiable. */
  Map<String, String> metadata();

  /** Who called. */
  Optional<SocketAddress> remoteAddress();

  /** When the caller stops waiting, if it said. */
  Optional<Instant> deadline();

  /**
   * Runs {@code listener} for each item of the call's streams: each it sends, for a method that
   * returns {@code Flow.Publisher<T>}, and each the client sent, as it is handed to the method,
   * for one that takes a {@code Flow.Publisher<T>}; from the thread that passes it on. Never for
   * other methods. A listener must be quick and must not throw.
   */
  default void onStreamItem(Runnable listener) {}
}
