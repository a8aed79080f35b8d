package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.runtime.CurrentCall;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.RequestHeader;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.internal.transport.ItemSender;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted request through its life, on the executor: decode, invoke, answer; or cancelled,
 * aborted by a shutdown, or dropped unrun. It is also what {@link io.minirpc.RpcContext} shows:
 * the deadline it carried, whether the client gave up, who called and with which metadata.
 */
final class InboundCall implements QueuedCall, CurrentCall.Context {
  private static final Logger log = LoggerFactory.getLogger(InboundCall.class);
  private static final AtomicIntegerFieldUpdater<InboundCall> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(InboundCall.class, "ended");
  private static final AtomicIntegerFieldUpdater<InboundCall> STARTED =
      AtomicIntegerFieldUpdater.newUpdater(InboundCall.class, "started");

  private final Serving serving;
  private final ConnectionCalls connection;
  private final Channel channel;
  private final Frame frame;
  private final ServerMethod method;
  private final Codecs.Entry codec;
  private final long seq;
  private final Map<String, String> metadata;
  private final long received;
  /** What this call holds of its connection's memory, until its answer is written. */
  private final CallMemory memory;
  /** On the System.nanoTime() clock; meaningless when {@link #timeoutNanos} is not positive. */
  private final long deadlineNanos;
  private final long timeoutNanos;
  /** The call's streams, either way, credit and items included; null for most calls. */
  private final ServerStreams streams;
  /** Guarded by this: the thread running the implementation, to interrupt on cancel. */
  private Thread runner;
  /** Guarded by this: the future an asynchronous implementation returned, until it ends. */
  private java.util.concurrent.Future<?> pendingResult;
  private volatile boolean cancelled;
  /** 1 once something took the right to end the call: answer it (or not), and finish it. */
  private volatile int ended;
  /** 1 once the frame's bytes left the queued-bytes count. */
  private volatile int started;
  /**
   * @param frame the request, which this call now owns and releases
   * @param received when the request was read, on the System.nanoTime() clock
   * @param memory what the call holds of its connection's memory, which it gives back once its
   *     answer is written (or it ends unanswered)
   */
  InboundCall(Serving serving, ConnectionCalls connection, ServerMethod method,
      Codecs.Entry codec, RequestHeader header, Frame frame, long received, CallMemory memory) {
    this.serving = serving;
    this.connection = connection;
    this.channel = connection.channel();
    this.frame = frame;
    this.method = method;
    this.codec = codec;
    this.seq = frame.sequence();
    this.metadata = header.metadata();
    this.received = received;
    this.memory = memory;
    this.timeoutNanos = header.timeoutNanos();
    this.deadlineNanos = received + timeoutNanos;
    this.streams = ServerStreams.of(
        error -> { if (error == null) respond(null); else failWith(error); }, connection.memory(),
        connection.inputMemory(), connection::executor, serving, method, codec, seq,
        connection.client().streamEnds());
  }

  /** The connection the call came on. */
  ConnectionCalls connection() {
    return connection;
  }

  /** Takes the right to end the call; only one path gets it. */
  private boolean claim() {
    return ENDED.compareAndSet(this, 0, 1);
  }

  /** The frame no longer waits: its bytes leave the count of queued bytes. */
  private void dequeued() {
    if (STARTED.compareAndSet(this, 0, 1)) {
      serving.admission().started(frame.size());
    }
  }

  /** The server shuts down: answer {@code code} now and stop the implementation. */
  @Override
  public void abort(RpcException.Code code, String message) {
    sendOnce(new ErrorInfo(code.wireNumber(), "", message, List.of()));
    cancel();
  }

  /** The executor dropped this call unrun (the server stopped): free what it holds. */
  @Override
  public void discard() {
    dequeued();
    frame.release();
    if (claim()) {
      finish();
    }
  }

  /**
   * Whether a CANCEL now would undo this call before it cost the server anything but its reading:
   * it has not started and arrived less than {@code windowNanos} ago. That is what a rapid-reset
   * flood does; a caller whose call timed out while it waited, or a hedge that lost while it ran,
   * cancels an older or a started call.
   */
  @Override
  public boolean unstartedSince(long now, long windowNanos) {
    return started == 0 && now - received < windowNanos;
  }

