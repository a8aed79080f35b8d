package io.minirpc;

import java.util.concurrent.CompletionStage;

/**
 * Code that runs around every call a client makes: to add metadata (authentication, tracing), to
 * log, to measure, or to answer without calling (a cache, a circuit breaker). Interceptors form
 * an ordered chain, the first given to {@code RpcClient.Builder.intercept} outermost.
 *
 * <pre>{@code
 * ClientInterceptor auth = (call, next) -> {
 *   call.metadata().put("authorization", "Bearer " + tokens.current());
 *   return next.proceed();
 * };
 * }</pre>
 *
 * <p>The chain is asynchronous for blocking and asynchronous methods alike: {@code next.proceed()}
 * returns at once with a stage that completes with the call's result (or {@code null} for {@code
 * void}) or its exception, on the client's I/O thread, so what an interceptor attaches to it must
 * be quick. Blocking callers wait for the stage the outermost interceptor returns. To short-circuit,
 * return a completed stage without proceeding; an exception thrown, or a stage completed
 * exceptionally, reaches the caller as it is (an {@link RpcException} keeps its code).
 */
@FunctionalInterface
public interface ClientInterceptor {
  /**
   * Intercepts one call.
   *
   * @param call what is being called, with what; arguments and metadata may be changed here
   * @param next the rest of the chain, then the network
   * @return the call's outcome: usually {@code next.proceed()} or a stage derived from it
   */
  CompletionStage<Object> intercept(ClientCall call, Next next);

  /** The rest of a client chain. */
  interface Next {
    /** Runs the rest of the chain and sends the call; may be called again, to retry. */
    CompletionStage<Object> proceed();
  }
}
