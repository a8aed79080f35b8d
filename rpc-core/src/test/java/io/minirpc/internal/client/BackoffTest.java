package io.minirpc.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The wait between reconnection attempts. */
class BackoffTest {
  private static final long MS = 1_000_000L;

  @Test
  void doublesFromTheInitialDelayUpToTheMaximum() {
    long[] expected = {100, 100, 200, 400, 800, 1600, 3200, 5000, 5000};
    for (int failures = 0; failures < expected.length; failures++) {
      assertEquals(expected[failures] * MS,
          Backoff.delayNanos(100 * MS, 5000 * MS, failures, 0.5),
          "after " + failures + " failures");
    }
    assertEquals(5000 * MS, Backoff.delayNanos(100 * MS, 5000 * MS, 1_000, 0.5),
        "no overflow after many failures");
  }

  @Test
  void jitterSpreadsTheDelayByTwentyPercentEitherWay() {
    assertEquals(320 * MS, Backoff.delayNanos(100 * MS, 5000 * MS, 3, 0.0) / MS * MS);
    assertEquals(479 * MS, Backoff.delayNanos(100 * MS, 5000 * MS, 3, 0.9999) / MS * MS);
  }
}
