package io.minirpc.internal.client;

/**
 * A balancing policy: which of the ready candidates in a fleet's subset a call goes to, as gRPC's
 * {@code LoadBalancer} policies. One class per policy ({@link LeastPending}, {@link RoundRobin},
 * {@link ConsistentHash}); {@link Picker} decides first whether any is ready at all, and what to
 * do when none is.
 */
interface Balancer {
  /**
   * One of the {@code ready} candidates of {@code eps} for {@code call} ({@link
   * Candidates#candidate}), or null if their states changed meanwhile. Lock-free, any thread.
   */
  Endpoint choose(Attempt.Call call, Endpoint[] eps, int ready, long now);
}
