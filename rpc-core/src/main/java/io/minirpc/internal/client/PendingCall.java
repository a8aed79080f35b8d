package io.minirpc.internal.client;

import io.minirpc.internal.transport.ItemReceiver;
import io.minirpc.internal.transport.StreamDelivery;
import io.minirpc.RpcException;
import io.netty.buffer.ByteBuf;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One call from the moment it is encoded until it ends: the future the caller holds and the timer
 * task of its deadline. It owns its attempts ({@link Attempt}), each bound to one connection at
 * most: one under way, and a hedged one racing it when the method hedges. A failed attempt may be
 * followed by another, which the fleet's retry {@link Policy} decides. The call ends exactly once:
 * with a result, or with an exception, whichever comes first; everything after that is ignored,
 * and ending it ends its attempts.
 *
 * <p>Of two racing attempts, the first answer ends the call, a value or the server's error alike.
 * An attempt that fails without an answer (its server unreachable, busy, or too slow) leaves the
 * call to the other; when both have, the last failure ends it.
 */
final class PendingCall extends CallRecord implements TimerTask, Attempt.Call {
  private static final AtomicIntegerFieldUpdater<PendingCall> FINISHED =
      AtomicIntegerFieldUpdater.newUpdater(PendingCall.class, "finished");

  /**
   * The retry policy of the {@link Fleet} a call's attempts go to: whether a failed attempt goes
   * again, and what the call ends with when it does not.
   */
  interface Policy {
    /** Whether {@code call} goes again after its attempt {@code failed} failed {@code how}. */
    boolean retry(PendingCall call, Attempt failed, RpcException error, int how);

    /** The error {@code call} ends with when its attempt failed {@code how} and it goes no more. */
    RpcException finalError(PendingCall call, RpcException error, int how);
  }

  /** Encodes a call's request, for its first attempt or a new one, with the time it has left. */
  interface Encoder {
    /**
     * The request of a call; with {@code evolving}, in the codec's layout for a server whose
     * classes differ from the client's (flagged EVOLVING).
     */
    ByteBuf encode(ClientMethod method, Object[] args, long timeoutNanos,
        Map<String, String> metadata, boolean evolving);
  }

  private final ClientMethod method;
  /** What a resend encodes again; never copied, only read. */
  private final Object[] args;
  private final Map<String, String> metadata;
  /** The client's encoder and retry policy: one object per client, one field per call. */
  private final Support support;
  private final long timeoutNanos;
  /** When the caller stops waiting, on the {@link System#nanoTime()} clock. */
  private final long deadlineNanos;
  /** Which limit {@link #timeoutNanos} is, for the message when it passes. */
  private final TimeLimit limit;
  private volatile Timeout timeout;
  /** 1 once something has taken the right to end the call. */
  private volatile int finished;
  /** The attempt under way, or the last one once the call has ended. */
  private volatile Attempt attempt;
  /** The hedged attempt racing {@link #attempt} (or the one that followed it), or null. */
  private volatile Attempt hedge;
  /** The call's streams, either way; null for a call that streams not. */
  private CallStreams streams;

  /**
   * What every call of one client shares: how its requests are encoded, and where a failed
   * attempt may go again.
   *
   * @param encoder encodes a call's request, for its first attempt or a new one
   * @param fleet where a failed attempt may go again, and whose health records it updates; null
   *     for none (calls that cannot be retried)
   * @param delivery where a client's stream asks its publisher for items; null if none streams
   */
  record Support(Encoder encoder, Policy fleet, StreamDelivery delivery) {}

