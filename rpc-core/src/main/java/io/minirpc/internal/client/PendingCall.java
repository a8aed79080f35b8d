package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One call from the moment it is encoded until it ends. It is the future the caller holds, the
 * timer task of its timeout and the listener of its write. It ends exactly once: with a result, or
 * with an exception, whichever comes first; everything after that is ignored.
 *
 * <p>The request buffer belongs to this call until it is handed to the channel; whoever ends the
 * call first releases it if it was never sent.
 */
final class PendingCall extends CallRecord implements TimerTask, ChannelFutureListener {
  private static final AtomicReferenceFieldUpdater<PendingCall, ByteBuf> REQUEST =
      AtomicReferenceFieldUpdater.newUpdater(PendingCall.class, ByteBuf.class, "request");
  private static final AtomicReferenceFieldUpdater<PendingCall, Holder> OWNER =
      AtomicReferenceFieldUpdater.newUpdater(PendingCall.class, Holder.class, "owner");
  private static final AtomicIntegerFieldUpdater<PendingCall> FINISHED =
      AtomicIntegerFieldUpdater.newUpdater(PendingCall.class, "finished");
  /** Owner once the call has ended. */
  private static final Holder ENDED = new Holder() {
    @Override
    public void ended(PendingCall call) {}

    @Override
    public RpcException expired(PendingCall call) {
      return null;
    }
  };

  /**
   * Who holds a call: the {@link CallQueue} it waits in for a connection or a free slot, or the
   * {@link Connection} it was given to, which holds one of its in-flight permits for it.
   */
  interface Holder {
    /** The call ended, or leaves for another attempt: hand back what was given for it. */
    void ended(PendingCall call);

    /**
     * The exception of the call whose deadline passed while it was here; null when it was sent,
     * so that it timed out waiting for its answer (which the holder notes in the server's
     * health record).
     */
    RpcException expired(PendingCall call);
  }

  /**
   * The retry policy of the {@link Fleet} a call's attempts go to: whether a failed attempt goes
   * again, and what the call ends with when it does not.
   */
  interface Policy {
    /** Whether {@code call} goes again after its attempt failed {@code how}. */
    boolean retry(PendingCall call, RpcException error, int how);

    /** The error {@code call} ends with when its attempt failed {@code how} and it goes no more. */
    RpcException finalError(PendingCall call, RpcException error, int how);
  }

  private final ClientMethod method;
  /** What a resend encodes again; never copied, only read. */
  private final Object[] args;
  private final java.util.Map<String, String> metadata;
  private final Encoder encoder;
  private final Policy fleet;
  private final long timeoutNanos;
  /** When the caller stops waiting, on the {@link System#nanoTime()} clock. */
  private final long deadlineNanos;
  /** Which limit {@link #timeoutNanos} is, for the message when it passes. */
  private final TimeLimit limit;
  private volatile ByteBuf request;
  private volatile Timeout timeout;
  /**
   * Who holds the call: nobody yet ({@code null}), the {@link Holder} it waits in or was given
   * to, or nobody any more ({@link #ENDED}). Ending the call hands back what the holder gave.
   */
  private volatile Holder owner;
  /** 1 once something has taken the right to end the call. */
  private volatile int finished;
  /** The queue the call waits in, set before it is queued. */
  private volatile Holder queue;
  /** Set on the event loop when the call is written; 0 until then, and again when resent. */
  private volatile long sequence;
  /** Bytes of the encoded request, counted while the call waits in a CallQueue. */
  private volatile int requestBytes;

  /** Encodes a call's request, for its first attempt or a new one, with the time it has left. */
  interface Encoder {
    ByteBuf encode(ClientMethod method, Object[] args, long timeoutNanos,
        java.util.Map<String, String> metadata);
  }

  /**
   * @param timeoutNanos this call's timeout: the method's, or less when another limit is earlier
   * @param limit which limit {@code timeoutNanos} is
   * @param fleet where a failed attempt may go again, and whose health records it updates; null
   *     for none (a call that cannot be retried)
   */
  PendingCall(ClientMethod method, Object[] args, java.util.Map<String, String> metadata,
      Encoder encoder, long timeoutNanos, TimeLimit limit, Policy fleet) {
    this.method = method;
    this.args = args;
    this.metadata = metadata;
    this.encoder = encoder;
    this.fleet = fleet;
    ByteBuf request = encoder.encode(method, args, timeoutNanos, metadata);
    this.request = request;
    this.requestBytes = request.readableBytes();
    this.timeoutNanos = timeoutNanos;
    this.deadlineNanos = System.nanoTime() + timeoutNanos;
    this.limit = limit;
  }

  long timeoutNanos() {
    return timeoutNanos;
  }

  TimeLimit limit() {
    return limit;
  }

  /** Whether the call waits for a connection when none can be made, see {@link ClientMethod}. */
  boolean waitForReady() {
    return method.waitForReady();
  }

  int requestBytes() {
    return requestBytes;
  }

  ClientMethod method() {
    return method;
  }

  void timeout(Timeout timeout) {
    this.timeout = timeout;
  }

