package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.transport.LogSafe;
import io.netty.util.Timer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision to send a failed attempt of a fleet's call again, and the error a call ends with
 * when none is left. An attempt that provably did not run (never left the client, or refused by
 * the server before dispatch) goes again at once to a server not tried yet, within the deadline;
 * one that may have run goes again only if its method is {@code @Idempotent}, after a backoff, up
 * to {@code minirpc.maxAttempts} and within the {@link RetryBudget}.
 */
final class Retries {
  private static final Logger log = LoggerFactory.getLogger(Retries.class);
  /** Resends of one call that its server refused unrun because it was going away (GOAWAY). */
  private static final int MAX_SAME_SERVER_RESENDS = 3;
  /** Attempts of one call that failed unrun, over every server. */
  private static final int MAX_UNRUN_RETRIES = 16;
  private static final long MAX_RETRY_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

  final RetryBudget budget;
  private final ClientConfig settings;
  private final String target;
  private final Timer timer;
  private final boolean single;
  private final Supplier<Endpoint[]> subset;
  private final Consumer<Attempt> submit;
  /** Lines about servers that refuse what others serve: at most one a second. */
  private final LogSafe.Limiter refusals = LogSafe.Limiter.perSecond();

  /**
   * @param single whether the fleet is one fixed server
   * @param subset the servers that take calls now
   * @param submit sends a call anew, to the server the fleet picks
   */
  Retries(ClientConfig settings, String target, Timer timer, boolean single,
      Supplier<Endpoint[]> subset, Consumer<Attempt> submit) {
    this.budget = new RetryBudget(settings.retryBudget(), 10);
    this.settings = settings;
    this.target = target;
    this.timer = timer;
    this.single = single;
    this.subset = subset;
    this.submit = submit;
  }

  /**
   * Sends a failed attempt of {@code call} again if it may and can go; false to end the call with
   * {@code error}. Runs where the attempt failed: an event loop, the timer, a caller's thread.
   */
  boolean retry(PendingCall call, Attempt failed, RpcException error, int how) {
    long left = call.deadlineNanos() - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    RpcException.Code code = error.code();
    if (how != AttemptFailure.MAY_HAVE_RUN) {
      if (code != RpcException.Code.UNAVAILABLE && code != RpcException.Code.RESOURCE_EXHAUSTED
          && code != RpcException.Code.NOT_FOUND && code != RpcException.Code.CODEC) {
        return false; // refused for who the caller is, or cancelled: the same anywhere
      }
      if (call.unrunRetries() >= MAX_UNRUN_RETRIES) {
        return false;
      }
      String from = failed.server();
      boolean goingAway =
          how == AttemptFailure.UNRUN_REMOTE && code == RpcException.Code.UNAVAILABLE;
      boolean elsewhere = hasUntried(call, from);
      if (!elsewhere && !(goingAway && call.unrunRetries() < MAX_SAME_SERVER_RESENDS)) {
        return false;
      }
      // Counted as pending before the attempt ends: a hedge failing meanwhile waits for it.
      call.countRetry(true);
      if (!call.detach(failed)) {
        call.retrySent(); // the call ended meanwhile
        return false;
      }
      if (how == AttemptFailure.UNRUN_REMOTE && (code == RpcException.Code.NOT_FOUND
          || code == RpcException.Code.CODEC) && from != null) {
        // The server refused what its peers serve: a stray or misconfigured server, worth a word.
        refusals.warn(log, "The server at " + LogSafe.escape(from, 300) + " of "
            + target + " refused " + call.method().descriptor().displayName()
            + " unrun; sending it to another server: "
            + LogSafe.escape(error.getMessage(), 500));
      } else if (log.isDebugEnabled()) {
        log.debug("Sending {} again{}: {}", call.method().descriptor().displayName(),
            elsewhere ? " to another server" : "", LogSafe.escape(error.getMessage(), 500));
      }
      resubmit(call, failed);
      return true;
    }
    if (code != RpcException.Code.UNAVAILABLE || !call.method().idempotent()
        || call.retries() + 1 >= settings.maxAttempts()) {
      return false;
    }
    long backoff = Backoff.delayNanos(settings.retryBackoff().toNanos(), MAX_RETRY_BACKOFF_NANOS,
        call.retries() + 1, ThreadLocalRandom.current().nextDouble());
    if (backoff >= left || !budget.tryRetry()) {
      return false;
    }
    call.countRetry(false);
    if (!call.detach(failed)) {
      call.retrySent(); // the call ended meanwhile
      budget.refund();
      return false;
    }
    log.debug("Retrying idempotent {} in {} ms: {}", call.method().descriptor().displayName(),
        TimeUnit.NANOSECONDS.toMillis(backoff), LogSafe.escape(error.getMessage(), 500));
    try {
      timer.newTimeout(t -> resubmit(call, failed), backoff, TimeUnit.NANOSECONDS);
    } catch (IllegalStateException stopped) {
      call.fail(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
    }
    return true;
  }

  /**
   * The error a call ends with when no attempt is left: {@code error}, or, when it never left the
   * client because no server of a fleet could be reached, one that names every server tried and
   * why it failed, not only the last.
   */
  RpcException finalError(PendingCall call, RpcException error, int how) {
    if (single || how != AttemptFailure.UNRUN_LOCAL
        || error.code() != RpcException.Code.UNAVAILABLE) {
      return error;
    }
    Endpoint[] eps = subset.get();
    StringBuilder why = new StringBuilder();
    int down = 0;
    for (Endpoint e : eps) {
      if (e.serves(call.method()) && e.state() == ConnectivityState.TRANSIENT_FAILURE) {
        down++;
        String failure = e.lastFailure();
        why.append(why.length() == 0 ? "" : "; ").append(e.address())
            .append(failure == null ? "" : ": " + failure);
      }
    }
    if (down < 2) {
      return error;
    }
    return new RpcException(RpcException.Code.UNAVAILABLE, call.method().callPrefix()
        + "failed: none of the " + down + " servers of " + target + " it could go to can be"
        + " reached (" + LogSafe.escape(why.toString(), 2000) + "). It did not run, so it is safe"
        + " to retry. The client keeps reconnecting in the background; to make calls wait for a"
        + " server within their timeout instead, set minirpc.waitForReady=true or annotate the"
        + " method with @WaitForReady", error);
  }

  private void resubmit(PendingCall call, Attempt failed) {
    Attempt next = call.nextAttempt(failed);
    if (next != null) {
      submit.accept(next);
    }
  }

  /** Whether a server this call has not tried could take it. */
  private boolean hasUntried(PendingCall call, String from) {
    if (single) {
      return false;
    }
    long now = System.nanoTime();
    for (Endpoint e : subset.get()) {
      if (!e.address().equals(from) && !call.tried(e.address()) && e.serves(call.method())
          && !e.isEjected(now)
          && (e.state() != ConnectivityState.TRANSIENT_FAILURE || call.waitForReady())) {
        return true;
      }
    }
    return false;
  }
}