  /** The client gave up, or went away: stop the implementation if it runs, answer nothing. */
  @Override
  public void cancel() {
    java.util.concurrent.Future<?> result;
    synchronized (this) {
      cancelled = true;
      if (runner != null) {
        runner.interrupt();
      }
      result = pendingResult;
    }
    if (streams != null && streams.cancel(remainingNanos()) && claim()) {
      finish(); // it streamed: nothing more is sent, and the call ends now
    }
    if (result != null) {
      // An asynchronous implementation holds no thread to interrupt: end the call now, so a
      // future that never completes cannot keep it in flight, and cancel the future.
      if (claim()) {
        finish();
      }
      result.cancel(true);
    }
  }

  @Override
  public long remainingNanos() {
    return timeoutNanos > 0 ? deadlineNanos - System.nanoTime() : Long.MAX_VALUE;
  }

  @Override
  public boolean isCancelled() {
    return cancelled || remainingNanos() <= 0;
  }

  @Override
  public SocketAddress remoteAddress() {
    return channel.remoteAddress();
  }

  /** The connection's channel, for what the authenticator asks of it (its certificate). */
  Channel channel() {
    return channel;
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return method.descriptor().displayName() + " from " + channel.remoteAddress()
        + (cancelled ? ", cancelled" : "");
  }

  @Override
  public void run() {
    MethodDescriptor d = method.descriptor();
    dequeued();
    if (cancelled) {
      frame.release();
      if (claim()) {
        finish();
      }
      return;
    }
    if (timeoutNanos > 0 && remainingNanos() <= 0) {
      frame.release();
      log.debug("{} expired in the queue", d.displayName());
      fail(RpcException.Code.TIMEOUT, Answers.expiredInQueue(d, received, timeoutNanos));
      return;
    }
    Object[] args;
    ArgumentDecoder decoder = new ArgumentDecoder(this, frame, memory, connection.memory());
    try {
      decoder.inflate(serving.limits().maxFrameSize(), channel.alloc());
      args = decoder.decode(method, codec);
    } catch (IOException e) {
      if (decoder.memoryRefusal() != null) {
        fail(RpcException.Code.RESOURCE_EXHAUSTED, decoder.memoryRefusal());
        return;
      }
      if (cancelled) {
        fail(RpcException.Code.CANCELLED, "cancelled"); // ends it, unanswered
        return;
      }
      if (timeoutNanos > 0 && remainingNanos() <= 0) {
        fail(RpcException.Code.TIMEOUT, Answers.expiredDecoding(d, timeoutNanos));
        return;
      }
      if (ended != 0) {
        return; // aborted while it decoded (the server shuts down): answered already
      }
      fail(RpcException.Code.CODEC, Answers.undecodable(d, channel.remoteAddress(), codec, e));
      return;
    } catch (Throwable t) {
      // An Error from a decoder (out of memory, stack overflow) ends this call, not the worker.
      fail(RpcException.Code.CODEC, Answers.undecodable(d, channel.remoteAddress(), codec, t));
      return;
    } finally {
      frame.release();
    }
    if (streams != null) {
      streams.open(args, d.inputIndex(), remainingNanos()); // the client's stream, if it sends one
    }
    Object result;
    CurrentCall.Context previous = CurrentCall.enter(this);
    synchronized (this) {
      runner = Thread.currentThread();
    }
    long began = System.nanoTime();
    try {
      result = serving.interceptors().isEmpty()
          ? method.invoke(args)
          : new InterceptedServerCall(method, args, this, serving.interceptors(), streams).run();
    } catch (Throwable t) {
      failWith(t);
      return;
    } finally {
      method.ran(System.nanoTime() - began); // whether its calls are quick: ConnectionWorkers
      if (streams != null) {
        streams.returned(); // a method blocked on the client's stream is so no longer
      }
      synchronized (this) {
        runner = null;
        if (cancelled) {
          Thread.interrupted(); // the interrupt was for this call, not for the next one
        }
      }
      CurrentCall.exit(previous);
    }
    if ((d.isAsync() || !serving.interceptors().isEmpty()) && result != null) {
      CompletionStage<?> stage = (CompletionStage<?>) result;
      boolean cancelledMeanwhile;
      synchronized (this) {
        // Any stage that is also a Future (CompletableFuture is) can be cancelled; a bare
        // CompletionStage cannot, but the call still ends at once when cancelled.
        pendingResult = stage instanceof java.util.concurrent.Future
            ? (java.util.concurrent.Future<?>) stage
            : new java.util.concurrent.CompletableFuture<>();
        cancelledMeanwhile = cancelled;
      }
      if (cancelledMeanwhile) {
        cancel();
      }
      stage.whenComplete((value, error) -> {
        if (error != null) {
          failWith(Answers.unwrap(error));
        } else {
          respond(value);
        }
      });
    } else {
      respond(result);
    }
  }

