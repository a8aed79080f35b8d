package io.minirpc.internal.server;

import io.minirpc.RpcContext;
import io.minirpc.RpcException;
import io.minirpc.ServerInterceptor;
import io.minirpc.codec.ValueReader;
import io.minirpc.codec.ValueWriter;
import io.minirpc.internal.context.CurrentCall;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.FrameTooLargeException;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.RequestHeader;
import io.minirpc.internal.protocol.Slots;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.internal.transport.WriteBatcher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.CorruptedFrameException;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests: on the event loop it finds the method (before any argument reaches a codec) and
 * hands the call to the bounded executor; on the executor it decodes, invokes, encodes and writes
 * the response. Every accepted request ends in exactly one RESPONSE or ERROR frame.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final ServiceRegistry registry;
  private final Codecs codecs;
  private final Executor executor;
  private final InFlight inFlight;
  private final int maxFrameSize;
  private final boolean sendStackTraces;
  private final String executorLimits;
  private final int maxCallsPerConnection;
  private final long maxQueuedBytes;
  private final List<ServerInterceptor> interceptors;
  /** Bytes of requests accepted but not yet started: their frames wait in memory. */
  private final AtomicLong queuedBytes = new AtomicLong();

  Dispatcher(
      ServiceRegistry registry,
      Codecs codecs,
      Executor executor,
      InFlight inFlight,
      int maxFrameSize,
      boolean sendStackTraces,
      String executorLimits,
      int maxCallsPerConnection,
      long maxQueuedBytes,
      List<ServerInterceptor> interceptors) {
    this.interceptors = List.copyOf(interceptors);
    this.maxCallsPerConnection = maxCallsPerConnection;
    this.maxQueuedBytes = maxQueuedBytes;
    this.registry = registry;
    this.codecs = codecs;
    this.executor = executor;
    this.inFlight = inFlight;
    this.maxFrameSize = maxFrameSize;
    this.sendStackTraces = sendStackTraces;
    this.executorLimits = executorLimits;
  }

  /**
   * Called on the event loop; takes ownership of {@code frame}. {@code calls} is the connection's
   * table of calls that have not ended, where the call stays until its answer is written.
   */
  void onRequest(Channel channel, Frame frame, Map<Long, Call> calls, WriteBatcher<Outgoing> out) {
    long received = System.nanoTime();
    long seq = frame.sequence();
    RequestHeader header;
    try {
      header = RequestHeader.read(frame.header());
    } catch (CorruptedFrameException e) {
      frame.release();
      throw e;
    }
    ServerMethod method = registry.find(header.service(), header.method());
    if (method == null) {
      frame.release();
      log.debug("Unknown method {}.{} called from {}", header.service(), header.method(),
          channel.remoteAddress());
      sendError(out, channel, seq, RpcException.Code.NOT_FOUND,
          registry.describeMissing(header.service(), header.method()));
      return;
    }
    Codecs.Entry codec = codecs.byId(frame.codecId());
    if (codec == null) {
      frame.release();
      sendError(out, channel, seq, RpcException.Code.CODEC,
          "the server does not speak codec id " + (frame.codecId() & 0xFF) + " (it speaks: "
              + codecs.names() + "). Set minirpc.codec on the client to one of those");
      return;
    }
    RateLimiter refusedBy = method.admit();
    if (refusedBy != null) {
      frame.release();
      sendError(out, channel, seq, RpcException.Code.RESOURCE_EXHAUSTED,
          "the server refused the call: " + refusedBy.description() + ". Slow down, retry later"
              + " with backoff, or ask for a higher limit");
      return;
    }
    if (calls.size() >= maxCallsPerConnection) {
      frame.release();
      sendError(out, channel, seq, RpcException.Code.RESOURCE_EXHAUSTED,
          "the server refused the call: this connection already has " + calls.size()
              + " calls in flight (minirpc.server.maxCallsPerConnection=" + maxCallsPerConnection
              + "). Wait for answers before sending more, or spread calls over more connections"
              + " (minirpc.connections)");
      return;
    }
    int size = frame.size();
    if (queuedBytes.addAndGet(size) > maxQueuedBytes) {
      queuedBytes.addAndGet(-size);
      frame.release();
      sendError(out, channel, seq, RpcException.Code.RESOURCE_EXHAUSTED,
          "the server is overloaded: requests waiting for a worker already hold more than "
              + maxQueuedBytes + " bytes (minirpc.server.maxQueuedBytes). Retry later with"
              + " backoff, or send smaller requests");
      return;
    }
    if (!inFlight.tryEnter()) {
      queuedBytes.addAndGet(-size);
      frame.release();
      sendError(out, channel, seq, RpcException.Code.UNAVAILABLE,
          "the server is shutting down and accepts no new calls. Retry on another server or"
              + " after it restarts");
      return;
    }
    Call call = new Call(channel, frame, method, codec, header, received, calls, out);
    calls.put(seq, call);
    try {
      executor.execute(call);
    } catch (RejectedExecutionException e) {
      queuedBytes.addAndGet(-size);
      frame.release();
      calls.remove(seq, call);
      inFlight.exit();
      log.debug("Executor full; refusing {}", method.descriptor().displayName());
      sendError(out, channel, seq, RpcException.Code.RESOURCE_EXHAUSTED,
          "the server is overloaded: all worker threads are busy and the queue is full ("
              + executorLimits + "). Retry later with backoff, or raise those limits");
    }
  }

  private void sendError(WriteBatcher<Outgoing> out, Channel channel, long seq,
      RpcException.Code code, String message) {
    // Every refusal here comes before the call ran: the client may safely send it again.
    ErrorInfo info = new ErrorInfo(code.wireNumber(), "", message, List.of());
    out.add(new Outgoing(info.toFrame(channel.alloc(), seq, Protocol.FLAG_NOT_RUN), null));
  }

  /** A frame on its way out, and the call it ends (if any), to finish once it is written. */
  record Outgoing(ByteBuf frame, Call call) {
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

  /**
   * One accepted request, run on the executor. It is also what {@link RpcContext} shows: the
   * deadline it carried, whether the client gave up, who called and with which metadata.
   */
  final class Call implements Runnable, CurrentCall.Context, ChannelFutureListener {
    private final Channel channel;
    private final Frame frame;
    private final ServerMethod method;
    private final Codecs.Entry codec;
    private final long seq;
    private final Map<String, String> metadata;
    private final Map<Long, Call> calls;
    private final long received;
    /** On the System.nanoTime() clock; meaningless when {@link #timeoutNanos} is not positive. */
    private final long deadlineNanos;
    private final long timeoutNanos;
    /** Guarded by this: the thread running the implementation, to interrupt on cancel. */
    private Thread runner;
    /** Guarded by this: the future an asynchronous implementation returned, until it ends. */
    private java.util.concurrent.Future<?> pendingResult;
    private volatile boolean cancelled;
    /** 1 once something took the right to end the call: answer it (or not), and finish it. */
    private volatile int ended;
    /** 1 once the frame's bytes left the queued-bytes count. */
    private volatile int started;

    private final WriteBatcher<Outgoing> out;

    Call(Channel channel, Frame frame, ServerMethod method, Codecs.Entry codec,
        RequestHeader header, long received, Map<Long, Call> calls, WriteBatcher<Outgoing> out) {
      this.out = out;
      this.channel = channel;
      this.frame = frame;
      this.method = method;
      this.codec = codec;
      this.seq = frame.sequence();
      this.metadata = header.metadata();
      this.calls = calls;
      this.received = received;
      this.timeoutNanos = header.timeoutNanos();
      this.deadlineNanos = received + timeoutNanos;
    }

    /** Takes the right to end the call; only one path gets it. */
    private boolean claim() {
      return ENDED.compareAndSet(this, 0, 1);
    }

    /** The frame no longer waits: its bytes leave the count of queued bytes. */
    private void dequeued() {
      if (STARTED.compareAndSet(this, 0, 1)) {
        queuedBytes.addAndGet(-frame.size());
      }
    }

    /** The server shuts down: answer {@code code} now and stop the implementation. */
    void abort(RpcException.Code code, String message) {
      sendOnce(new ErrorInfo(code.wireNumber(), "", message, List.of()));
      cancel();
    }

    /** The executor dropped this call unrun (the server stopped): free what it holds. */
    void discard() {
      dequeued();
      frame.release();
      if (claim()) {
        finish();
      }
    }

    /** The client gave up, or went away: stop the implementation if it runs, answer nothing. */
    void cancel() {
      java.util.concurrent.Future<?> result;
      synchronized (this) {
        cancelled = true;
        if (runner != null) {
          runner.interrupt();
        }
        result = pendingResult;
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
        fail(RpcException.Code.TIMEOUT, "the deadline of " + d.displayName() + " passed before"
            + " the server could start it (it waited "
            + (System.nanoTime() - received) / 1_000_000 + " ms for a worker; its timeout was "
            + timeoutNanos / 1_000_000 + " ms). The server is overloaded, or the timeout is too"
            + " short");
        return;
      }
      Object[] args;
      try {
        args = decodeArguments(d);
      } catch (IOException e) {
        log.warn("Could not decode the arguments of {} from {} with codec {}",
            d.displayName(), channel.remoteAddress(), codec.name());
        fail(RpcException.Code.CODEC, "the server could not decode the arguments of "
            + d.displayName() + " with codec " + codec.name() + ": " + e.getMessage()
            + ". Check that client and server use the same version of the interface");
        return;
      } finally {
        frame.release();
      }
      Object result;
      CurrentCall.Context previous = CurrentCall.enter(this);
      synchronized (this) {
        runner = Thread.currentThread();
      }
      try {
        result = interceptors.isEmpty()
            ? method.invoke(args)
            : new InterceptedServerCall(method, args, this, interceptors).run();
      } catch (Throwable t) {
        failWith(t);
        return;
      } finally {
        synchronized (this) {
          runner = null;
          if (cancelled) {
            Thread.interrupted(); // the interrupt was for this call, not for the next one
          }
        }
        CurrentCall.exit(previous);
      }
      if ((d.isAsync() || !interceptors.isEmpty()) && result != null) {
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
            failWith(unwrap(error));
          } else {
            respond(value);
          }
        });
      } else {
        respond(result);
      }
    }

    private Object[] decodeArguments(MethodDescriptor d) throws IOException {
      ValueReader[] readers = method.readers(codec);
      Object[] args = new Object[readers.length];
      ByteBuf body = frame.body();
      Class<?>[] classes = d.parameterClasses();
      for (int i = 0; i < readers.length; i++) {
        try {
          args[i] = Slots.read(body, readers[i]);
        } catch (IOException | RuntimeException e) {
          throw new IOException("argument " + (i + 1) + " (" + d.parameterType(i).getTypeName()
              + "): " + e.getMessage(), e);
        }
        if (args[i] == null && classes[i].isPrimitive()) {
          throw new IOException("argument " + (i + 1) + " (" + classes[i].getName()
              + ") is null, which a primitive cannot be");
        }
      }
      if (body.isReadable()) {
        throw new IOException(body.readableBytes() + " bytes follow the last argument");
      }
      return args;
    }

    private void respond(Object value) {
      if (timeoutNanos > 0 && remainingNanos() <= 0) {
        // The caller has stopped waiting, and the implementation may have returned early because
        // RpcContext.isCancelled() said the deadline passed: that value is not an answer.
        MethodDescriptor d = method.descriptor();
        fail(RpcException.Code.TIMEOUT, d.displayName() + " finished "
            + (-remainingNanos() / 1_000_000) + " ms after its deadline (its timeout was "
            + timeoutNanos / 1_000_000 + " ms), so its result was not sent");
        return;
      }
      if (!claim()) {
        return; // aborted by a shutdown
      }
      if (cancelled) {
        finish(); // nobody is waiting for it
        return;
      }
      ByteBuf buf = channel.alloc().ioBuffer();
      try {
        int start = Frames.begin(buf, FrameType.RESPONSE, codec.id(), seq);
        Frames.endHeader(buf, start);
        ValueWriter writer = method.writer(codec);
        Slots.write(buf, writer == null ? null : value, writer,
            start + Protocol.LENGTH_FIELD + maxFrameSize);
        Frames.finish(buf, start);
      } catch (IOException | RuntimeException e) {
        buf.release();
        ended = 0; // the error below answers instead
        String what = method.descriptor().displayName();
        if (FrameTooLargeException.isCause(e)) {
          log.warn("The result of {} is larger than {} bytes; sending an error instead",
              what, maxFrameSize);
          fail(RpcException.Code.RESOURCE_EXHAUSTED, "the result of " + what
              + " is larger than the maximum frame size of " + maxFrameSize
              + " bytes (minirpc.maxFrameSize), so the server did not send it. Return less data"
              + " per call, or raise minirpc.maxFrameSize on both client and server");
        } else {
          log.warn("Could not encode the result of {} with codec {}", what, codec.name());
          fail(RpcException.Code.CODEC, "the server could not encode the result of " + what
              + " with codec " + codec.name() + ": " + e.getMessage());
        }
        return;
      }
      // Finished by the write's listener, on the event loop right after the write and before the
      // next request is read: the call leaves the connection's count in order.
      out.add(new Outgoing(buf, this));
    }

    private void failWith(Throwable t) {
      MethodDescriptor d = method.descriptor();
      if (t instanceof RpcException) {
        RpcException e = (RpcException) t;
        send(new ErrorInfo(e.code().wireNumber(), "", e.getMessage(), stack(e)));
        return;
      }
      if (t instanceof Error && !(t instanceof AssertionError)) {
        log.error("{} failed with {}", d.displayName(), t.toString(), t);
      } else if (log.isDebugEnabled()) {
        log.debug("{} threw {}", d.displayName(), t.getClass().getName());
      }
      String message = t.getMessage() == null ? "" : t.getMessage();
      send(new ErrorInfo(RpcException.Code.APPLICATION.wireNumber(), t.getClass().getName(),
          message, stack(t)));
    }

    private List<StackTraceElement> stack(Throwable t) {
      if (!sendStackTraces) {
        return List.of();
      }
      StackTraceElement[] trace = t.getStackTrace();
      return Arrays.asList(trace).subList(0, Math.min(trace.length, ErrorInfo.MAX_STACK_FRAMES));
    }

    private void fail(RpcException.Code code, String message) {
      send(new ErrorInfo(code.wireNumber(), "", message, List.of()));
    }

    private void send(ErrorInfo info) {
      sendOnce(info);
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
      } catch (RuntimeException e) {
        finish();
        throw e;
      }
      out.add(new Outgoing(buf, this));
    }

    /** The answer was written (or could not be): the call has ended. */
    @Override
    public void operationComplete(io.netty.channel.ChannelFuture future) {
      finish();
    }

    /** The call has ended: it leaves the connection's table and the server's in-flight count. */
    private void finish() {
      calls.remove(seq, this);
      inFlight.exit();
    }
  }

  private static final AtomicIntegerFieldUpdater<Call> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(Call.class, "ended");
  private static final AtomicIntegerFieldUpdater<Call> STARTED =
      AtomicIntegerFieldUpdater.newUpdater(Call.class, "started");

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
