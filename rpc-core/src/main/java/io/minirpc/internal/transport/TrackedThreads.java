package io.minirpc.internal.transport;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A thread factory that remembers its threads, so that a closing client or server can wait until
 * every one of them is really gone, not only until its pool says it has terminated (a pool
 * reports that a moment before its last threads finish unwinding).
 */
public final class TrackedThreads implements ThreadFactory {
  private final ThreadFactory delegate;
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  /** Threads named {@code prefix-N-M}, Netty's fast-thread-local kind. */
  public TrackedThreads(String prefix, boolean daemon) {
    this.delegate = new DefaultThreadFactory(prefix, daemon);
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = delegate.newThread(r);
    threads.add(t);
    return t;
  }

  /** Whether this factory made {@code thread}, until {@link #joinAll} saw it end. */
  public boolean made(Thread thread) {
    return threads.contains(thread);
  }

  /**
   * Waits up to {@code timeoutNanos} for every thread made so far to end; true if they all did.
   * Keeps the caller's interrupt status.
   */
  public boolean joinAll(long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    boolean interrupted = false;
    try {
      for (Thread t : threads) {
        if (t == Thread.currentThread()) {
          continue;
        }
        while (t.isAlive()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        threads.remove(t);
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