  /**
   * @param support the client's encoder and retry policy
   * @param timeoutNanos this call's timeout: the method's, or less when another limit is earlier
   * @param limit which limit {@code timeoutNanos} is
   */
  PendingCall(ClientMethod method, Object[] args, Map<String, String> metadata,
      Support support, long timeoutNanos, TimeLimit limit) {
    this.method = method;
    this.args = args;
    this.metadata = metadata;
    this.support = support;
    this.attempt =
        new Attempt(this, support.encoder().encode(method, args, timeoutNanos, metadata, false));
    this.timeoutNanos = timeoutNanos;
    this.deadlineNanos = System.nanoTime() + timeoutNanos;
    this.limit = limit;
    int input = method.descriptor().inputIndex();
    this.streams = input < 0 ? null : new CallStreams(null, new OutboundStream(this::fail, method,
        (java.util.concurrent.Flow.Publisher<?>) args[input], support.delivery()));
  }

  /** The call streams from the server into {@code receiver} (null: it does not); returns this. */
  PendingCall stream(ItemReceiver receiver) {
    if (receiver != null) {
      streams = streams == null ? new CallStreams(receiver, null) : streams.receiving(receiver);
    }
    return this;
  }

  @Override
  public CallStreams streams() {
    return streams;
  }

  @Override
  public long timeoutNanos() {
    return timeoutNanos;
  }

  @Override
  public TimeLimit limit() {
    return limit;
  }

  /** Whether the call waits for a connection when none can be made, see {@link ClientMethod}. */
  @Override
  public boolean waitForReady() {
    return method.waitForReady();
  }

  @Override
  public ClientMethod method() {
    return method;
  }

  void timeout(Timeout timeout) {
    this.timeout = timeout;
  }

  /** The attempt under way: the first until one fails and another follows. */
  Attempt attempt() {
    return attempt;
  }

  @Override
  public long deadlineNanos() {
    return deadlineNanos;
  }

