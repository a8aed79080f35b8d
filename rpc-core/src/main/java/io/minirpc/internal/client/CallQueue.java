package io.minirpc.internal.client;

import io.minirpc.RpcException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Calls waiting for a connection, or for room on one, in the order they came. Bounded by the
 * bytes of their encoded requests (what they really hold) and, as a safety net, by their number.
 * Thread-safe and lock-free; a call leaves it exactly once: handed to a connection, or ended.
 */
final class CallQueue implements Attempt.Holder {
  private final ConcurrentLinkedQueue<Attempt> calls = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final int maxCalls;
  private final long maxBytes;
  private final Function<Attempt, RpcException> expired;

  /**
   * @param expired the exception of a call whose deadline passes while it waits, which depends on
   *     why it waits (no connection, or no room)
   */
  CallQueue(int maxCalls, long maxBytes, Function<Attempt, RpcException> expired) {
    this.maxCalls = maxCalls;
    this.maxBytes = maxBytes;
    this.expired = expired;
  }

  /**
   * Queues {@code call}. Returns {@code null} when it waits now (or had already ended), else which
   * limit refused it, in words, and the call is the caller's to fail.
   */
  String offer(Attempt call) {
    int size = call.requestBytes();
    int n = count.incrementAndGet();
    long held = bytes.addAndGet(size);
    if (n > maxCalls || held > maxBytes) {
      left(size);
      return n > maxCalls
          ? maxCalls + " calls are already waiting (minirpc.maxQueuedCalls)"
          : "the calls already waiting hold " + (held - size) + " bytes of requests, and this"
              + " one's " + size + " would pass minirpc.maxQueuedBytes=" + maxBytes;
    }
    if (!call.waitIn(this)) {
      left(size); // ended already
      return null;
    }
    calls.add(call);
    return null;
  }

  boolean isEmpty() {
    return calls.isEmpty();
  }

  /** The oldest waiting call, or {@code null}; it still counts until {@link #assigned}. */
  Attempt poll() {
    return calls.poll();
  }

  /** A polled call was handed to a connection: it no longer counts. */
  void assigned(Attempt call) {
    left(call.requestBytes());
  }

  /** A waiting call ended (timed out, was cancelled, failed): it leaves the queue. */
  @Override
  public void ended(Attempt call) {
    left(call.requestBytes());
    calls.remove(call);
  }

  /** The exception of a call whose deadline passed while it waited here. */
  @Override
  public RpcException expired(Attempt call) {
    return expired.apply(call);
  }

  int size() {
    return count.get();
  }

  /**
   * Fails every waiting call; none of them ran, so in a fleet a call may go to another server
   * instead (see {@link Attempt#failUnrun}).
   */
  void failAll(RpcException.Code code, String message) {
    Attempt call;
    while ((call = calls.poll()) != null) {
      call.failUnrun(code, message);
    }
  }

  /** Fails every waiting call that does not wait for ready; the others wait on. */
  void failUnlessWaitForReady(RpcException.Code code, String message) {
    for (Attempt call : calls) {
      // Only what this takes out of the queue: another thread may have just handed it over.
      if (!call.waitForReady() && call.leaveQueue(this)) {
        ended(call); // out of the queue and its counts, as an attempt that ends here leaves
        call.failUnrun(code, message);
      }
    }
  }

  private void left(int size) {
    count.decrementAndGet();
    bytes.addAndGet(-size);
  }
}
