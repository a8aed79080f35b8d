package io.minirpc.internal.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The part of the server's {@link MemoryBudget} that one client host ({@link AddressGroup}) holds
 * through all its connections, and how many of them wait for memory while it holds less than
 * its share: those are the waiters a host over its share gives way to.
 */
final class AddressShare {
  /** The host's {@link AddressGroup}, or a marker for the in-JVM transport. */
  final Object key;
  /** "192.0.2.1", "2001:db8:0:0:0:0:0:0/64", or "local" for the in-JVM transport. */
  final String host;
  private final AtomicLong used = new AtomicLong();
  private final AtomicInteger starved = new AtomicInteger();
  /** Open connections of this host; guarded by the budget's map of shares. */
  int connections;

  AddressShare(Object key, String host) {
    this.key = key;
    this.host = host;
  }

  long used() {
    return used.get();
  }

  void add(long bytes) {
    used.addAndGet(bytes);
  }

  /** One more of its connections waits below its share: true if it is the first. */
  boolean starve() {
    return starved.getAndIncrement() == 0;
  }

  /** One fewer waits below its share: true if it was the last. */
  boolean fed() {
    return starved.decrementAndGet() == 0;
  }

  /** Whether any of its connections waits below its share. */
  boolean starved() {
    return starved.get() > 0;
  }
}
