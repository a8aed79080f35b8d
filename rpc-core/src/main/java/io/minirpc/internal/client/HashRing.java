package io.minirpc.internal.client;

import io.minirpc.discovery.ServerInstance;
import java.util.Arrays;

/**
 * Consistent hashing with bounded load (Mirrokni et al., as in HAProxy and Envoy): points for
 * each endpoint on a ring, in proportion to its weight; a key goes to the first point after its
 * hash whose endpoint is a ready candidate loaded no more than {@link #LOAD_FACTOR} times the
 * mean.
 *
 * <p>The ring has at most {@link #MAX_POINTS} points (or one per endpoint, if there are more),
 * whatever the weights say: weights come from a registry that anyone who may write the group
 * writes, and a weight of 2^31 - 1 must not cost a client its memory. Immutable, so it is built
 * outside any lock, by the first call that finds the subset changed.
 */
final class HashRing {
  /** A key moves on from a server loaded above this times the mean. */
  static final double LOAD_FACTOR = 1.25;
  /** Points of an endpoint of small weight, so that its share is smooth. */
  static final int MIN_POINTS = 40;
  /** Points of the whole ring; weights are scaled down to fit. */
  static final int MAX_POINTS = 4096;

  /** The endpoints it was built for: the fleet's subset array, compared by identity. */
  final Endpoint[] members;
  private final long[] hashes;
  private final Endpoint[] owners;

  HashRing(Endpoint[] members) {
    this.members = members;
    int[] counts = new int[members.length];
    long total = 0;
    for (int i = 0; i < members.length; i++) {
      counts[i] = Math.max(MIN_POINTS,
          Math.min(members[i].instance().weight(), ServerInstance.MAX_WEIGHT));
      total += counts[i];
    }
    int n = 0;
    for (int i = 0; i < counts.length; i++) {
      if (total > MAX_POINTS) {
        counts[i] = (int) Math.max(1, counts[i] * MAX_POINTS / total);
      }
      n += counts[i];
    }
    long[] points = new long[n];
    Endpoint[] byPoint = new Endpoint[n];
    Integer[] order = new Integer[n];
    n = 0;
    for (int i = 0; i < members.length; i++) {
      for (int p = 0; p < counts[i]; p++) {
        points[n] = hash(members[i].address() + "#" + p);
        byPoint[n] = members[i];
        order[n] = n;
        n++;
      }
    }
    Arrays.sort(order, (a, b) -> Long.compare(points[a], points[b]));
    hashes = new long[n];
    owners = new Endpoint[n];
    for (int i = 0; i < n; i++) {
      hashes[i] = points[order[i]];
      owners[i] = byPoint[order[i]];
    }
  }

  /** Points on the ring. */
  int size() {
    return hashes.length;
  }

  /** The endpoint for {@code key}, or null if no ready candidate is within the load bound. */
  Endpoint pick(String key, Attempt.Call call, Endpoint[] eps, long now) {
    if (hashes.length == 0) {
      return null;
    }
    long total = 0;
    int ready = 0;
    for (Endpoint e : eps) {
      if (Candidates.candidate(e, call, now)) {
        total += e.load();
        ready++;
      }
    }
    if (ready == 0) {
      return null;
    }
    double bound = Math.ceil((total + 1) * LOAD_FACTOR / ready);
    int i = Arrays.binarySearch(hashes, hash(key));
    if (i < 0) {
      i = -i - 1;
    }
    for (int step = 0; step < hashes.length; step++) {
      Endpoint e = owners[(i + step) % hashes.length];
      if (Candidates.candidate(e, call, now) && e.load() + 1 <= bound) {
        return e;
      }
    }
    return null;
  }

  /** 64-bit FNV-1a, then a finalizer: stable across JVMs, so every client agrees. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
