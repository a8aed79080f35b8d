package io.minirpc.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket, on a clock the test moves by hand. */
class RateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private RateLimiter limiter(double rate, int burst) {
    return new RateLimiter(rate, burst, now::get, "test");
  }

  @Test
  void acceptsTheBurstAtOnceThenOnePermitPerInterval() {
    RateLimiter l = limiter(100, 5); // one permit per 10 ms
    for (int i = 0; i < 5; i++) {
      assertTrue(l.tryAcquire(), "burst permit " + i);
    }
    assertFalse(l.tryAcquire());
    now.addAndGet(9_000_000);
    assertFalse(l.tryAcquire(), "9 ms is not yet an interval");
    now.addAndGet(1_000_000);
    assertTrue(l.tryAcquire());
    assertFalse(l.tryAcquire());
  }

  @Test
  void overALongRunAcceptsTheRatePlusTheBurst() {
    RateLimiter l = limiter(200, 0); // default burst: 10
    assertEquals(10, l.burst());
    int accepted = 0;
    for (int ms = 0; ms < 5000; ms++) { // 5 s, ten attempts each millisecond
      for (int k = 0; k < 10; k++) {
        if (l.tryAcquire()) {
          accepted++;
        }
      }
      now.addAndGet(1_000_000);
    }
    assertEquals(1000 + 10, accepted, 1);
  }

  @Test
  void anIdleBucketBanksNoMoreThanItsBurst() {
    RateLimiter l = limiter(10, 3);
    now.addAndGet(60_000_000_000L); // a quiet minute
    int accepted = 0;
    while (l.tryAcquire()) {
      accepted++;
    }
    assertEquals(3, accepted);
  }

  @Test
  void aRefundedPermitCanBeTakenAgain() {
    RateLimiter l = limiter(1, 1);
    assertTrue(l.tryAcquire());
    assertFalse(l.tryAcquire());
    l.refund();
    assertTrue(l.tryAcquire());
  }

  @Test
  void refusesANonPositiveRate() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> limiter(0, 1));
    assertTrue(e.getMessage().contains("positive"), e.getMessage());
  }
}
