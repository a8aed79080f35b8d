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
final class PendingCall extends CompletableFuture<Object>
    implements TimerTask, ChannelFutureListener {
  private static final AtomicReferenceFieldUpdater<PendingCall, ByteBuf> REQUEST =
      AtomicReferenceFieldUpdater.newUpdater(PendingCall.class, ByteBuf.class, "request");
  private static final AtomicReferenceFieldUpdater<PendingCall, Object> OWNER =
      AtomicReferenceFieldUpdater.newUpdater(PendingCall.class, Object.class, "owner");
  /** Owner while the call waits in a {@link CallQueue} for a connection or a free slot. */
  private static final Object WAITING = new Object();
  private static final AtomicIntegerFieldUpdater<PendingCall> FINISHED =
      AtomicIntegerFieldUpdater.newUpdater(PendingCall.class, "finished");
  /** Owner once the call has ended. */
  private static final Object ENDED = new Object();

  /** How an attempt failed, for {@link Fleet#retry}: it never left this client. */
  static final int UNRUN_LOCAL = 0;
  /** The server refused it before dispatch (the NOT_RUN flag): it did not run. */
  static final int UNRUN_REMOTE = 1;
  /** It may have run: the connection was lost after it was sent, or the server aborted it. */
  static final int MAY_HAVE_RUN = 2;

  private final ClientMethod method;
  /** What a resend encodes again; never copied, only read. */
  private final Object[] args;
  private final java.util.Map<String, String> metadata;
  private final Encoder encoder;
  private final Fleet fleet;
  private final long timeoutNanos;
  /** When the caller stops waiting, on the {@link System#nanoTime()} clock. */
  private final long deadlineNanos;
  /** Which limit {@link #timeoutNanos} is, for the message when it passes. */
  private final TimeLimit limit;
  private volatile ByteBuf request;
  private volatile Timeout timeout;
  /**
   * Who holds the call: nobody yet ({@code null}), a {@link CallQueue} ({@link #WAITING}), the
   * {@link Connection} it was given to (which holds one of its in-flight permits for it), or
   * nobody any more ({@link #ENDED}). Ending the call hands back what the owner gave.
   */
  private volatile Object owner;
  /** 1 once something has taken the right to end the call. */
  private volatile int finished;
  /** The queue the call waits in, set before it is queued. */
  private volatile CallQueue queue;
  /** Set on the event loop when the call is written; 0 until then, and again when resent. */
  private volatile long sequence;
  /** Bytes of the encoded request, counted while the call waits in a CallQueue. */
  private volatile int requestBytes;
  /** The server this attempt went to, when the fleet has several; else null. */
  private volatile Endpoint endpoint;
  /** Servers earlier attempts went to; null until a retry. Touched by one attempt at a time. */
  private java.util.List<Endpoint> tried;
  /** Attempts sent again after they failed unrun, and after they may have run. */
  int unrunRetries;
  int retries;
  /** The hedged second attempt racing this call, or null. */
  private volatile PendingCall hedge;
  /** This call's own attempt failed while its hedge still ran; guarded by this. */
  private RpcException parked;

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
      Encoder encoder, long timeoutNanos, TimeLimit limit, Fleet fleet) {
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
  boolean assign(Connection connection) {
    for (;;) {
      Object o = owner;
      if (o == ENDED) {
        return false;
      }
      if (OWNER.compareAndSet(this, o, connection)) {
        return true;
      }
    }
  }

  /** Marks the call as waiting in {@code queue}; false if it already ended. */
  boolean waitIn(CallQueue queue) {
    this.queue = queue;
    return OWNER.compareAndSet(this, null, WAITING);
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

  Endpoint endpoint() {
    return endpoint;
  }

  /** The fleet chose {@code e} for this attempt. */
  void endpoint(Endpoint e) {
    this.endpoint = e;
  }

  /** Whether an earlier attempt of this call went to {@code e}. */
  boolean tried(Endpoint e) {
    java.util.List<Endpoint> t = tried;
    return t != null && t.contains(e);
  }

  /**
   * Takes this attempt off wherever it is (its connection, with its permit, or a queue) so that
   * the call can go again; false if the call already ended. The request it held is released.
   */
  boolean detachForRetry() {
    for (;;) {
      Object o = owner;
      if (o == ENDED) {
        return false;
      }
      if (OWNER.compareAndSet(this, o, null)) {
        if (o instanceof Connection) {
          ((Connection) o).ended(this); // its permit back, and out of its table
        } else if (o == WAITING) {
          queue.ended(this);
        }
        break;
      }
    }
    releaseRequest();
    sequence = 0; // the old number belongs to the old connection
    Endpoint e = endpoint;
    if (e != null) {
      if (tried == null) {
        tried = new java.util.ArrayList<>(2);
      }
      tried.add(e);
    }
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
    return OWNER.compareAndSet(this, WAITING, null);
  }

  /**
   * Ends this attempt with an error that proves the call did not run (it never left the client):
   * the fleet sends it to another server if it can, else the call ends with the error.
   */
  void failUnrun(RpcException.Code code, String message) {
    attemptFailed(new RpcException(code, method.callPrefix() + message), UNRUN_LOCAL);
  }

  /**
   * This attempt failed {@code how} ({@link #UNRUN_LOCAL}, {@link #UNRUN_REMOTE}, {@link
   * #MAY_HAVE_RUN}): the fleet decides whether the call goes again; if not, it ends with {@code
   * error}.
   */
  void attemptFailed(RpcException error, int how) {
    if (isDone()) {
      return;
    }
    if (fleet != null && fleet.retry(this, error, how)) {
      return;
    }
    PendingCall h = hedge;
    synchronized (this) {
      if (h != null && !h.isDone() && detachForRetry()) {
        parked = error; // the hedge may still answer; if it fails too, this ends the call
        return;
      }
    }
    fail(fleet == null ? error : fleet.finalError(this, error, how));
  }

  /**
   * Races {@code h}, a second attempt of this call sent to another server: the first answer
   * ends the call and cancels the other attempt. A failure of one attempt that says nothing
   * about the call (its server unreachable, a timeout) waits for the other.
   */
  void hedgeWith(PendingCall h) {
    hedge = h;
    if (finished != 0) { // ended meanwhile; ended() may not have seen the hedge (both volatile)
      h.cancel(false);
      return;
    }
    h.whenComplete((value, error) -> {
      if (error == null) {
        complete(value);
        return;
      }
      if (error instanceof java.util.concurrent.CancellationException) {
        return; // this call ended first and cancelled it
      }
      RpcException mine;
      synchronized (this) {
        mine = parked;
      }
      if (mine != null || isAnswer(error)) {
        fail(error);
      }
    });
  }

  /** Whether an attempt's error is the server's answer, not a failure to get one. */
  private static boolean isAnswer(Throwable error) {
    if (!(error instanceof RpcException)) {
      return true; // the implementation's own exception
    }
    switch (((RpcException) error).code()) {
      case UNAVAILABLE:
      case TIMEOUT:
      case RESOURCE_EXHAUSTED:
      case CANCELLED:
        return false;
      default:
        return true;
    }
  }

  /** Marks {@code e} as tried, so that this (hedged) attempt goes elsewhere. */
  void avoid(Endpoint e) {
    if (e != null) {
      tried = new java.util.ArrayList<>(2);
      tried.add(e);
    }
  }

  /** Tells the fleet, for the server's health record, that an answer arrived. */
  void answered(RpcException.Code code) {
    if (fleet != null) {
      fleet.answered(this, code);
    }
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
    CallQueue q = queue;
    Object o = owner;
    if (o == WAITING && q != null) {
      fail(q.expired(this));
      return;
    }
    if (o instanceof Connection && fleet != null) {
      fleet.timedOut(this); // sent, and no answer in time: the server's record counts it
    }
    fail(timedOut());
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
          + " lost; the next call reconnects", future.cause()), UNRUN_LOCAL);
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
    PendingCall h = hedge;
    if (h != null) {
      h.cancel(false);
    }
    Object o = OWNER.getAndSet(this, ENDED);
    if (o instanceof Connection) {
      ((Connection) o).ended(this);
    } else if (o == WAITING) {
      queue.ended(this);
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
