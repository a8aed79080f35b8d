package io.minirpc.internal.client;

/**
 * {@code consistent-hash}: by the method's {@code @HashKey} argument (or metadata), so that equal
 * keys reach the same server, moving on from a server loaded above {@link HashRing#LOAD_FACTOR}
 * times the mean. A call without a key is balanced as {@link LeastPending} balances it.
 */
final class ConsistentHash implements Balancer {
  private final Balancer keyless = new LeastPending();
  /** The ring over the last subset a hashed call saw; rebuilt when the subset changes. */
  private volatile HashRing ring;

  @Override
  public Endpoint choose(Attempt.Call call, Endpoint[] eps, int ready, long now) {
    String key = call.method().hashKey(call.args(), call.metadata());
    if (key != null) {
      Endpoint e = ring(eps).pick(key, call, eps, now);
      if (e != null) {
        return e;
      }
    }
    return keyless.choose(call, eps, ready, now);
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
}
