package io.minirpc.internal.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The wait between attempts to connect: exponential, with jitter, as gRPC's {@code
 * ExponentialBackoffPolicy}. Immutable; the number of failures is the caller's.
 */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;

  Backoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The wait after {@code failures} failed attempts in a row, with fresh jitter. */
  long delayNanos(int failures) {
    return delayNanos(initialNanos, maxNanos, failures, ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The wait after {@code failures} failed attempts in a row: {@code initial}, doubling per
   * failure up to {@code max}, times a jitter factor between 0.8 and 1.2 ({@code random} is
   * uniform in [0, 1)), so that clients cut off together do not reconnect together.
   */
  static long delayNanos(long initial, long max, int failures, double random) {
    double delay = initial * Math.pow(2, Math.max(0, Math.min(failures - 1, 30)));
    delay = Math.min(delay, max);
    return (long) (delay * (0.8 + 0.4 * random));
  }
}
