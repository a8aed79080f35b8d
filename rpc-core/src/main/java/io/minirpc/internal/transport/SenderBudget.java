package io.minirpc.internal.transport;

/** The memory the held items count in: a server's connection budget, a client's. */
public interface SenderBudget {
  /** {@code bytes} more are held, whatever the budget says: they are in memory already. */
  void hold(long bytes);

  /** {@code bytes} held were written or dropped. */
  void release(long bytes);

  /** Whether what waits to be written holds more than its share: ask for nothing then. */
  boolean overShare();
}
