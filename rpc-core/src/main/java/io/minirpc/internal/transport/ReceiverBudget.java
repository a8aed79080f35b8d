package io.minirpc.internal.transport;

/** The memory byte credit and queued items count in: one for all a side's streams. */
public interface ReceiverBudget {
  /** Takes up to {@code bytes}, or nothing if fewer than {@code least} are free. */
  long take(long bytes, long least);

  /** Takes {@code bytes} whatever the budget says: they are in memory already. */
  void force(long bytes);

  /** Gives {@code bytes} back. */
  void give(long bytes);

  /** Runs {@code retry} once the budget has room again. */
  void await(Runnable retry);
}
