package io.minirpc.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyTrackerTest {
  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void noPercentileUntilTwentyCallsHaveEnded() {
    LatencyTracker t = new LatencyTracker(95);
    for (int i = 1; i < LatencyTracker.MIN_CALLS; i++) {
      t.record(ms(i));
      assertEquals(0, t.percentileNanos());
    }
    t.record(ms(20));
    assertEquals(ms(19), t.percentileNanos(), "the 19th of 20 sorted latencies is the 95th");
  }

  @Test
  void thePercentileFollowsTheLast256Calls() {
    LatencyTracker t = new LatencyTracker(80);
    for (int i = 0; i < 256; i++) {
      t.record(ms(1 + i % 100)); // 1..100 ms, then 1..100, then 1..56
    }
    long p80 = t.percentileNanos();
    // Three of each of 1..56 ms and two of each of 57..100: the 205th of 256 sorted is 75 ms.
    assertEquals(ms(75), p80);
    for (int i = 0; i < 256; i++) {
      t.record(ms(5)); // the method got fast: the old latencies leave the window
    }
    assertEquals(ms(5), t.percentileNanos());
  }
}
