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
  private static final int UNRUN = 1;
  private static final int PENDING = 1 << 8;
  private static final int RAN = 1 << 16;
  /**
   * Attempts sent again after they failed unrun (bits 0 to 7; the retry policy stops at 16),
   * retries decided but not yet sent (8 to 15; at most one per attempt), and attempts sent again
   * after they may have run (16 to 31); guarded by this. One field: a call is allocated per call.
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
    return retryCounts & 0xFF;
  }

  /** Attempts sent again after they may have run (idempotent retries). */
  final synchronized int retries() {
    return retryCounts >>> 16;
  }

  /**
   * Counts an attempt that goes again: {@code unrun} if the failed one did not run. Its retry is
   * pending until {@link #retrySent()}.
   */
  final synchronized void countRetry(boolean unrun) {
    if (unrun || retryCounts >>> 16 < 0xFFFF) { // ran: saturates, the deadline stops it anyway
      retryCounts += (unrun ? UNRUN : RAN) + PENDING;
    } else {
      retryCounts += PENDING;
    }
  }

  /** A retry counted as pending was sent, or will not be: the call no longer waits for it. */
  final synchronized void retrySent() {
    if ((retryCounts & 0xFF00) != 0) {
      retryCounts -= PENDING;
    }
  }

  /** Whether a retry of an attempt was decided and not yet sent (it waits for its backoff). */
  final synchronized boolean retryPending() {
    return (retryCounts & 0xFF00) != 0;
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
