package io.minirpc.internal.server;

/**
 * What the server's {@link MemoryBudget} asks of each connection that holds some of it: to try
 * again when memory is given back, and to be closed when it holds memory for a frame it stopped
 * sending, or sends too slowly while others wait. {@link ConnectionMemory} is one; the budget
 * knows its connections only through this, so that neither file uses the other both ways.
 */
interface MemoryHolder {
  /** Memory was given back: a decoder that waits for it tries again, on its event loop. */
  void wake();

  /** How long the frame it holds memory for has not advanced; 0 when none is arriving. */
  long stalledFor(long nowNanos);

  /** Closes the connection: it holds memory for a frame it stopped sending. */
  void evict(long stalledNanos, long serverLimit);

  /** How much longer than its size allows the frame it holds memory for has been arriving. */
  long overdue(long nowNanos);

  /** Closes the connection: it holds memory for a frame that arrives too slowly for its size. */
  void evictSlow(long nowNanos, long serverLimit);
}
