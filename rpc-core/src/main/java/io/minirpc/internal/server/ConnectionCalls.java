package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.FrameDecoder;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.transport.SequenceMap;
import io.minirpc.internal.transport.WriteBatcher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls of one connection that have not ended, by sequence number, and the way their answers
 * leave: in batches, each call finished once its answer is written. The workers they hold, and
 * the calls that wait for one, are its {@link ConnectionWorkers}: at most {@code maxRunning} at
 * once, so one client's calls, however many and however slow, leave workers to the other
 * clients, and no work queued by one connection is started on another's behalf.
 */
final class ConnectionCalls {
  private final Channel channel;
  /**
   * The calls that have not ended, by sequence number. Event loop only: every call passes
   * through it twice, and a concurrent map boxed each number.
   */
  private final SequenceMap<QueuedCall> calls = new SequenceMap<>();
  private final WriteBatcher<Outgoing> out;
  private final ConnectionMemory memory;
  private final InputMemory inputMemory;
  /** The workers its calls hold, and the calls waiting for them. */
  private final ConnectionWorkers workers;
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
    this.workers = new ConnectionWorkers(shares, memory, channel.eventLoop());
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

  /** Calls that have not ended. Event loop. */
  int size() {
    return calls.size();
  }

  /**
   * Whether call {@code seq} is in flight: a request reusing its number breaks the protocol.
   * Event loop.
   */
  boolean inFlight(long seq) {
    return calls.containsKey(seq);
  }

  /** Event loop. */
  void add(long seq, QueuedCall call) {
    calls.put(seq, call);
  }

  /**
   * Runs {@code call} on {@code executor}, on a worker of its own or after this connection's
   * running calls ({@link ConnectionWorkers}). Event loop.
   *
   * @throws RejectedExecutionException if the executor refused it, or it would wait while the
   *     server's queue is full; nothing was queued
   */
  void execute(QueuedCall call, Executor executor) {
    workers.execute(call, executor);
  }

  /** A call ended and gave back its memory: calls held back for memory may run again. */
  void callEnded() {
    workers.callEnded();
  }

  /**
   * Call {@code seq} ended. Any thread: a call usually ends on the event loop, once its answer is
   * written; one that ends on a worker (cancelled, dropped) leaves the table through the loop.
   */
  void remove(long seq, QueuedCall call) {
    if (channel.eventLoop().inEventLoop()) {
      calls.remove(seq, call);
    } else {
      onLoop(() -> calls.remove(seq, call));
    }
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
    return workers.executor();
  }

  /** The client is gone: nobody will read what its calls produce. Event loop. */
  void cancelAll() {
    for (QueuedCall call : calls.values()) {
      call.cancel();
    }
  }

  /** Ends every call still open with {@code code} and stops them. Any thread: on the loop, soon. */
  void abortAll(RpcException.Code code, String message) {
    onLoop(() -> {
      for (QueuedCall call : calls.values()) {
        call.abort(code, message);
      }
    });
  }

  /** Runs {@code task} on the event loop soon; never if the loop is gone. */
  private void onLoop(Runnable task) {
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      // The event loop is gone, and its connection and this table with it.
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
