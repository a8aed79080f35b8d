package io.minirpc;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;

/**
 * A call as a {@link ClientInterceptor} sees it, before it is sent. Arguments and metadata may be
 * changed until the interceptor proceeds.
 */
public interface ClientCall {
  /** The service interface. */
  Class<?> service();

  /** The interface method called. */
  Method method();

  /** {@code com.example.Calculator.add(int,int)}: service and method, as in error messages. */
  String methodName();

  /** The arguments, in order; the array itself, so an interceptor may replace elements. */
  Object[] arguments();

  /**
   * The metadata that will be sent: the client's ({@code RpcClient.Builder.metadata}), then the
   * calling thread's {@link CallMetadata}. Modifiable: an interceptor may add an authentication
   * token or a trace id.
   */
  Map<String, String> metadata();

  /**
   * How long the call may take: the method's {@link Timeout}, else the client's default; or less,
   * when the {@link CallDeadline} scope it was made in, or the server call it is made from (with
   * deadline propagation), has less time left.
   */
  Duration timeout();

  /**
   * The servers the client calls, as its address was given: {@code host:port}, a comma-separated
   * list of them, or a discovery URI such as {@code dns:///orders.internal:4242}. Which server
   * takes the call is chosen after the interceptors.
   */
  default String target() {
    return "";
  }

  /**
   * Runs {@code listener} for each item of the call's streams: each the server sends, as it is
   * handed to the subscriber, for a method that returns {@code Flow.Publisher<T>}; each the
   * client sends, as its publisher gives it, for a method that takes a {@code Flow.Publisher<T>};
   * on the thread that passes the item on. Never for other methods. A listener must be quick and
   * must not throw.
   */
  default void onStreamItem(Runnable listener) {}
}
