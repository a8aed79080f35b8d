package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.metrics.Refusal;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The refusals before a call runs, in the order they cost least: the method's rate limits, the
 * connection's share of calls, the server's calls open at once, the bytes of requests waiting for
 * a worker, and a server that shuts down. A call admitted here holds a place in the in-flight
 * count and its bytes in the queued bytes until it {@link #started starts} and {@link #finished
 * finishes}. Lock-free.
 */
final class Admission {
  private final ServerLimits limits;
  private final InFlight inFlight;
  /** Bytes of requests admitted but not yet started: their frames wait in memory. */
  private final AtomicLong queuedBytes = new AtomicLong();

  Admission(ServerLimits limits, InFlight inFlight) {
    this.limits = limits;
    this.inFlight = inFlight;
  }

  /**
   * Admits a request of {@code size} bytes for {@code method} on a connection with {@code
   * callsOnConnection} calls that have not ended.
   *
   * @throws RpcException the refusal, whose message ends "Call to X at Y failed: the server ..."
   */
  void admit(ServerMethod method, int callsOnConnection, int size) {
    RateLimiter refusedBy = method.admit();
    if (refusedBy != null) {
      throw new Refused(Refusal.RATE_LIMIT, RpcException.Code.RESOURCE_EXHAUSTED, "the server"
          + " refused the call: " + refusedBy.description() + ". Slow down, retry later with"
          + " backoff, or ask for a higher limit");
    }
    int perConnection = limits.maxCallsPerConnection();
    if (callsOnConnection >= perConnection) {
      throw new Refused(Refusal.CALLS_PER_CONNECTION, RpcException.Code.RESOURCE_EXHAUSTED,
          "the server refused the call: this connection already has " + callsOnConnection
          + " calls in flight"
          + " (minirpc.server.maxCallsPerConnection=" + perConnection + "). Wait for answers"
          + " before sending more, or spread calls over more connections (minirpc.connections)");
    }
    int maxCalls = limits.maxCalls();
    if (inFlight.count() >= maxCalls) {
      throw new Refused(Refusal.CALLS, RpcException.Code.RESOURCE_EXHAUSTED,
          "the server is overloaded: it already has " + maxCalls + " calls open, running or"
          + " waiting (minirpc.server.maxCalls). Retry later with backoff, or raise"
          + " minirpc.server.maxCalls if the server has the memory for more");
    }
    if (queuedBytes.addAndGet(size) > limits.maxQueuedBytes()) {
      queuedBytes.addAndGet(-size);
      throw new Refused(Refusal.QUEUED_BYTES, RpcException.Code.RESOURCE_EXHAUSTED,
          "the server is overloaded: requests waiting for a worker already hold more than "
          + limits.maxQueuedBytes()
          + " bytes (minirpc.server.maxQueuedBytes). Retry later with backoff, or send smaller"
          + " requests");
    }
    if (!inFlight.tryEnter()) {
      queuedBytes.addAndGet(-size);
      throw new Refused(Refusal.SHUTTING_DOWN, RpcException.Code.UNAVAILABLE,
          "the server is shutting down and accepts no new calls. Retry on another server or"
          + " after it restarts");
    }
  }

  /** The worker pool refused an admitted call: it leaves as if it had never come. */
  RpcException rejected(int size) {
    queuedBytes.addAndGet(-size);
    inFlight.exit();
    return new Refused(Refusal.WORKER_QUEUE, RpcException.Code.RESOURCE_EXHAUSTED,
        "the server is overloaded: all worker threads are busy and the queue is full ("
        + limits.executorLimits()
        + "). Retry later with backoff, or raise those limits");
  }

  /** An admitted call left the queue (it started, or was dropped unrun): its bytes no longer wait. */
  void started(int size) {
    queuedBytes.addAndGet(-size);
  }

  /** An admitted call ended: it leaves the in-flight count. */
  void finished() {
    inFlight.exit();
  }
}
