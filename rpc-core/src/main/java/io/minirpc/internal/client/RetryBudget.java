package io.minirpc.internal.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many retries a client may make, as Finagle's {@code RetryBudget}: a share of the calls of
 * the last 10 to 20 seconds, plus a floor a second so that a quiet client can still retry. When a
 * fleet fails, retries stop at the budget instead of multiplying the load on it. Thread-safe; a
 * call costs one uncontended add.
 */
final class RetryBudget {
  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final double share;
  private final int floorPerSecond;
  private final LongAdder calls = new LongAdder();
  private final AtomicLong retries = new AtomicLong();
  private final Object lock = new Object();
  private volatile long windowStart = System.nanoTime();
  /** Calls and retries of the previous window, which still count. */
  private volatile long previousCalls;
  private volatile long previousRetries;

  RetryBudget(double share, int floorPerSecond) {
    this.share = share;
    this.floorPerSecond = floorPerSecond;
  }

  /** A call was made. */
  void deposit() {
    calls.increment();
  }

  /** Takes one retry from the budget; false when it is spent. */
  boolean tryRetry() {
    roll();
    long allowed = (long) (share * (calls.sum() + previousCalls))
        + floorPerSecond * TimeUnit.NANOSECONDS.toSeconds(2 * WINDOW_NANOS);
    for (;;) {
      long used = retries.get();
      if (used + previousRetries >= allowed) {
        return false;
      }
      if (retries.compareAndSet(used, used + 1)) {
        return true;
      }
    }
  }

  /** Gives back a retry that was not made after all. */
  void refund() {
    retries.decrementAndGet();
  }

  private void roll() {
    long now = System.nanoTime();
    if (now - windowStart < WINDOW_NANOS) {
      return;
    }
    synchronized (lock) {
      if (now - windowStart < WINDOW_NANOS) {
        return;
      }
      boolean skipped = now - windowStart >= 2 * WINDOW_NANOS;
      previousCalls = skipped ? 0 : calls.sumThenReset();
      previousRetries = skipped ? 0 : retries.getAndSet(0);
      if (skipped) {
        calls.reset();
        retries.set(0);
      }
      windowStart = now;
    }
  }
}
