package io.minirpc.internal.client;

import java.util.concurrent.atomic.AtomicInteger;

/** {@code round-robin}: each ready candidate in turn. */
final class RoundRobin implements Balancer {
  private final AtomicInteger next = new AtomicInteger();

  @Override
  public Endpoint choose(Attempt.Call call, Endpoint[] eps, int ready, long now) {
    return Candidates.nth(call, eps, Math.floorMod(next.getAndIncrement(), ready), now);
  }
}
