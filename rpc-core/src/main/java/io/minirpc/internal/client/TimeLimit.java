package io.minirpc.internal.client;

/**
 * Which limit set a call's timeout, the earliest of three: the call's own, the server call it was
 * made from, the {@code CallDeadline} scope it was made in. Its messages name that limit, so that
 * the user raises the right one.
 */
enum TimeLimit {
  /** The method's {@code @Timeout}, else the client's {@code minirpc.timeout}. */
  OWN,
  /** The time left of the server call the call was made from (deadline propagation). */
  SERVER_CALL,
  /** The deadline of the {@code CallDeadline} scope the call was made in. */
  SCOPE;

  /**
   * "its timeout of 200 ms", or what else limited it, for a call that waited that long for a
   * connection or for room.
   */
  String within(long timeoutNanos) {
    long millis = timeoutNanos / 1_000_000;
    switch (this) {
      case SCOPE:
        return "the " + millis + " ms left of the CallDeadline scope it was made in";
      case SERVER_CALL:
        return "the " + millis + " ms left of the server call it was made from";
      default:
        return "its timeout of " + millis + " ms";
    }
  }

  /**
   * Follows "Call to X at Y ": the call was not sent, its deadline having passed {@code
   * overdueNanos} ago. Never for {@link #OWN}, which is always positive.
   */
  String notSent(long overdueNanos) {
    if (this == SCOPE) {
      return "was not sent: the deadline of the CallDeadline scope it was made in had already"
          + " passed (" + overdueNanos / 1_000_000 + " ms ago). Open the scope with more time"
          + " (CallDeadline.after or CallDeadline.at), or make the call outside it";
    }
    return "was not sent: the deadline of the server call it was made from has already passed"
        + " (deadline propagation). Give the outer call more time, or build this client with"
        + " propagateDeadline(false)";
  }

  /**
   * Follows "Call to X at Y ": the call timed out after {@code timeoutNanos}; {@code ownNanos} is
   * its own timeout.
   */
  String timedOut(long timeoutNanos, long ownNanos) {
    long millis = timeoutNanos / 1_000_000;
    switch (this) {
      case SCOPE:
        return "timed out after " + millis + " ms: the deadline of the CallDeadline scope it was"
            + " made in passed before the server answered (its own timeout, " + ownNanos
            / 1_000_000 + " ms, was longer). Give the scope more time (CallDeadline.after or"
            + " CallDeadline.at), or check the server: it may be slow or overloaded";
      case SERVER_CALL:
        return "timed out after " + millis + " ms, the time left of the server call it was made"
            + " from (deadline propagation). Give the outer call more time, or build this client"
            + " with propagateDeadline(false)";
      default:
        return "timed out after " + millis + " ms. The server may be slow or overloaded, or the"
            + " network partitioned: check the server, or raise the timeout (minirpc.timeout, or"
            + " @Timeout on the method)";
    }
  }
}
