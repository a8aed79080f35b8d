package io.minirpc.metrics;

/**
 * What a running server can be asked at any moment, for gauges: an {@link RpcObserver} gets one
 * in {@link RpcObserver#serverStarted}. {@code io.minirpc.RpcServer} is one. Every method is cheap
 * and thread-safe.
 */
public interface ServerGauges {
  /** The number of client connections open now. */
  int connectionCount();

  /** Calls accepted and not yet answered now: waiting for a worker or running. */
  long callsInFlight();

  /** Calls waiting for a worker now; beyond the queue's capacity, calls are refused. */
  int queuedCalls();

  /** Bytes of the server's memory budget that requests hold now. */
  long memoryInUse();
}
