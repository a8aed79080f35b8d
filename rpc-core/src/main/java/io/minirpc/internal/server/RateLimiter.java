package io.minirpc.internal.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A lock-free token bucket, kept as one number: the theoretical arrival time of the next call
 * (the generic cell rate algorithm). Each accepted call moves it one interval ({@code 1/rate})
 * later; a call is refused if that time lies more than the burst's worth of intervals ahead of
 * now. One CAS per accepted call, none per refused one, no thread, no timer.
 */
final class RateLimiter {
  private final double permitsPerSecond;
  private final int burst;
  private final long intervalNanos;
  private final long toleranceNanos;
  private final LongSupplier clock;
  private final String description;
  /** When the bucket is next full again, on the clock's scale. */
  private final AtomicLong theoreticalArrival;

  /**
   * @param burst calls that may come at once after a pause; 0 for a twentieth of a second's worth
   * @param description what the limit applies to and where it was set, for error messages
   */
  RateLimiter(double permitsPerSecond, int burst, LongSupplier clock, String description) {
    if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
      throw new IllegalArgumentException(
          "a rate limit must be a positive number of calls per second, not " + permitsPerSecond
              + " (" + description + ")");
    }
    if (burst < 0) {
      throw new IllegalArgumentException("a burst must not be negative (" + description + ")");
    }
    this.permitsPerSecond = permitsPerSecond;
    this.burst = burst > 0 ? burst : (int) Math.max(1, Math.round(permitsPerSecond / 20));
    this.intervalNanos = Math.max(1, (long) (1e9 / permitsPerSecond));
    this.toleranceNanos = intervalNanos * (this.burst - 1);
    this.clock = clock;
    this.description = description;
    this.theoreticalArrival = new AtomicLong(clock.getAsLong());
  }

  /** Takes a permit if one is free now. */
  boolean tryAcquire() {
    long now = clock.getAsLong();
    for (;;) {
      long tat = theoreticalArrival.get();
      long start = tat - now < 0 ? now : tat; // an idle bucket does not bank more than its burst
      if (start - now > toleranceNanos) {
        return false;
      }
      if (theoreticalArrival.compareAndSet(tat, start + intervalNanos)) {
        return true;
      }
    }
  }

  /** Gives back a permit taken by {@link #tryAcquire} for a call refused by another limit. */
  void refund() {
    theoreticalArrival.addAndGet(-intervalNanos);
  }

  double permitsPerSecond() {
    return permitsPerSecond;
  }

  int burst() {
    return burst;
  }

  /** What the limit applies to and where it comes from. */
  String description() {
    return description;
  }
}
