package io.minirpc.internal.config;

/** How a client of several servers picks one per call; {@code minirpc.loadBalancer}. */
public enum BalancerKind {
  /** Of two servers picked at random, the one with fewer calls pending per unit of weight. */
  LEAST_PENDING,
  /** Each ready server in turn. */
  ROUND_ROBIN,
  /** The server a call's {@code @HashKey} hashes to, moving on when it is loaded above the mean. */
  CONSISTENT_HASH
}
