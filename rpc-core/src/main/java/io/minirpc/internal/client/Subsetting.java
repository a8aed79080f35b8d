package io.minirpc.internal.client;

import java.util.ArrayList;
import java.util.List;

/**
 * Which servers of a fleet a client connects to ({@code minirpc.subsetSize}): a stable random
 * subset, so that a client of a 500-server fleet does not hold 500 connections, and so that the
 * clients of one fleet spread over all of its servers.
 */
final class Subsetting {
  private Subsetting() {}

  /** A position in one client's own random order of servers ({@code seed}), stable for its life. */
  static long rank(long seed, String address) {
    long h = seed ^ address.hashCode() * 0x9E3779B97F4A7C15L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  /**
   * The subset of {@code every}, in the client's order: the first {@code want} servers that are
   * neither ejected nor failing to connect, plus those in between that are, so that a failing
   * server is replaced rather than leaving the subset short.
   */
  static List<Endpoint> choose(Endpoint[] every, int want, long now) {
    List<Endpoint> chosen = new ArrayList<>();
    int healthy = 0;
    for (Endpoint e : every) {
      if (healthy >= want) {
        break;
      }
      chosen.add(e);
      if (!e.isEjected(now) && e.state() != ConnectivityState.TRANSIENT_FAILURE) {
        healthy++;
      }
    }
    return chosen;
  }
}
