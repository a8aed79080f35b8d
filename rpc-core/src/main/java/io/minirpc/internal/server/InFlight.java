package io.minirpc.internal.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts accepted calls that have not yet sent their response, so that a closing server can wait
 * for them. Once {@link #close} is called, no new call may enter. Lock-free on the call
 * path: one CAS to enter, one decrement to leave.
 */
final class InFlight {
  private static final long CLOSED = 1L << 62;

  private final AtomicLong state = new AtomicLong();
  private final Object lock = new Object();

  boolean tryEnter() {
    for (;;) {
      long s = state.get();
      if ((s & CLOSED) != 0) {
        return false;
      }
      if (state.compareAndSet(s, s + 1)) {
        return true;
      }
    }
  }

  void exit() {
    if (state.decrementAndGet() == CLOSED) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /** Refuses new calls from now on. */
  void close() {
    long s;
    do {
      s = state.get();
    } while ((s & CLOSED) == 0 && !state.compareAndSet(s, s | CLOSED));
  }

  /** Waits up to {@code timeoutNanos} for the running calls; true if none remain. */
  boolean await(long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (lock) {
      while (count() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return count() == 0;
        }
      }
    }
    return true;
  }

  long count() {
    return state.get() & ~CLOSED;
  }
}
