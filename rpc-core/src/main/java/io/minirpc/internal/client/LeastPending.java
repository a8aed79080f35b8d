package io.minirpc.internal.client;

import io.minirpc.discovery.ServerInstance;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code least-pending}, the default. Power of two choices: of two ready servers at random, the
 * one with fewer calls pending per weight, which moves load away from a slow server. A tie, as
 * between two idle servers, goes to each in proportion to its weight: a server of weight 1000 gets
 * about ten times the light load of one of weight 100, not all of it, and carries ten times the
 * calls pending under a heavy one.
 *
 * <p>Weights come from a registry, which whoever may write the group writes: each counts up to
 * {@link ServerInstance#MAX_WEIGHT}, and a server's weight shrinks by the share of its recent
 * calls that failed, so that a server failing fast (and so with few calls pending) does not draw
 * more calls.
 */
final class LeastPending implements Balancer {
  @Override
  public Endpoint choose(Attempt.Call call, Endpoint[] eps, int ready, long now) {
    if (ready == 1) {
      return Candidates.nth(call, eps, 0, now);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int i = random.nextInt(ready);
    int j = random.nextInt(ready - 1);
    if (j >= i) {
      j++;
    }
    Endpoint a = Candidates.nth(call, eps, i, now);
    Endpoint b = Candidates.nth(call, eps, j, now);
    if (a == null || b == null) {
      return a != null ? a : b; // one changed state meanwhile
    }
    long wa = weight(a);
    long wb = weight(b);
    // Compare load / weight without dividing.
    long scoreA = (long) a.load() * wb;
    long scoreB = (long) b.load() * wa;
    if (scoreA != scoreB) {
      return scoreA < scoreB ? a : b;
    }
    return random.nextLong(wa + wb) < wa ? a : b;
  }

  private static long weight(Endpoint e) {
    return e.health.effectiveWeight(Math.min(e.instance().weight(), ServerInstance.MAX_WEIGHT));
  }
}