  private void respond(Object value) {
    ItemSender stream = streams == null ? null : streams.answers();
    if (stream != null && stream.start(value, remainingNanos())) {
      return; // streams; it answers when the stream ends
    }
    if (timeoutNanos > 0 && remainingNanos() <= 0) {
      // The caller has stopped waiting, and the implementation may have returned early because
      // RpcContext.isCancelled() said the deadline passed: that value is not an answer.
      fail(RpcException.Code.TIMEOUT,
          Answers.finishedLate(method.descriptor(), -remainingNanos(), timeoutNanos));
      return;
    }
    if (!claim()) {
      return; // aborted by a shutdown
    }
    if (cancelled) {
      finish(); // nobody is waiting for it
      return;
    }
    ByteBuf buf;
    try {
      buf = Answers.response(method, codec, seq, value, serving.limits(),
          connection.client().compression(), channel.alloc());
    } catch (Answers.Unsendable e) {
      ended = 0; // the error answers instead
      sendOnce(e.error());
      return;
    }
    memory.answered(buf.readableBytes()); // the arguments are garbage now; the answer waits
    method.answered(buf.readableBytes());
    // Finished by the write's listener, on the event loop right after the write and before the
    // next request is read: the call leaves the connection's count in order.
    connection.send(buf, this);
  }

  private void failWith(Throwable t) {
    if (cancelled) {
      // Nobody waits for the answer, and the failure is most likely the cancel itself.
      if (claim()) {
        finish();
      }
      return;
    }
    sendOnce(Answers.failure(t, method, codec, serving.limits()));
  }

  private void fail(RpcException.Code code, String message) {
    sendOnce(new ErrorInfo(code.wireNumber(), "", message, List.of()));
  }

  private void sendOnce(ErrorInfo info) {
    if (!claim()) {
      return;
    }
    if (cancelled) {
      finish();
      return;
    }
    ByteBuf buf;
    try {
      buf = info.toFrame(channel.alloc(), seq);
    } catch (Throwable e) {
      // Not even an error frame could be built: the call still ends, and frees its slot.
      log.error("Could not answer {} with an error", method.descriptor().displayName(), e);
      finish();
      return;
    }
    memory.answered(buf.readableBytes());
    connection.send(buf, this);
  }

  @Override
  public void operationComplete(io.netty.channel.ChannelFuture future) { // written: ended
    finish();
  }

  /**
   * The call has ended: it leaves the connection's table and the server's in-flight count, and
   * gives back all the memory it holds. Runs once per call.
   */
  private void finish() {
    if (streams != null) {
      streams.finished();
    }
    connection.remove(seq, this);
    memory.release();
    serving.admission().finished();
    connection.callEnded();
  }

  /** The call's streams, which its frames and its connection's writability reach; or null. */
  @Override
  public ServerStreams streams() {
    return streams;
  }

  @Override
  public ServerMethod method() {
    return method;
  }

  /** The size this call's answer is expected to have: its method's recent answers'. */
  @Override
  public long answerEstimate() {
    return method.answerEstimate();
  }

  /** The call starts: its connection counts its expected answer until the answer is encoded. */
  @Override
  public void expectAnswer(long bytes) {
    memory.expectAnswer(bytes);
  }
}
