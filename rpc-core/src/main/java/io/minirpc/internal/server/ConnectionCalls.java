package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.FrameDecoder;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.transport.WriteBatcher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls of one connection that have not ended, by sequence number, the workers they hold, and
 * the way their answers leave: in batches, each call finished once its answer is written.
 *
 * <p>The connection's calls hold at most {@code maxRunning} workers at once; the others wait in
 * its own queue, in order, and a worker that ends one call of this connection takes the next. So
 * one client's calls, however many and however slow, leave workers to the other clients, and no
 * work queued by one connection can be started on another's behalf. While the connection's
 * unwritten answers hold more than their share of its memory ({@link
 * ConnectionMemory#answersOverShare}), none of its calls is started: they wait until the client
 * reads. Nor is a call started while others run whose answer, at the size its method's answers
 * have had, would take the unwritten answers and those expected of the running calls past that
 * share ({@link ConnectionMemory#noRoomForAnswer}): a client that pipelines a thousand calls for
 * large answers gets as many running at once as their answers fit, not a worker's share of them.
 */
final class ConnectionCalls {
  private static final Logger log = LoggerFactory.getLogger(ConnectionCalls.class);

  private final Channel channel;
  private final Map<Long, QueuedCall> calls = new ConcurrentHashMap<>();
  private final WriteBatcher<Outgoing> out;
  private final WorkerShares shares;
  private final ConnectionMemory memory;
  private final InputMemory inputMemory;
  /** Guarded by itself: calls admitted but waiting for one of this connection's workers. */
  private final ArrayDeque<QueuedCall> waiting = new ArrayDeque<>();
  /** Guarded by {@link #waiting}: workers this connection's calls hold. */
  private int running;
  /** Set while calls wait because the unwritten answers hold too much: a call's end looks. */
  private volatile boolean heldBack;
  /** The executor calls run on, the same for every call. */
  private volatile Executor executor;
  /** Health watches of this connection waiting for a change. */
  private final AtomicInteger watches = new AtomicInteger();
  /** Whether the client is authenticated, or need not be: large frames are let in. Event loop. */
  private boolean authenticated;
  /** Refused authentications on this connection. Event loop. */
  private int authenticationFailures;
  /** Why the connection is to be told to go away, once it is; else null. Event loop. */
  private String goAwayReason;
  /** What its client's HELLO said; set from its HELLO. */
  private volatile ClientHello client = ClientHello.BEFORE;

  ConnectionCalls(Channel channel, WorkerShares shares, ConnectionMemory memory) {
    this.channel = channel;
    this.shares = shares;
    this.memory = memory;
    this.inputMemory = new InputMemory(memory);
    this.out = new WriteBatcher<>(channel, o -> Outgoing.write(channel, o), Outgoing::reject);
  }

  Channel channel() {
    return channel;
  }

  /** What its client's HELLO said: how its answers are compressed, what streams it speaks. */
  ClientHello client() {
    return client;
  }

  void client(ClientHello hello) {
    this.client = hello;
  }

  /**
   * The client is authenticated (by its HELLO or a request), or need not be: frames up to the
   * maximum frame size from now on. Event loop.
   */
  void authenticated() {
    if (!authenticated) {
      authenticated = true;
      FrameDecoder decoder = channel.pipeline().get(FrameDecoder.class);
      if (decoder != null) {
        decoder.authenticated();
      }
    }
  }

  /** Whether {@link #authenticated} was called. Event loop. */
  boolean isAuthenticated() {
    return authenticated;
  }

  /** Counts a refused authentication; returns how many this connection has had. Event loop. */
  int authenticationFailed() {
    return ++authenticationFailures;
  }

  /** Marks the connection to be told to go away, for {@code reason}. Event loop. */
  void goAway(String reason) {
    if (goAwayReason == null) {
      goAwayReason = reason;
    }
  }

  /** Why the connection is to be told to go away, or null. Event loop. */
  String goAwayReason() {
    return goAwayReason;
  }

  /** What this connection's frames and calls hold. */
  ConnectionMemory memory() {
    return memory;
  }

  /** What its client streams' receivers grant from: a part of {@link #memory}. */
  InputMemory inputMemory() {
    return inputMemory;
  }

  /** Takes a place for a waiting health watch; false if {@code max} wait already. */
  boolean startWatch(int max) {
    if (watches.incrementAndGet() > max) {
      watches.decrementAndGet();
      return false;
    }
    return true;
  }

  /** A health watch was answered, or ended with its call. */
  void endWatch() {
    watches.decrementAndGet();
  }

  /** Calls that have not ended. */
  int size() {
    return calls.size();
  }

  /** Whether call {@code seq} is in flight: a request reusing its number breaks the protocol. */
  boolean inFlight(long seq) {
    return calls.containsKey(seq);
  }

  void add(long seq, QueuedCall call) {
    calls.put(seq, call);
  }

  /**
   * Runs {@code call} on {@code executor} if this connection holds fewer than its share of
   * workers, else queues it behind the connection's other waiting calls. Event loop.
   *
   * @throws RejectedExecutionException if the executor refused it, or it would wait while the
   *     server's queue is full; nothing was queued
   */
  void execute(QueuedCall call, Executor executor) {
    this.executor = executor;
    synchronized (waiting) {
      if (running >= shares.maxRunningPerConnection() || holdsBack(call, running > 0)) {
        if (!shares.tryWait()) {
          throw new RejectedExecutionException("the server's queue is full");
        }
        waiting.add(call);
        return;
      }
      start(call);
    }
    try {
      executor.execute(new Worker(call));
    } catch (RejectedExecutionException e) {
      synchronized (waiting) {
        running--;
      }
      throw e;
    }
  }

  /**
   * Whether calls are to wait because the unwritten answers hold too much. Notes it before it
   * looks again, so that an answer written meanwhile finds the note. Guarded by {@link #waiting}.
   */
  private boolean holdsBack(QueuedCall next, boolean othersRun) {
    if (!overShare(next, othersRun)) {
      return false;
    }
    heldBack = true;
    return overShare(next, othersRun);
  }

  /**
   * Whether the unwritten answers hold more than their share, or {@code next}'s expected answer
   * would not fit beside them and those of the running calls. The second only while others run:
   * their end looks again ({@link #callEnded}), so a call too large for the share alone still
   * runs once it is alone.
   */
  private boolean overShare(QueuedCall next, boolean othersRun) {
    return memory.answersOverShare()
        || othersRun && next != null && memory.noRoomForAnswer(next.answerEstimate());
  }

  /** Counts {@code call} as running, with the answer it is expected to make. Under waiting. */
  private void start(QueuedCall call) {
    running++;
    call.expectAnswer(call.answerEstimate());
  }

  /**
   * A call ended and gave back its memory, answer included: if calls wait because the unwritten
   * answers held too much, and no longer do, they run again. Cheap unless calls were held back.
   */
  void callEnded() {
    if (!heldBack) {
      return;
    }
    for (;;) {
      QueuedCall call;
      synchronized (waiting) {
        if (overShare(waiting.peek(), running > 0)) {
          return; // the next answer written, or call ended, looks again
        }
        heldBack = false;
        if (running >= shares.maxRunningPerConnection()) {
          return; // the running workers take the waiting calls
        }
        call = waiting.poll();
        if (call == null) {
          return;
        }
        shares.waited();
        start(call);
      }
      try {
        executor.execute(new Worker(call));
      } catch (RejectedExecutionException e) {
        synchronized (waiting) {
          running--;
        }
        call.abort(RpcException.Code.UNAVAILABLE, "the server is shutting down or overloaded,"
            + " and could not start the call. Retry later, on this server or another");
        call.discard();
        return;
      }
    }
  }

  /** The next waiting call for a worker that ended one; null gives the worker back. */
  private QueuedCall next() {
    synchronized (waiting) {
      // This worker's own call has ended: the others are the rest of running.
      QueuedCall next = holdsBack(waiting.peek(), running > 1) ? null : waiting.poll();
      if (next == null) {
        running--;
      } else {
        shares.waited();
        running--;
        start(next);
      }
      return next;
    }
  }

  /**
   * One of this connection's workers: runs its call, then the connection's waiting calls one
   * after another, until none waits.
   */
  final class Worker implements Runnable {
    private final QueuedCall first;

    Worker(QueuedCall first) {
      this.first = first;
    }

    @Override
    public void run() {
      for (QueuedCall call = first; call != null; call = next()) {
        try {
          call.run();
        } catch (RuntimeException e) {
          log.error("{} failed unexpectedly", call, e);
        }
      }
    }

    /** The executor dropped this worker unrun (the server stopped): free what its calls hold. */
    void discard() {
      for (QueuedCall call = first; call != null; call = next()) {
        call.discard();
      }
    }
  }

  void remove(long seq, QueuedCall call) {
    calls.remove(seq, call);
  }

  /**
   * The client gave up on call {@code seq}; a number it does not know (a call that has ended) is
   * ignored. Returns whether the cancel undid the call before it started and within {@code
   * rapidNanos} of its arrival, as a rapid-reset flood does. Event loop.
   */
  boolean cancel(long seq, long rapidNanos) {
    QueuedCall call = calls.get(seq);
    if (call == null) {
      return false;
    }
    boolean rapid = call.unstartedSince(System.nanoTime(), rapidNanos);
    call.cancel();
    return rapid;
  }

  /** Call {@code seq}, or null if there is none (it ended); event loop. */
  QueuedCall call(long seq) {
    return calls.get(seq);
  }

  /** The channel became writable again: streams that waited for it go on. Event loop. */
  void writable() {
    for (QueuedCall call : calls.values()) {
      ServerStreams streams = call.streams();
      if (streams != null) {
        streams.writable();
      }
    }
  }

  /** The executor calls run on; null before the first call. */
  Executor executor() {
    return executor;
  }

  /** The client is gone: nobody will read what its calls produce. */
  void cancelAll() {
    for (QueuedCall call : calls.values()) {
      call.cancel();
    }
  }

  /** Ends every call still open with {@code code} and stops them. */
  void abortAll(RpcException.Code code, String message) {
    for (QueuedCall call : calls.values()) {
      call.abort(code, message);
    }
  }

  /** Sends an answer; {@code call}, if not null, is finished once it is written. Any thread. */
  void send(ByteBuf frame, QueuedCall call) {
    out.add(new Outgoing(frame, call));
  }

  /** Answers call {@code seq} with a refusal made before any of it ran (NOT_RUN). */
  void refuse(long seq, RpcException refusal) {
    ErrorInfo info = new ErrorInfo(refusal.code().wireNumber(), "", refusal.getMessage(), List.of());
    send(info.toFrame(channel.alloc(), seq, Protocol.FLAG_NOT_RUN), null);
  }

  /** A frame on its way out, and the call it ends (if any), to finish once it is written. */
  private record Outgoing(ByteBuf frame, QueuedCall call) {
    /** Writes without flushing; the batcher flushes. Event loop. */
    static void write(Channel channel, Outgoing o) {
      if (o.call == null) {
        channel.write(o.frame, channel.voidPromise());
      } else {
        channel.write(o.frame, channel.newPromise().addListener(o.call));
      }
    }

    /** The channel's event loop is gone: free the frame, end the call. */
    static void reject(Outgoing o) {
      o.frame.release();
      if (o.call != null) {
        o.call.operationComplete(null);
      }
    }
  }
}
