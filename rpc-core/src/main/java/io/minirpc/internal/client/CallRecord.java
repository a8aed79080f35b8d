package io.minirpc.internal.client;

import java.util.concurrent.CompletableFuture;

/**
 * The future a caller holds, with the record of what the call's attempts did: where they went and
 * how many went again, which the retry policy ({@link Retries}) and the balancer (which avoids
 * servers already tried) read. {@link PendingCall} is the call, which owns its attempts on
 * connections; this part knows nothing of connections or queues. A call and its hedge are two
 * attempts that may write the record at once, so writes take its lock; they are rare (a retry, a
 * hedge), and the balancer's reads take none.
 */
abstract class CallRecord extends CompletableFuture<Object> {
  private static final String[] NONE = new String[0];
  /** Servers earlier attempts went to, replaced whole on each write. */
  private volatile String[] tried = NONE;
  /**
   * Attempts sent again after they failed unrun (the low 16 bits), and after they may have run
   * (the high 16); guarded by this. One field: a call is allocated per call.
   */
  private int retryCounts;

  /** Whether an earlier attempt of this call went to the server at {@code address}. */
  public final boolean tried(String address) {
    for (String t : tried) {
      if (t.equals(address)) {
        return true;
      }
    }
    return false;
  }

  /** Attempts sent again after they failed without running. */
  final synchronized int unrunRetries() {
    return retryCounts & 0xFFFF;
  }

  /** Attempts sent again after they may have run (idempotent retries). */
  final synchronized int retries() {
    return retryCounts >>> 16;
  }

  /** Counts an attempt that goes again: {@code unrun} if the failed one did not run. */
  final synchronized void countRetry(boolean unrun) {
    // Both stay far below 0xFFFF: the retry policy stops a call long before.
    retryCounts += unrun ? 1 : 1 << 16;
  }

  /**
   * An attempt left the server at {@code address}, or another attempt is there: the next goes
   * elsewhere if it can.
   */
  final synchronized void avoid(String address) {
    if (address != null && !tried(address)) {
      String[] t = java.util.Arrays.copyOf(tried, tried.length + 1);
      t[t.length - 1] = address;
      tried = t;
    }
  }
}
