package io.minirpc.internal.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * How connections share the worker pool: each connection's calls hold at most {@code
 * maxRunningPerConnection} workers, and the calls that wait for one of their connection's workers
 * count against the pool's queue capacity, together with the calls in the pool's own queue, so
 * {@code minirpc.server.queue} still bounds every call that waits.
 */
final class WorkerShares {
  private final int maxRunningPerConnection;
  private final int queueCapacity;
  private final IntSupplier poolQueued;
  private final AtomicInteger waiting = new AtomicInteger();

  /**
   * @param poolQueued the calls in the worker pool's own queue now
   */
  WorkerShares(int maxRunningPerConnection, int queueCapacity, IntSupplier poolQueued) {
    this.maxRunningPerConnection = maxRunningPerConnection;
    this.queueCapacity = queueCapacity;
    this.poolQueued = poolQueued;
  }

  int maxRunningPerConnection() {
    return maxRunningPerConnection;
  }

  /** Takes a place for a call to wait for its connection's worker; false if the queue is full. */
  boolean tryWait() {
    if (waiting.incrementAndGet() + poolQueued.getAsInt() > queueCapacity) {
      waiting.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Calls waiting for a worker now: their connection's, or any in the pool's queue. */
  int queued() {
    return waiting.get() + poolQueued.getAsInt();
  }

  /** A call stopped waiting for its connection's worker: it runs, or was dropped. */
  void waited() {
    waiting.decrementAndGet();
  }
}
