package io.minirpc.internal.client;

/** Which endpoints of a subset a call may go to now, for every balancing policy. */
final class Candidates {
  private Candidates() {}

  /** Whether {@code e} is a ready candidate for {@code call}. */
  static boolean candidate(Endpoint e, Attempt.Call call, long now) {
    return e.serves(call.method()) && !e.isEjected(now) && !call.tried(e.address())
        && e.state() == ConnectivityState.READY;
  }

  /** The {@code index}th ready candidate of {@code eps}, or null if states changed meanwhile. */
  static Endpoint nth(Attempt.Call call, Endpoint[] eps, int index, long now) {
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