  /** Takes the request buffer to write it; {@code null} if the call already ended. */
  ByteBuf takeRequest() {
    return REQUEST.getAndSet(this, null);
  }

  /**
   * Gives the call to {@code connection}, which has taken an in-flight permit for it; false if the
   * call already ended, and the permit is the caller's to give back.
   */
  boolean assign(Holder connection) {
    for (;;) {
      Holder o = owner;
      if (o == ENDED) {
        return false;
      }
      if (OWNER.compareAndSet(this, o, connection)) {
        return true;
      }
    }
  }

  /** Marks the call as waiting in {@code queue}; false if it already ended. */
  boolean waitIn(Holder queue) {
    this.queue = queue;
    return OWNER.compareAndSet(this, null, queue);
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  Object[] args() {
    return args;
  }

  java.util.Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Takes this attempt off wherever it is (its connection, with its permit, or a queue) so that
   * the call can go again; false if the call already ended. The request it held is released.
   */
  boolean detachForRetry() {
    for (;;) {
      Holder o = owner;
      if (o == ENDED) {
        return false;
      }
      if (OWNER.compareAndSet(this, o, null)) {
        if (o != null) {
          o.ended(this); // a connection's permit back, and out of its table; or out of a queue
        }
        break;
      }
    }
    releaseRequest();
    sequence = 0; // the old number belongs to the old connection
    leftServer();
    return true;
  }

  /**
   * Encodes the request again for a new attempt, with the time now left; false if the call ended
   * or cannot be encoded (it then has ended).
   */
  boolean prepareAttempt() {
    long left = deadlineNanos - System.nanoTime();
    if (isDone()) {
      return false;
    }
    ByteBuf again;
    try {
      again = encoder.encode(method, args, Math.max(1, left), metadata);
    } catch (RuntimeException e) {
      fail(e);
      return false;
    }
    requestBytes = again.readableBytes();
    request = again;
    if (isDone()) {
      releaseRequest(); // ended between the two lines above
      return false;
    }
    return true;
  }

  /** Takes the call out of the queue that holds it, to send it elsewhere; false if it ended. */
  boolean leaveQueue() {
    Holder q = queue;
    return q != null && OWNER.compareAndSet(this, q, null);
  }

  /**
   * Ends this attempt with an error that proves the call did not run (it never left the client):
   * the fleet sends it to another server if it can, else the call ends with the error.
   */
  void failUnrun(RpcException.Code code, String message) {
    attemptFailed(new RpcException(code, method.callPrefix() + message),
        AttemptFailure.UNRUN_LOCAL);
  }

  /**
   * This attempt failed {@code how} (one of {@link AttemptFailure}'s kinds): the fleet decides
   * whether the call goes again; if not, it ends with {@code
   * error}.
   */
  void attemptFailed(RpcException error, int how) {
    if (isDone()) {
      return;
    }
    if (fleet != null && fleet.retry(this, error, how)) {
      return;
    }
    if (parkForHedge(error, this::detachForRetry)) {
      return;
    }
    fail(fleet == null ? error : fleet.finalError(this, error, how));
  }

  /** Called on the event loop once the call has a sequence number on its connection. */
  void sent(long sequence) {
    this.sequence = sequence;
  }

  long sequence() {
    return sequence;
  }

  /** Ends the call with a code and a message that follows "Call to X at Y ". */
  void fail(RpcException.Code code, String message) {
    fail(new RpcException(code, method.callPrefix() + message));
  }

  void fail(RpcException.Code code, String message, Throwable cause) {
    fail(new RpcException(code, method.callPrefix() + message, cause));
  }

  void fail(Throwable error) {
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

  @Override
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
    Holder o = owner;
    // Waiting in a queue, it says why; sent, its connection counts the timeout against the
    // server's health record and the call times out waiting for its answer.
    RpcException waited = o == null ? null : o.expired(this);
    fail(waited != null ? waited : timedOut());
  }

  /** The exception of a call whose deadline passed after it was sent. */
  RpcException timedOut() {
    return new RpcException(RpcException.Code.TIMEOUT,
        method.callPrefix() + limit.timedOut(timeoutNanos, method.timeoutNanos()));
  }

  /** The write finished (event loop). */
  @Override
  public void operationComplete(ChannelFuture future) {
    if (!future.isSuccess() && !isDone()) {
      // A frame not wholly written is never dispatched: it did not run.
      attemptFailed(new RpcException(RpcException.Code.UNAVAILABLE, method.callPrefix()
          + "failed: the request could not be sent (" + future.cause() + "). The connection was"
          + " lost; the next call reconnects", future.cause()), AttemptFailure.UNRUN_LOCAL);
    }
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

  void releaseRequest() {
    ByteBuf buf = takeRequest();
    if (buf != null) {
      buf.release();
    }
  }

  /**
   * The call has just ended, one way or another: stop its timer, free its request if it was never
   * sent, and hand back what its owner gave it. A connection drops the call from its table (so a
   * late response is ignored, and the server is told to stop) and gets its permit back.
   */
  private void ended() {
    cancelTimer();
    releaseRequest();
    cancelHedge();
    Holder o = OWNER.getAndSet(this, ENDED);
    if (o != null) {
      o.ended(this);
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
