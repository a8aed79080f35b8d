package io.minirpc.internal.client;

import io.minirpc.internal.config.BalancerKind;

/**
 * Picks the endpoint of each call among a fleet's subset, as gRPC's {@code SubchannelPicker}:
 * lock-free, reading only the endpoints' states and loads. Among ready servers, the client's
 * balancing policy ({@link Balancer}) chooses; when none is ready, this decides whether the call
 * goes to one that connects, waits, or fails.
 */
final class Picker {
  private final Balancer balancer;

  Picker(BalancerKind policy) {
    switch (policy) {
      case ROUND_ROBIN:
        balancer = new RoundRobin();
        break;
      case CONSISTENT_HASH:
        balancer = new ConsistentHash();
        break;
      default:
        balancer = new LeastPending();
    }
  }

  /**
   * The endpoint for {@code call}: a ready one by the balancing policy, else one that is
   * connecting, else one that failed to connect (its own submit then fails the attempt unrun, and
   * the call moves on). Null when the call should wait, or none can serve it.
   */
  Endpoint pick(Attempt.Call call, Endpoint[] eps) {
    long now = System.nanoTime();
    int n = eps.length;
    if (n == 0) {
      return null;
    }
    if (n == 1 && Candidates.candidate(eps[0], call, now)) {
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
      if (call.tried(e.address())) {
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
      return balancer.choose(call, eps, ready, now);
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
}
