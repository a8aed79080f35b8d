package io.minirpc.internal.client;

import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.config.BalancerKind;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the endpoint of each call among a fleet's subset, by the client's balancing policy, as
 * gRPC's {@code SubchannelPicker}: lock-free, reading only the endpoints' states and loads.
 *
 * <p>Weights come from a registry, which whoever may write the group writes: each counts up to
 * {@link ServerInstance#MAX_WEIGHT}, and a server's weight shrinks by the share of its recent
 * calls that failed, so that a server failing fast (and so with few calls pending) does not draw
 * more calls.
 */
final class Picker {
  private final BalancerKind policy;
  private final AtomicInteger next = new AtomicInteger();
  /** The ring over the last subset a hashed call saw; rebuilt when the subset changes. */
  private volatile HashRing ring;

  Picker(BalancerKind policy) {
    this.policy = policy;
  }

  /**
   * The endpoint for {@code call}: a ready one by the balancing policy, else one that is
   * connecting, else one that failed to connect (its own submit then fails the attempt unrun, and
   * the call moves on). Null when the call should wait, or none can serve it.
   */
  Endpoint pick(PendingCall call, Endpoint[] eps) {
    long now = System.nanoTime();
    int n = eps.length;
    if (n == 0) {
      return null;
    }
    if (n == 1 && candidate(eps[0], call, now)) {
      return eps[0]; // one server in the subset, ready: nothing to balance
    }
    int ready = 0;
    Endpoint connecting = null;
    Endpoint failing = null;
    Endpoint anyTried = null;
    boolean anyEjectedOnly = false;
    for (Endpoint e : eps) {
      if (!e.serves(call.method())) {
        continue;
      }
      if (e.isEjected(now)) {
        anyEjectedOnly = true;
        continue;
      }
      if (call.tried(e)) {
        anyTried = e;
        continue;
      }
      ConnectivityState s = e.state();
      if (s == ConnectivityState.READY) {
        ready++;
      } else if (s == ConnectivityState.TRANSIENT_FAILURE) {
        if (failing == null) {
          failing = e;
        }
      } else if (connecting == null) {
        connecting = e;
      }
    }
    if (ready > 0) {
      return balance(call, eps, ready, now);
    }
    if (connecting != null) {
      connecting.start();
      return connecting;
    }
    if (anyTried != null && failing == null) {
      // Only servers this call already tried are left; an idempotent retry may go back to one.
      return anyTried.state() == ConnectivityState.READY ? anyTried : null;
    }
    if (failing != null) {
      return call.waitForReady() ? null : failing;
    }
    if (anyEjectedOnly) {
      // Every server that could serve it is ejected: ejection never takes all, so use one.
      for (Endpoint e : eps) {
        if (e.serves(call.method()) && e.state() == ConnectivityState.READY) {
          return e;
        }
      }
    }
    return null;
  }

  /** Whether {@code e} is a ready candidate for {@code call}. */
  static boolean candidate(Endpoint e, PendingCall call, long now) {
    return e.serves(call.method()) && !e.isEjected(now) && !call.tried(e)
        && e.state() == ConnectivityState.READY;
  }

  private Endpoint balance(PendingCall call, Endpoint[] eps, int ready, long now) {
    switch (policy) {
      case ROUND_ROBIN:
        return nth(call, eps, Math.floorMod(next.getAndIncrement(), ready), now);
      case CONSISTENT_HASH: {
        String key = call.method().hashKey(call.args(), call.metadata());
        if (key != null) {
          Endpoint e = ring(eps).pick(key, call, eps, now);
          if (e != null) {
            return e;
          }
        }
        return leastPending(call, eps, ready, now);
      }
      default:
        return leastPending(call, eps, ready, now);
    }
  }

  /** The ring over {@code eps}, built by the first call that sees them, outside any lock. */
  HashRing ring(Endpoint[] eps) {
    HashRing r = ring;
    if (r == null || r.members != eps) {
      r = new HashRing(eps);
      ring = r; // a race builds it twice, and either is right
    }
    return r;
  }

  /**
   * Power of two choices: of two ready servers at random, the one with fewer calls pending per
   * weight. A tie, as between two idle servers, goes to each in proportion to its weight: a
   * server of weight 1000 gets about ten times the light load of one of weight 100, not all of
   * it, and carries ten times the calls pending under a heavy one.
   */
  private static Endpoint leastPending(PendingCall call, Endpoint[] eps, int ready, long now) {
    if (ready == 1) {
      return nth(call, eps, 0, now);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int i = random.nextInt(ready);
    int j = random.nextInt(ready - 1);
    if (j >= i) {
      j++;
    }
    Endpoint a = nth(call, eps, i, now);
    Endpoint b = nth(call, eps, j, now);
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

  /** The {@code index}th ready candidate of {@code eps}, or null if states changed meanwhile. */
  private static Endpoint nth(PendingCall call, Endpoint[] eps, int index, long now) {
    int seen = 0;
    for (Endpoint e : eps) {
      if (candidate(e, call, now)) {
        if (seen == index) {
          return e;
        }
        seen++;
      }
    }
    return null;
  }
}
