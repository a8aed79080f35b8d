package io.minirpc.internal.transport;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one {@link ItemReceiver} holds of its side's {@link ReceiverBudget}: kept equal to its
 * byte credit left and its queued items, taken when it grants, given back as its items are
 * delivered. Used under the receiver's lock, but {@link #await}'s retry, which runs outside it.
 */
final class BudgetHold {
  private final ReceiverBudget memory;
  /** Whether a retry waits for the budget to have room. */
  private final AtomicBoolean awaiting = new AtomicBoolean();
  private long held;

  BudgetHold(ReceiverBudget memory) {
    this.memory = memory;
  }

  /** What the receiver holds of the budget now. */
  long held() {
    return held;
  }

  /** Takes up to {@code bytes} of the budget, at least {@code least}; returns what it took. */
  long take(long bytes, long least) {
    long taken = memory.take(bytes, least);
    held += taken;
    return taken;
  }

  /**
   * Makes what the receiver holds {@code target}: its byte credit left and its queued items. An
   * item that overdrew its credit is in memory already, and is counted whatever the budget says.
   */
  void match(long target) {
    long delta = target - held;
    held = target;
    if (delta > 0) {
      memory.force(delta);
    } else if (delta < 0) {
      memory.give(-delta);
    }
  }

  /** Runs {@code grant} once the budget has room again, once however often it is asked. */
  void await(Runnable grant) {
    if (awaiting.compareAndSet(false, true)) {
      memory.await(() -> {
        awaiting.set(false);
        grant.run();
      });
    }
  }
}
