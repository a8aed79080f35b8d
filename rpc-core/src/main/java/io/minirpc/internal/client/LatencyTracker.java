package io.minirpc.internal.client;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The recent latencies of one method on one client, for adaptive hedging: the last {@link
 * #WINDOW} calls in a ring, and the chosen percentile of them, worked out again every {@link
 * #EVERY} calls by the thread that records the last of them (a sort of 256 numbers: a few
 * microseconds, every 32 calls). Lock-free; a percentile from a window that other threads are
 * writing into is close enough for choosing when to hedge.
 */
final class LatencyTracker {
  static final int WINDOW = 256;
  private static final int EVERY = 32;
  /** Fewer calls than this say too little: no percentile yet. */
  static final int MIN_CALLS = 20;

  private final AtomicLongArray ring = new AtomicLongArray(WINDOW);
  private final AtomicLong count = new AtomicLong();
  private final double percentile;
  private volatile long percentileNanos;

  /** @param percentile between 1 and 99 */
  LatencyTracker(double percentile) {
    this.percentile = percentile;
  }

  /** A call of the method ended after {@code nanos}. */
  void record(long nanos) {
    long n = count.getAndIncrement();
    ring.set((int) (n & (WINDOW - 1)), Math.max(1, nanos));
    long recorded = n + 1;
    if (recorded == MIN_CALLS || (recorded > MIN_CALLS && recorded % EVERY == 0)) {
      recompute((int) Math.min(recorded, WINDOW));
    }
  }

  private void recompute(int slots) {
    long[] sorted = new long[slots];
    int n = 0;
    for (int i = 0; i < slots; i++) {
      long v = ring.get(i);
      if (v > 0) { // 0: a slot another thread has counted but not yet written
        sorted[n++] = v;
      }
    }
    if (n == 0) {
      return;
    }
    Arrays.sort(sorted, 0, n);
    int rank = (int) Math.ceil(percentile / 100 * n);
    percentileNanos = sorted[Math.max(0, Math.min(n, rank) - 1)];
  }

  /** The percentile of the recent latencies, or 0 before {@link #MIN_CALLS} calls ended. */
  long percentileNanos() {
    return percentileNanos;
  }
}