  @Override
  public Object[] args() {
    return args;
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Ends {@code failed} (taken off its connection, with its permit, or out of its queue) so that
   * the call can go again; false if that attempt had already ended, or the call did.
   */
  boolean detach(Attempt failed) {
    if (!failed.end()) {
      return false;
    }
    avoid(failed.server());
    return true;
  }

  /**
   * The attempt that follows {@code failed}, detached by the retry policy, its request encoded
   * again with the time now left; null if the call ended or cannot be encoded (it then has
   * ended).
   */
  Attempt nextAttempt(Attempt failed) {
    retrySent();
    Attempt next = newAttempt(true);
    if (next == null) {
      return null;
    }
    synchronized (this) {
      if (failed == hedge) {
        hedge = next;
      } else {
        attempt = next;
      }
    }
    return installed(next);
  }

  /**
   * A second attempt racing the one under way, sent to another server; null if the call ended,
   * or if its request cannot be encoded again (the first attempt then goes on alone).
   */
  Attempt hedge() {
    Attempt first = attempt;
    Attempt second = newAttempt(false);
    if (second == null) {
      return null;
    }
    avoid(first.server());
    synchronized (this) {
      hedge = second;
    }
    return installed(second);
  }

  /**
   * A new attempt with the time left, or null; with {@code failing}, an encoding error ends the
   * call.
   */
  private Attempt newAttempt(boolean failing) {
    long left = deadlineNanos - System.nanoTime();
    if (isDone()) {
      return null;
    }
    try {
      return new Attempt(this,
          support.encoder().encode(method, args, Math.max(1, left), metadata, false));
    } catch (RuntimeException e) {
      if (failing) {
        fail(e);
      }
      return null;
    }
  }

  @Override
  public ByteBuf encodeEvolving() {
    long left = deadlineNanos - System.nanoTime();
    return support.encoder().encode(method, args, Math.max(1, left), metadata, true);
  }

  private Attempt installed(Attempt a) {
    if (ending()) {
      a.end(); // ended meanwhile: its end() may not have seen this attempt
      return null;
    }
    return a;
  }

  /**
   * {@code failed}, an attempt of this call, failed {@code how} (one of {@link AttemptFailure}'s
   * kinds): the fleet decides whether the call goes again; if not, it ends with {@code error}.
   * Ignored when that attempt has already ended: an old attempt never touches a new one.
   */
  @Override
  public void attemptFailed(Attempt failed, RpcException error, int how) {
    if (isDone() || !failed.live() || !failed.claimFailure()) {
      return; // over, or another thread handles this attempt's failure
    }
    Policy fleet = support.fleet();
    if (streams != null && streams.begun()) {
      fleet = null; // a stream that has begun is not sent again
    }
    if (fleet != null && fleet.retry(this, failed, error, how)) {
      return;
    }
    if (!AttemptFailure.isAnswer(error) && leftToOther(failed)) {
      return;
    }
    fail(fleet == null ? error : fleet.finalError(this, error, how));
  }

  @Override
  public void attemptRefused(Attempt refused, RpcException error) {
    if (isDone() || !refused.live() || !refused.claimFailure()) {
      return;
    }
    if (refused != hedge || !leftToOther(refused)) {
      fail(error);
    }
  }

  /**
   * Whether the call goes on with its other attempt, now that {@code failed} gave no answer: true
   * when the other is under way, or its retry is decided and waits to be sent; {@code failed}
   * is then ended. False without a hedge, or when the other is over too.
   */
  private boolean leftToOther(Attempt failed) {
    if (hedge == null) {
      return false;
    }
    synchronized (this) {
      Attempt other = failed == hedge ? attempt : hedge;
      return (other.live() || retryPending()) && detach(failed);
    }
  }

  /** Ends the call with a code and a message that follows "Call to X at Y ". */
  void fail(RpcException.Code code, String message) {
    fail(new RpcException(code, method.callPrefix() + message));
  }

  @Override
  public void fail(Throwable error) {
    completeExceptionally(error);
  }

  /**
   * Takes the right to end the call. What the call holds (its permit, its timer, its place in a
   * queue) is handed back before the future completes, so a caller who sees the result and calls
   * again at once finds the room this call had.
   */
  private boolean claimEnd() {
    return FINISHED.compareAndSet(this, 0, 1);
  }

  /** Whether something has taken the right to end the call (it may not be done yet). */
  boolean ending() {
    return finished != 0;
  }

  @Override
  public boolean completeExceptionally(Throwable error) {
    if (!claimEnd()) {
      return false;
    }
    ended();
    return super.completeExceptionally(error);
  }

  /** The timeout fired (timer thread). */
  @Override
  public void run(Timeout t) {
    if (isDone()) {
      return;
    }
    // Waiting in a queue, it says why; sent, its connection counts the timeout against the
    // server's health record and the call times out waiting for its answer.
    RpcException waited = attempt.expired();
    Attempt h = hedge;
    if (h != null) {
      h.expired(); // its server's health record counts the timeout too
    }
    fail(waited != null ? waited : timedOut());
  }

  /** The exception of a call whose deadline passed after it was sent. */
  @Override
  public RpcException timedOut() {
    return new RpcException(RpcException.Code.TIMEOUT,
        method.callPrefix() + limit.timedOut(timeoutNanos, method.timeoutNanos()));
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (!claimEnd()) {
      return false;
    }
    ended();
    return super.cancel(mayInterruptIfRunning);
  }

  private void cancelTimer() {
    Timeout t = timeout;
    if (t != null) {
      t.cancel();
    }
  }

  /**
   * The call has just ended, one way or another: stop its timer and end its attempt, which frees
   * its request if it was never sent and hands back what its holder gave it. A connection drops
   * the attempt from its table (so a late response is ignored, and the server is told to stop)
   * and gets its permit back.
   */
  private void ended() {
    cancelTimer();
    if (streams != null) {
      streams.ended();
    }
    attempt.end();
    Attempt h = hedge;
    if (h != null) {
      h.end();
    }
  }

  /** Ends the call with a value: the response's, or one a caller chose to complete it with. */
  @Override
  public boolean complete(Object value) {
    if (!claimEnd()) {
      return false;
    }
    ended();
    return super.complete(value);
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
