package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.codec.DecodeBudget;
import io.minirpc.internal.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One attempt of a {@link PendingCall}: its encoded request, the queue it waits in or the
 * connection it was given to, and its sequence number there. An attempt is bound to one
 * connection at most, and ends once: when its call ends, or when it is taken off to go again
 * (the call then makes a new attempt). An attempt that has ended can no longer touch its call, so
 * a late failure of an old attempt never ends or resends the call's current one.
 *
 * <p>The request buffer belongs to the attempt until it is handed to the channel; whoever ends
 * the attempt first releases it if it was never sent.
 */
final class Attempt implements ChannelFutureListener, DecodeBudget {
  private static final AtomicReferenceFieldUpdater<Attempt, ByteBuf> REQUEST =
      AtomicReferenceFieldUpdater.newUpdater(Attempt.class, ByteBuf.class, "request");
  private static final AtomicIntegerFieldUpdater<Attempt> STATE =
      AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "state");
  private static final AtomicReferenceFieldUpdater<Attempt, Holder> OWNER =
      AtomicReferenceFieldUpdater.newUpdater(Attempt.class, Holder.class, "owner");
  /** Owner once the attempt has ended. */
  private static final Holder ENDED = new Holder() {
    @Override
    public void ended(Attempt attempt) {}

    @Override
    public RpcException expired(Attempt attempt) {
      return null;
    }
  };

  /**
   * Who holds an attempt: the {@link CallQueue} it waits in for a connection or a free slot, or
   * the {@link Connection} it was given to, which holds one of its in-flight permits for it.
   */
  interface Holder {
    /** The attempt ended: hand back what was given for it. */
    void ended(Attempt attempt);

    /**
     * The exception of the call whose deadline passed while its attempt was here; null when it
     * was sent, so that it timed out waiting for its answer (which the holder notes in the
     * server's health record).
     */
    RpcException expired(Attempt attempt);
  }

  /**
   * What an attempt knows of its call ({@link PendingCall}): what it sends, until when, and
   * where its outcome goes. Balancers read the servers it has tried.
   */
  interface Call {
    ClientMethod method();

    /** The call's arguments; never copied, only read. */
    Object[] args();

    /** The headers the call sends. */
    java.util.Map<String, String> metadata();

    /**
     * The call's request encoded again, with the time now left, in the evolving layout of the
     * client's codec: for a server whose classes differ from the client's in ways both can read.
     *
     * @throws io.minirpc.RpcException if it cannot be encoded
     */
    ByteBuf encodeEvolving();

    /** When the caller stops waiting, on the {@link System#nanoTime()} clock. */
    long deadlineNanos();

    /** The call's timeout, and which limit it is, for the messages when it passes. */
    long timeoutNanos();

    TimeLimit limit();

    /** Whether the call waits for a connection when none can be made. */
    boolean waitForReady();

    /** Whether an earlier attempt of the call went to the server at {@code address}. */
    boolean tried(String address);

    /** The exception of a call whose deadline passed after it was sent. */
    RpcException timedOut();

    boolean isDone();

    /** {@code attempt} failed {@code how}: the call goes again, or ends with {@code error}. */
    void attemptFailed(Attempt attempt, RpcException error, int how);

    /** {@code attempt} was refused before it reached a server: see {@link Attempt#refused}. */
    void attemptRefused(Attempt attempt, RpcException error);

    /** Ends the call with {@code error}. */
    void fail(Throwable error);

    /** Ends the call with {@code value}; false if it had ended. */
    boolean complete(Object value);

    /** The call's streams, either way, which its frames reach; null for most calls. */
    default CallStreams streams() {
      return null;
    }
  }

  private final Call call;
  /**
   * The bytes of the encoded request (what the attempt holds while it waits in a {@link
   * CallQueue}), and in the sign bit whether a thread has taken the handling of its failure. One
   * field, as an attempt is allocated per call.
   */
  private volatile int state;
  private volatile ByteBuf request;
  /**
   * Who holds the attempt: nobody yet ({@code null}), the {@link Holder} it waits in or was given
   * to, or nobody any more ({@link #ENDED}). Ending the attempt hands back what the holder gave.
   */
  private volatile Holder owner;
  /** Set on the event loop when the attempt is written; 0 until then. */
  private volatile long sequence;
  /** The address of the server this attempt went to; null until a fleet chose one. */
  private volatile String server;

  Attempt(Call call, ByteBuf request) {
    this.call = call;
    this.request = request;
    this.state = request.readableBytes();
  }

  Call call() {
    return call;
  }

  ClientMethod method() {
    return call.method();
  }

  Object[] args() {
    return call.args();
  }

  /** When the caller stops waiting, on the {@link System#nanoTime()} clock. */
  long deadlineNanos() {
    return call.deadlineNanos();
  }

  boolean waitForReady() {
    return call.waitForReady();
  }

  /** Bytes of the encoded request, counted while the attempt waits in a {@link CallQueue}. */
  int requestBytes() {
    return state & Integer.MAX_VALUE;
  }

  /** The address of the server this attempt went to, or null. */
  String server() {
    return server;
  }

  /** The fleet chose the server at {@code address} for this attempt. */
  void server(String address) {
    this.server = address;
  }

  /**
   * Takes the request buffer to write it, encoded again in the evolving layout if {@code
   * evolving} and it was not; {@code null} if the attempt already ended, or its request could not
   * be encoded again (the call has then failed).
   */
  ByteBuf takeRequest(boolean evolving) {
    ByteBuf request = takeRequest();
    if (request == null || !evolving
        || Protocol.evolving(request.getByte(request.readerIndex() + Protocol.FLAGS_OFFSET))) {
      return request == null ? null : restamped(request);
    }
    request.release();
    try {
      return restamped(call.encodeEvolving());
    } catch (RpcException e) {
      failed(e, AttemptFailure.UNRUN_LOCAL); // a server with the client's classes may take it
      return null;
    } catch (RuntimeException e) {
      fail(e);
      return null;
    }
  }

  /**
   * {@code request} with the timeout it carries cut to the time the call has left now: the
   * server's deadline then starts where the client's stands, not where the call was made (a
   * first call waits for its connection). A request without a deadline (0) keeps none.
   */
  private ByteBuf restamped(ByteBuf request) {
    int at = request.readerIndex() + Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER
        + call.method().serviceAndMethod().length;
    long sent = request.getLong(at);
    if (sent > 0) {
      request.setLong(at, Math.max(1, Math.min(sent, call.deadlineNanos() - System.nanoTime())));
    }
    return request;
  }

  /** Takes the request buffer to write it; {@code null} if the attempt already ended. */
  ByteBuf takeRequest() {
    return REQUEST.getAndSet(this, null);
  }

  /**
   * Gives the attempt to {@code connection}, which has taken an in-flight permit for it; false if
   * the attempt already ended, and the permit is the caller's to give back.
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

  /** Marks the attempt as waiting in {@code queue}; false if it already ended. */
  boolean waitIn(Holder queue) {
    return OWNER.compareAndSet(this, null, queue);
  }

  /**
   * Takes the attempt out of {@code queue}, which it was polled from, to send it elsewhere; false
   * if it ended.
   */
  boolean leaveQueue(Holder queue) {
    return OWNER.compareAndSet(this, queue, null);
  }

  /**
   * Takes the handling of this attempt's failure: true once, for the first thread that reports
   * one (two event loops may see one attempt fail, such as two connections of one server failing
   * while it waits for either). The others leave it to that thread.
   */
  boolean claimFailure() {
    for (;;) {
      int s = state;
      if (s < 0) {
        return false;
      }
      if (STATE.compareAndSet(this, s, s | Integer.MIN_VALUE)) {
        return true;
      }
    }
  }

  /**
   * The fleet refused this attempt before it reached a server ({@code error}): for a hedge, the
   * call goes on with its other attempt; otherwise it ends with {@code error}.
   */
  void refused(RpcException error) {
    call.attemptRefused(this, error);
  }

  /** Whether the attempt has not ended yet: only then may it end or resend its call. */
  boolean live() {
    return owner != ENDED;
  }

  /**
   * Ends the attempt: what its holder gave is handed back (a connection's permit, and its place
   * in the connection's table; or its place in a queue) and the request is released if it was
   * never sent. False if it had already ended.
   */
  boolean end() {
    Holder o = OWNER.getAndSet(this, ENDED);
    if (o == ENDED) {
      return false;
    }
    if (o != null) {
      o.ended(this);
    }
    releaseRequest();
    return true;
  }

  /** The exception the call ends with because its deadline passed where this attempt is. */
  RpcException expired() {
    Holder o = owner;
    return o == null ? null : o.expired(this);
  }

  /** Called on the event loop once the attempt has a sequence number on its connection. */
  void sent(long sequence) {
    this.sequence = sequence;
  }

  long sequence() {
    return sequence;
  }

  /**
   * This attempt failed {@code how} (one of {@link AttemptFailure}'s kinds): the call may go
   * again, else it ends with {@code error}. Ignored once the attempt has ended.
   */
  void failed(RpcException error, int how) {
    call.attemptFailed(this, error, how);
  }

  /**
   * Ends this attempt with an error that proves the call did not run (it never left the client):
   * a fleet sends it to another server if it can, else the call ends with the error.
   */
  void failUnrun(RpcException.Code code, String message) {
    failed(new RpcException(code, call.method().callPrefix() + message),
        AttemptFailure.UNRUN_LOCAL);
  }

  /** Ends the call, if this attempt is still its own, with a code and a message. */
  void fail(RpcException.Code code, String message) {
    if (live()) {
      call.fail(new RpcException(code, call.method().callPrefix() + message));
    }
  }

  /** Ends the call, if this attempt is still its own, with a code, a message and a cause. */
  void fail(RpcException.Code code, String message, Throwable cause) {
    if (live()) {
      call.fail(new RpcException(code, call.method().callPrefix() + message, cause));
    }
  }

  /** Ends the call, if this attempt is still its own, with {@code error}. */
  void fail(Throwable error) {
    if (live()) {
      call.fail(error);
    }
  }

  /** Ends the call with the value its answer carried. */
  void complete(Object value) {
    if (live()) {
      call.complete(value);
    }
  }

  /** The exception of a call whose deadline passed after it was sent. */
  RpcException timedOut() {
    return call.timedOut();
  }

  boolean isDone() {
    return call.isDone();
  }

  /**
   * Whether the call still wants the answer being decoded: the budget of an answer decoded on the
   * event loop, the attempt itself, so that decoding one makes no garbage.
   */
  @Override
  public void check() throws IOException {
    if (isDone()) {
      throw new IOException("the call ended");
    }
    if (System.nanoTime() - deadlineNanos() >= 0) {
      fail(timedOut());
      throw new IOException("the deadline passed");
    }
  }

  /** The write finished (event loop). */
  @Override
  public void operationComplete(ChannelFuture future) {
    if (!future.isSuccess() && live()) {
      // A frame not wholly written is never dispatched: it did not run.
      failed(new RpcException(RpcException.Code.UNAVAILABLE, call.method().callPrefix()
          + "failed: the request could not be sent (" + future.cause() + "). The connection was"
          + " lost; the next call reconnects", future.cause()), AttemptFailure.UNRUN_LOCAL);
    }
  }

  private void releaseRequest() {
    ByteBuf buf = takeRequest();
    if (buf != null) {
      buf.release();
    }
  }
}
