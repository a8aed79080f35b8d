package io.minirpc.internal.client;

import io.minirpc.internal.transport.ItemReceiver;
import io.minirpc.ClientCall;
import io.minirpc.ClientInterceptor;
import io.minirpc.RpcException;
import io.minirpc.internal.registry.InterceptedMethod;
import io.minirpc.runtime.OutgoingDeadline;
import io.minirpc.runtime.OutgoingMetadata;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/** One call on its way through the client's interceptors to the network. */
final class InterceptedCall extends InterceptedMethod implements ClientCall {
  private final CallStarter runtime;
  private final ClientMethod method;
  private final Map<String, String> metadata;
  /** The CallDeadline scope the call was made in, or null: taken now, on the caller's thread. */
  private final OutgoingDeadline.Frame scope;
  private final List<ClientInterceptor> interceptors;
  /** Where a server stream's items go; null for a call that streams not. */
  private final ItemReceiver stream;
  /** Told of each item the client streams, for a method that takes a stream. */
  private final io.minirpc.internal.transport.ItemListeners sentItems =
      new io.minirpc.internal.transport.ItemListeners();
  /** The last attempt sent, to cancel it when the caller gives up. */
  private volatile PendingCall sent;

  InterceptedCall(
      CallStarter runtime, ClientMethod method, Object[] args,
      List<ClientInterceptor> interceptors) {
    this(runtime, method, args, interceptors, null);
  }

  InterceptedCall(CallStarter runtime, ClientMethod method, Object[] args,
      List<ClientInterceptor> interceptors, ItemReceiver stream) {
    super(method.descriptor(), args);
    this.runtime = runtime;
    this.method = method;
    this.metadata = new LinkedHashMap<>(OutgoingMetadata.over(runtime.metadata()));
    this.scope = OutgoingDeadline.current();
    this.interceptors = interceptors;
    this.stream = stream;
  }

  ClientMethod clientMethod() {
    return method;
  }

  @Override
  public void onStreamItem(Runnable listener) {
    if (stream != null) {
      stream.listen(listener);
    }
    if (method.descriptor().inputStreams()) {
      sentItems.add(listener);
    }
  }

  /**
   * Runs the chain; the future ends as the outermost interceptor's stage does. Cancelling it
   * cancels the call on the network.
   */
  CompletableFuture<Object> start() {
    CompletableFuture<Object> out = new CompletableFuture<>();
    CompletionStage<Object> stage = link(0);
    stage.whenComplete((value, error) -> {
      if (error != null) {
        out.completeExceptionally(unwrap(error));
      } else {
        out.complete(value);
      }
    });
    out.whenComplete((value, error) -> {
      if (out.isCancelled()) {
        cancel();
      }
    });
    return out;
  }

  /** Interceptor {@code i}, or the network after the last one. */
  private CompletionStage<Object> link(int i) {
    try {
      if (i == interceptors.size()) {
        Object[] args = arguments();
        int input = method.descriptor().inputIndex();
        if (input >= 0 && args[input] instanceof java.util.concurrent.Flow.Publisher<?> p) {
          args = args.clone();
          args[input] = sentItems.counting(p); // what the client streams counts as items
        }
        PendingCall call = runtime.start(method, args, Map.copyOf(metadata), scope, stream);
        sent = call;
        return call;
      }
      CompletionStage<Object> stage = interceptors.get(i).intercept(this, () -> link(i + 1));
      if (stage == null) {
        throw new RpcException(RpcException.Code.INTERNAL, method.callPrefix() + "failed: the"
            + " client interceptor " + interceptors.get(i).getClass().getName() + " returned"
            + " null instead of a stage");
      }
      return stage;
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  /** The caller gave up: cancel what was sent. */
  void cancel() {
    PendingCall call = sent;
    if (call != null) {
      call.cancel(false);
    }
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }


  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * The method's timeout, or less: what is left of the {@code CallDeadline} scope the call was
   * made in, and of the server call being served when deadlines propagate, as the call will be
   * sent with.
   */
  @Override
  public Duration timeout() {
    long nanos = method.timeoutNanos();
    if (scope != null) {
      nanos = Math.min(nanos, scope.remainingNanos());
    }
    if (runtime.propagatesDeadline()) {
      nanos = Math.min(nanos, io.minirpc.runtime.CurrentCall.remainingNanos());
    }
    return Duration.ofNanos(Math.max(0, nanos));
  }

  @Override
  public String target() {
    return runtime.address();
  }

}
