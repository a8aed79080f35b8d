package io.minirpc;

import java.util.concurrent.CompletionStage;

/**
 * Code that runs around every call a server serves: to check credentials in the metadata, to log,
 * to measure, or to answer without running the implementation. Interceptors form an ordered
 * chain, the first given to {@code RpcServer.Builder.intercept} outermost, and run on the worker
 * thread that runs the implementation, inside the call's {@link RpcContext}.
 *
 * <pre>{@code
 * ServerInterceptor auth = (call, next) -> {
 *   if (!tokens.isValid(call.metadata().get("authorization"))) {
 *     throw new RpcException(RpcException.Code.UNAUTHENTICATED, "a valid token is required");
 *   }
 *   return next.proceed();
 * };
 * }</pre>
 *
 * <p>{@code next.proceed()} runs the implementation and returns a stage with its result ({@code
 * null} for {@code void}) or its exception; for an asynchronous method the stage completes when
 * the implementation's future does. An exception thrown, or a stage completed exceptionally,
 * reaches the client like one thrown by the implementation: an {@link RpcException} keeps its
 * code and message.
 */
@FunctionalInterface
public interface ServerInterceptor {
  /**
   * Intercepts one call.
   *
   * @param call what is called, with which arguments, by whom
   * @param next the rest of the chain, then the implementation
   * @return the call's outcome: usually {@code next.proceed()} or a stage derived from it
   */
  CompletionStage<Object> intercept(ServerCall call, Next next);

  /** The rest of a server chain. */
  interface Next {
    /** Runs the rest of the chain and the implementation. */
    CompletionStage<Object> proceed();
  }
}
