package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.ServerCall;
import io.minirpc.ServerInterceptor;
import io.minirpc.runtime.CurrentCall;
import io.minirpc.internal.registry.InterceptedMethod;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One server call on its way through the server's interceptors to the implementation. */
final class InterceptedServerCall extends InterceptedMethod implements ServerCall {
  private final ServerMethod method;
  private final CurrentCall.Context context;
  private final List<ServerInterceptor> interceptors;
  /** The call's streams; null for a method that streams neither way. */
  private final ServerStreams stream;

  /**
   * @param stream for a method that streams, its stream: started with what the method returned,
   *     with the time {@code context} has left, and its end is the stage the interceptors see
   *     as the call's; null otherwise
   */
  InterceptedServerCall(ServerMethod method, Object[] args, CurrentCall.Context context,
      List<ServerInterceptor> interceptors, ServerStreams stream) {
    super(method.descriptor(), args);
    this.method = method;
    this.context = context;
    this.interceptors = interceptors;
    this.stream = stream;
  }

  @Override
  public void onStreamItem(Runnable listener) {
    if (stream != null) {
      stream.listen(listener);
    }
  }

  /** Runs the chain on this thread; the stage ends with the call's result or exception. */
  CompletionStage<Object> run() {
    return link(0);
  }

  @SuppressWarnings("unchecked")
  private CompletionStage<Object> link(int i) {
    try {
      if (i == interceptors.size()) {
        Object result = method.invoke(arguments());
        if (stream != null && stream.answers() != null) {
          return stream.answers().startIntercepted(result, context.remainingNanos());
        }
        if (method.descriptor().isAsync()) {
          return result == null
              ? CompletableFuture.completedFuture(null)
              : (CompletionStage<Object>) result;
        }
        return CompletableFuture.completedFuture(result);
      }
      CompletionStage<Object> stage = interceptors.get(i).intercept(this, () -> link(i + 1));
      if (stage == null) {
        throw new RpcException(RpcException.Code.INTERNAL, "the server interceptor "
            + interceptors.get(i).getClass().getName() + " returned null instead of a stage");
      }
      return stage;
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }





  @Override
  public Map<String, String> metadata() {
    return context.metadata();
  }

  @Override
  public Optional<SocketAddress> remoteAddress() {
    return Optional.ofNullable(context.remoteAddress());
  }

  @Override
  public Optional<Instant> deadline() {
    long left = context.remainingNanos();
    return left == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.now().plusNanos(left));
  }

}
