package io.minirpc.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  @Test
  void retriesAreAShareOfCalls() {
    RetryBudget budget = new RetryBudget(0.2, 0);
    assertFalse(budget.tryRetry(), "no calls, no retries");
    for (int i = 0; i < 100; i++) {
      budget.deposit();
    }
    int allowed = 0;
    while (budget.tryRetry()) {
      allowed++;
    }
    assertEquals(20, allowed, "20 % of 100 calls");
    budget.refund();
    assertTrue(budget.tryRetry(), "a refunded retry can be made again");
    assertFalse(budget.tryRetry());
  }

  @Test
  void aQuietClientMayStillRetryAFewTimesASecond() {
    RetryBudget budget = new RetryBudget(0.2, 10);
    int allowed = 0;
    while (budget.tryRetry() && allowed < 10_000) {
      allowed++;
    }
    assertEquals(200, allowed, "10 a second over the 20 s the budget looks back");
  }
}
