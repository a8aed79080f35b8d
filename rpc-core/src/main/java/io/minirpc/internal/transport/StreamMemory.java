package io.minirpc.internal.transport;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a client's server streams may hold at once: the byte credit they granted and the items
 * that wait for their subscribers, all streams of the client together, at most {@code
 * minirpc.maxResponseMemory} (apart from what decoding responses measures against the same
 * figure). A stream grants bytes only from here; one that finds no room waits, with no credit,
 * until another stream gives some back, so servers slow down rather than the client fill up.
 */
public final class StreamMemory implements ReceiverBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();
  private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
  /** Where waiting streams try again: never the thread that gave back, which holds a lock. */
  private final java.util.concurrent.Executor retries;
  /** The room a waiting stream needs to be worth waking: the least a grant takes. */
  private final long wakeAt;

  /**
   * @param wakeAt the least room that wakes a waiting stream, the least a grant takes (a stream
   *     woken for less would find too little, and wait again)
   */
  StreamMemory(long limit, long wakeAt, java.util.concurrent.Executor retries) {
    this.limit = limit;
    this.wakeAt = Math.min(wakeAt, limit);
    this.retries = retries;
  }

  /**
   * Takes up to {@code bytes}, and at least {@code least} of them (or all, if fewer): returns what
   * it took, 0 if there is not that much room. Grants of a few bytes would cost a CREDIT frame
   * per item.
   */
  @Override
  public long take(long bytes, long least) {
    for (;;) {
      long u = used.get();
      long n = Math.min(bytes, limit - u);
      if (n <= 0 || n < Math.min(least, bytes)) {
        return 0;
      }
      if (used.compareAndSet(u, u + n)) {
        return n;
      }
    }
  }

  /**
   * Counts {@code bytes} whether there is room or not: an item that arrived within its credit and
   * went over it (one item may overdraw its stream's bytes) is in memory already.
   */
  @Override
  public void force(long bytes) {
    used.addAndGet(bytes);
  }

  /** Gives back {@code bytes}; streams that wait for room try again. */
  @Override
  public void give(long bytes) {
    used.addAndGet(-bytes);
    Runnable next;
    while (limit - used.get() >= wakeAt && (next = waiting.poll()) != null) {
      try {
        retries.execute(next);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return; // the client is closing: its streams end
      }
    }
  }

  /** Runs {@code retry} once there is room again (at once, if there is now). */
  @Override
  public void await(Runnable retry) {
    waiting.add(retry);
    if (limit - used.get() >= wakeAt) {
      give(0);
    }
  }

  /** Bytes held now. */
  public long used() {
    return used.get();
  }
}
