package io.minirpc.metrics;

import io.minirpc.RpcException;

/**
 * Sees the calls of one method on one side, from {@link RpcObserver#forMethod}. Each call is
 * reported twice, {@link #started} then {@link #ended}, from any thread and concurrently with
 * other calls: keep the counts in lock-free structures ({@code LongAdder}, atomics) made once, in
 * {@code forMethod}.
 */
public interface CallObserver {
  /** A call started: it is in flight until {@link #ended}. */
  void started();

  /**
   * A call ended.
   *
   * @param nanos how long it took
   * @param code {@code null} if it succeeded; else its {@link RpcException#code()}, or {@link
   *     RpcException.Code#APPLICATION} for any other exception (the application's own)
   * @param error {@code null} if it succeeded; else the exception, unwrapped from {@code
   *     CompletionException}
   */
  void ended(long nanos, RpcException.Code code, Throwable error);

  /**
   * One item of a call's stream (a method that returns {@code Flow.Publisher<T>}): sent, on the
   * server's side; handed to the subscriber, on the client's. Between {@link #started} and
   * {@link #ended}, from any thread.
   */
  default void item() {}
}
