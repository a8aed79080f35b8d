package io.minirpc.internal.server;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket for one kind of frame on one connection, as Netty's {@code
 * Http2MaxRstFrameDecoder} counts RST_STREAM frames: {@code perSecond} on average, up to {@code
 * burst} at once. Event loop only: no atomics.
 */
final class FloodBudget {
  private final double tokensPerNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  FloodBudget(int perSecond, int burst) {
    this.tokensPerNano = perSecond / (double) TimeUnit.SECONDS.toNanos(1);
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.lastNanos = System.nanoTime();
  }

  /** Takes one token; false when the connection is over its budget. */
  boolean take() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - lastNanos) * tokensPerNano);
    lastNanos = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
