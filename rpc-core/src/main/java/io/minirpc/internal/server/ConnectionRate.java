package io.minirpc.internal.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast each client host ({@link AddressGroup}) may open connections: a token bucket per host,
 * kept as {@link RateLimiter} keeps it (the theoretical arrival time of the next connection), so
 * that a host cannot make the server accept, and shake hands over TLS, thousands of connections a
 * second. A host whose bucket is full again is forgotten, so hosts that came once cost nothing.
 */
final class ConnectionRate {
  /** Hosts remembered before the first sweep for full buckets. */
  private static final int SWEEP_AT = 4096;

  private final long intervalNanos;
  private final long toleranceNanos;
  private final ConcurrentHashMap<InetAddress, AtomicLong> nextArrival = new ConcurrentHashMap<>();
  private volatile int sweepAt = SWEEP_AT;

  /**
   * @param perSecond connections a second one host may open on average
   * @param burst connections one host may open at once after a pause
   */
  ConnectionRate(int perSecond, int burst) {
    this.intervalNanos = Math.max(1, TimeUnit.SECONDS.toNanos(1) / perSecond);
    this.toleranceNanos = intervalNanos * (Math.max(1, burst) - 1);
  }

  /** Takes a permit for a new connection from {@code host}; false if it opens them too fast. */
  boolean tryAcquire(InetAddress host) {
    long now = System.nanoTime();
    AtomicLong tat = nextArrival.get(host);
    if (tat == null) {
      if (nextArrival.size() >= sweepAt) {
        sweep(now);
      }
      tat = nextArrival.computeIfAbsent(host, h -> new AtomicLong(now));
    }
    for (;;) {
      long next = tat.get();
      long start = next - now < 0 ? now : next;
      if (start - now > toleranceNanos) {
        return false;
      }
      if (tat.compareAndSet(next, start + intervalNanos)) {
        return true;
      }
    }
  }

  /** Forgets the hosts whose bucket is full again; remembers to sweep next at twice the rest. */
  private synchronized void sweep(long now) {
    if (nextArrival.size() < sweepAt) {
      return;
    }
    nextArrival.values().removeIf(tat -> tat.get() - now <= 0);
    sweepAt = Math.max(SWEEP_AT, 2 * nextArrival.size());
  }
}
