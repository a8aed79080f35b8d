package io.minirpc.internal.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server's recent calls, as {@link OutlierDetector} and least-pending balancing read them:
 * failures in a row, calls and failures in a window of {@link #WINDOW_NANOS}, and whether the
 * server is ejected. Written by calls ending, from any thread; counts are approximate under races,
 * which is all ejection needs.
 */
final class HealthRecord {
  /** The window the failure share is measured over. */
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** Past this many calls without a failure, both counts halve: a share needs no more. */
  private static final int MAX_COUNT = 1 << 20;

  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicInteger windowCalls = new AtomicInteger();
  private final AtomicInteger windowFailures = new AtomicInteger();
  private volatile long windowStart = System.nanoTime();
  /** Ejected until this time ({@link System#nanoTime()}), if {@link #ejected} is set. */
  private volatile long ejectedUntil;
  private volatile boolean ejected;
  /** Ejections in a row; each lasts one base interval longer. Guarded by the detector. */
  private int ejections;

  /** A call got an answer that says nothing against the server. */
  void succeeded() {
    int calls = windowCalls.incrementAndGet();
    if (calls >= MAX_COUNT) {
      windowCalls.set(calls >> 1);
      windowFailures.set(windowFailures.get() >> 1);
    }
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
  }

  /**
   * One more ejection in a row, at most 10: how many there have been, which the next ejection's
   * length grows with. Under the outlier detector's lock.
   */
  int ejectedAgain() {
    ejections = Math.min(ejections + 1, 10);
    return ejections;
  }

  /** Ready a whole interval since its last ejection: the next ejection is one shorter. */
  void recovered() {
    ejections = Math.max(0, ejections - 1);
  }

  /**
   * A call failed as a sick server makes calls fail; {@code unreachable} when it failed as an
   * unreachable one does (unavailable, lost, timed out), which also counts in a row.
   *
   * @return the failures in a row now
   */
  int failed(boolean unreachable) {
    long now = System.nanoTime();
    if (now - windowStart > WINDOW_NANOS) {
      windowStart = now;
      windowCalls.set(0);
      windowFailures.set(0);
    }
    windowCalls.incrementAndGet();
    windowFailures.incrementAndGet();
    return unreachable ? consecutiveFailures.incrementAndGet() : consecutiveFailures.get();
  }

  /** Calls in the window, failed or not. */
  int calls() {
    return windowCalls.get();
  }

  /** Failed calls in the window. */
  int failures() {
    return windowFailures.get();
  }

  /**
   * {@code weight}, less the share of recent calls that failed: a server that fails fast has few
   * calls pending, and least-pending balancing would otherwise send it more. At least 1.
   */
  long effectiveWeight(int weight) {
    int failures = windowFailures.get();
    if (failures == 0) {
      return weight;
    }
    int calls = Math.max(windowCalls.get(), failures);
    return Math.max(1, (long) weight * (calls - failures + 1) / (calls + 1));
  }

  boolean isEjected(long now) {
    if (ejected && now - ejectedUntil >= 0) {
      ejected = false; // its time is up: back in, with a clean record
      consecutiveFailures.set(0);
      windowCalls.set(0);
      windowFailures.set(0);
      windowStart = now;
    }
    return ejected;
  }

  void eject(long untilNanos) {
    ejectedUntil = untilNanos;
    ejected = true;
  }
}
