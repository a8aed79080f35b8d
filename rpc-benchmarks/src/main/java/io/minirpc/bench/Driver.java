package io.minirpc.bench;

/**
 * How the load generator calls one system: asynchronously, with a callback, or blocking. Both
 * must be safe to call from many threads, and the asynchronous one from the callback itself.
 */
interface Driver extends AutoCloseable {
  /** Called when an asynchronous call ends; {@code error} is null on success. */
  @FunctionalInterface
  interface Callback {
    void done(Throwable error);
  }

  /** Starts one call of {@code method}; never blocks. {@code seq} varies the arguments. */
  void callAsync(Workload method, long seq, Callback callback);

  /** Makes one call of {@code method} and waits for it. */
  void callBlocking(Workload method, long seq) throws Exception;

  @Override
  void close() throws Exception;
}
