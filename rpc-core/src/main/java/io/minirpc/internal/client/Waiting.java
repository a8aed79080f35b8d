package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.transport.TrackedThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking caller waiting for its call: the result, or what the call ended with as the caller
 * should see it (with the caller's own stack trace), within the call's timeout and a little
 * slack in case the timer is late; an interrupt cancels the call.
 */
final class Waiting {
  /** Extra wait of a blocking caller beyond the call's timeout, in case the timer is late. */
  private static final long TIMER_SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

  private Waiting() {}

  /**
   * A blocking call made on one of this client's I/O threads would wait for a response that only
   * that thread can read: fail at once instead of deadlocking until the timeout.
   */
  static void checkNotOnEventLoop(TrackedThreads ioThreads, ClientMethod method) {
    if (ioThreads.made(Thread.currentThread())) {
      throw new RpcException(
          RpcException.Code.INTERNAL,
          method.callPrefix()
              + "was refused: a blocking call was made on the client's I/O thread (probably"
              + " from a callback of an asynchronous call), where it would deadlock. Use an"
              + " asynchronous method, or thenApplyAsync/thenComposeAsync to leave the I/O"
              + " thread");
    }
  }

  /** Waits for {@code call}, sent without interceptors. */
  static Object await(PendingCall call) throws Throwable {
    ClientMethod method = call.method();
    try {
      return call.get(call.timeoutNanos() + TIMER_SLACK_NANOS, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw forCaller(e.getCause());
    } catch (TimeoutException e) {
      call.run(null);
      throw forCaller(call.handle((v, t) -> t).join());
    } catch (InterruptedException e) {
      call.cancel(false);
      Thread.currentThread().interrupt();
      throw new RpcException(
          RpcException.Code.CANCELLED,
          method.callPrefix() + "was cancelled: the calling thread was interrupted");
    }
  }

  /** Starts {@code call} through the interceptors and waits for it. */
  static Object await(InterceptedCall call) throws Throwable {
    ClientMethod method = call.clientMethod();
    CompletableFuture<Object> result = call.start();
    try {
      Object value = result.get(method.timeoutNanos() + TIMER_SLACK_NANOS, TimeUnit.NANOSECONDS);
      if (value == null && method.descriptor().isPrimitiveResult()) {
        throw new RpcException(RpcException.Code.INTERNAL, method.callPrefix() + "failed: an"
            + " interceptor answered null for a result of primitive type "
            + method.descriptor().resultType().getTypeName());
      }
      return value;
    } catch (ExecutionException e) {
      throw forCaller(InterceptedCall.unwrap(e.getCause()));
    } catch (TimeoutException e) {
      call.cancel();
      throw new RpcException(RpcException.Code.TIMEOUT, method.callPrefix() + "timed out after "
          + TimeUnit.NANOSECONDS.toMillis(method.timeoutNanos() + TIMER_SLACK_NANOS) + " ms"
          + " waiting for the interceptors to finish; check the client's interceptors");
    } catch (InterruptedException e) {
      call.cancel();
      Thread.currentThread().interrupt();
      throw new RpcException(
          RpcException.Code.CANCELLED,
          method.callPrefix() + "was cancelled: the calling thread was interrupted");
    }
  }

  /**
   * The exception a blocking caller sees: a fresh RpcException carrying the caller's own stack
   * trace, or the rebuilt application exception as it is.
   */
  private static Throwable forCaller(Throwable t) {
    if (t instanceof RpcException) {
      RpcException e = (RpcException) t;
      RpcException local = new RpcException(e.code(), e.getMessage(), e.getCause());
      for (Throwable s : e.getSuppressed()) {
        local.addSuppressed(s);
      }
      return local;
    }
    return t;
  }
}
