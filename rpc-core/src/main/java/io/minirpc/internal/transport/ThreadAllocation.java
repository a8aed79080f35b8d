package io.minirpc.internal.transport;

import java.lang.management.ManagementFactory;

/**
 * The bytes the current thread has allocated, from the JVM's own per-thread counter (HotSpot keeps
 * one; reading it costs about as much as a small native call), for holding the decoding of a
 * request to the memory the server's budget gave it, and of a response to the client's. On a JVM
 * without the counter, nothing is measured and decoding is bounded by the budget's estimate alone.
 */
public final class ThreadAllocation {
  private static final com.sun.management.ThreadMXBean THREADS = threads();

  private ThreadAllocation() {}

  /** Whether {@link #current} counts anything. */
  public static boolean supported() {
    return THREADS != null;
  }

  /** The bytes this thread has allocated so far; only differences mean anything. */
  public static long current() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  private static com.sun.management.ThreadMXBean threads() {
    try {
      if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
          && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()
          && t.getCurrentThreadAllocatedBytes() >= 0) {
        return t;
      }
    } catch (RuntimeException | LinkageError e) {
      // No java.management, or a JVM without the counter.
    }
    return null;
  }
}
