package io.minirpc.internal.server;

import io.minirpc.RpcContext;
import io.minirpc.RpcException;
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
import io.minirpc.internal.protocol.ResponseWriter;
import io.minirpc.internal.protocol.Slots;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.internal.transport.LogSafe;
import io.minirpc.internal.transport.ThreadAllocation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted request through its life, on the executor: decode, invoke, answer; or cancelled,
 * aborted by a shutdown, or dropped unrun. It is also what {@link RpcContext} shows: the
 * deadline it carried, whether the client gave up, who called and with which metadata.
 */
final class InboundCall implements Runnable, CurrentCall.Context, ChannelFutureListener {
  private static final Logger log = LoggerFactory.getLogger(InboundCall.class);
  /** Bad input repeats: at most one line a second, saying how many were left out. */
  /**
   * Errors from decoders (out of memory, stack overflow), which a peer can cause again and again:
   * logged with their stack at most once a second.
   */
  private static final LogSafe.Limiter DECODER_ERRORS = LogSafe.Limiter.perSecond();
  private static final LogSafe.Limiter UNDECODABLE = LogSafe.Limiter.perSecond();
  /**
   * Requests smaller than this are not measured while they decode: the codecs check the budget
   * every thousand elements or tokens, which takes at least a kilobyte.
   */
  private static final int MEASURED_FROM = 1024;
  /** Decoding may take this long a byte of the request, whatever the caller's deadline. */
  private static final long DECODING_NANOS_PER_BYTE = 1_000;
  /** ... and at least this long. */
  private static final long DECODING_NANOS_MIN = 1_000_000_000L;
  /** Decoding that outgrows its memory takes at least this much more at a time. */
  private static final long DECODING_GROWTH = 256 * 1024;

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
  /** Bytes of the connection's memory this call holds until it is answered: metadata, arguments. */
  private final long heldBytes;
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
  /** 1 once {@link #heldBytes} went back to the connection's memory. Guarded by this. */
  private int gaveBack;
  /**
   * Memory taken beyond {@link #heldBytes} because decoding allocated more than the budget's
   * estimate gave it; given back with it. Guarded by this.
   */
  private long extraBytes;
  /** How the decoding of a large request is going; null for small ones, which are not watched. */
  private Decoding decoding;

  /** When decoding began, what the thread had allocated then, and why it stopped, if it did. */
  private static final class Decoding {
    final long since = System.nanoTime();
    /** 0 when allocation is not measured. */
    final long allocatedBefore;
    String memoryRefusal;

    Decoding(boolean measureMemory) {
      allocatedBefore = measureMemory ? ThreadAllocation.current() : 0;
    }
  }

  /**
   * @param frame the request, which this call now owns and releases
   * @param received when the request was read, on the System.nanoTime() clock
   * @param heldBytes memory taken for the metadata and the decoded arguments, which this call
   *     gives back once it is answered (or ends unanswered)
   */
  InboundCall(Serving serving, ConnectionCalls connection, Router.Route route,
      RequestHeader header, Frame frame, long received, long heldBytes) {
    this.serving = serving;
    this.connection = connection;
    this.channel = connection.channel();
    this.frame = frame;
    this.method = route.method();
    this.codec = route.codec();
    this.seq = frame.sequence();
    this.metadata = header.metadata();
    this.received = received;
    this.heldBytes = heldBytes;
    if (heldBytes == 0) {
      gaveBack = 1;
    }
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
      serving.admission().started(frame.size());
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

  /**
   * Whether a CANCEL now would undo this call before it cost the server anything but its reading:
   * it has not started and arrived less than {@code windowNanos} ago. That is what a rapid-reset
   * flood does; a caller whose call timed out while it waited, or a hedge that lost while it ran,
   * cancels an older or a started call.
   */
  boolean unstartedSince(long now, long windowNanos) {
    return started == 0 && now - received < windowNanos;
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
      fail(RpcException.Code.TIMEOUT, "the deadline of " + d.displayName() + " passed before"
          + " the server could start it (it waited "
          + (System.nanoTime() - received) / 1_000_000 + " ms for a worker; its timeout was "
          + timeoutNanos / 1_000_000 + " ms). The server is overloaded, or the timeout is too"
          + " short");
      return;
    }
    Object[] args;
    try {
      if (frame.size() >= MEASURED_FROM) {
        decoding = new Decoding(heldBytes > 0 && ThreadAllocation.supported());
      }
      args = decodeArguments(d);
    } catch (IOException e) {
      if (decoding != null && decoding.memoryRefusal != null) {
        fail(RpcException.Code.RESOURCE_EXHAUSTED, decoding.memoryRefusal);
        return;
      }
      if (cancelled) {
        fail(RpcException.Code.CANCELLED, "cancelled"); // ends it, unanswered
        return;
      }
      if (timeoutNanos > 0 && remainingNanos() <= 0) {
        fail(RpcException.Code.TIMEOUT, "the deadline of " + d.displayName() + " passed while"
            + " the server decoded its arguments (its timeout was " + timeoutNanos / 1_000_000
            + " ms)");
        return;
      }
      if (ended != 0) {
        return; // aborted while it decoded (the server shuts down): answered already
      }
      UNDECODABLE.warn(log, "Could not decode the arguments of " + d.displayName() + " from "
          + channel.remoteAddress() + " with codec " + codec.name());
      fail(RpcException.Code.CODEC, "the server could not decode the arguments of "
          + d.displayName() + " with codec " + codec.name() + ": " + e.getMessage()
          + ". Check that client and server use the same version of the interface");
      return;
    } catch (Throwable t) {
      // An Error from a decoder (out of memory, stack overflow) ends this call, not the worker.
      long leftOut = DECODER_ERRORS.acquire();
      if (leftOut >= 0) {
        log.error("Decoding the arguments of {} from {} with codec {} failed{}",
            d.displayName(), channel.remoteAddress(), codec.name(),
            LogSafe.Limiter.suffix(leftOut), t);
      }
      fail(RpcException.Code.CODEC, "the server could not decode the arguments of "
          + d.displayName() + " with codec " + codec.name() + ": " + describe(t));
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
      result = serving.interceptors().isEmpty()
          ? method.invoke(args)
          : new InterceptedServerCall(method, args, this, serving.interceptors()).run();
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
        args[i] = Slots.read(body, readers[i], this::checkDecoding);
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

  /**
   * The decoding budget: a call cancelled, aborted or past its deadline stops decoding, and so
   * does one whose decoding has allocated more than the memory it holds, when no more can be
   * had. The codecs call this every thousand elements or tokens, so only requests of a kilobyte
   * or more ever get here.
   */
  private void checkDecoding() throws IOException {
    if (cancelled) {
      throw new IOException("the call was cancelled");
    }
    if (timeoutNanos > 0 && remainingNanos() <= 0) {
      throw new IOException("the deadline passed");
    }
    Decoding d = decoding;
    if (d != null) {
      checkDecodingTime(d);
      if (d.allocatedBefore != 0) {
        checkDecodingMemory(d);
      }
    }
  }

  /**
   * Decoding may take {@link #DECODING_NANOS_PER_BYTE} a byte of the request, and at least
   * {@link #DECODING_NANOS_MIN}, whatever deadline the caller gave (a caller may give none): a
   * hundred times what the codecs need, so only a payload built to be slow to decode (keys whose
   * hashes collide in a map or a set, making each insertion a walk of all the others) or a
   * server thrashing for memory gets here.
   */
  private void checkDecodingTime(Decoding d) throws IOException {
    long took = System.nanoTime() - d.since;
    long allowed = Math.max(DECODING_NANOS_MIN, frame.size() * DECODING_NANOS_PER_BYTE);
    if (took > allowed) {
      throw new IOException("decoding took more than the " + allowed / 1_000_000 + " ms the"
          + " server gives " + frame.size() + " bytes (" + DECODING_NANOS_PER_BYTE + " ns a byte,"
          + " at least " + DECODING_NANOS_MIN / 1_000_000 + " ms): the values are built to be"
          + " slow to decode, such as map keys or set elements whose hashes collide");
    }
  }

  /**
   * Decoding may allocate what this call holds for it (the budget's estimate, {@link
   * MemoryBudget#REQUEST_FACTOR} times the request's size), and more as long as the connection's
   * and the server's budgets have room for it; past that it stops, so that a request whose values
   * expand far beyond its bytes (a million one-character strings) cannot run the server out of
   * memory. Allocation counts garbage too, so this errs on the safe side.
   */
  private void checkDecodingMemory(Decoding d) throws IOException {
    long allocated = ThreadAllocation.current() - d.allocatedBefore;
    ConnectionMemory m = connection.memory();
    synchronized (this) {
      long over = allocated - heldBytes - extraBytes;
      if (over <= 0) {
        return;
      }
      if (gaveBack != 0) {
        throw new IOException("the call ended"); // aborted meanwhile: nothing more to take
      }
      long more = Math.max(over, DECODING_GROWTH);
      if (m.take(more) == ConnectionMemory.TAKEN) {
        extraBytes += more;
        return;
      }
    }
    d.memoryRefusal = "the server refused the call: decoding its arguments took " + allocated
        + " bytes of memory, more than the " + frame.size() + "-byte request may hold"
        + " (minirpc.server.maxConnectionMemory=" + m.limit() + ", minirpc.server.maxMemory="
        + m.serverLimit() + "). Its values expand far beyond their bytes: send less per call, or"
        + " raise those limits";
    throw new IOException(d.memoryRefusal);
  }

  /** What an Error in a codec says to the caller: what happened, not where in the server. */
  private static String describe(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      return "the value needs more memory than the server has (OutOfMemoryError)";
    }
    if (t instanceof StackOverflowError) {
      return "the value is nested too deeply (StackOverflowError)";
    }
    return "the codec failed with " + t.getClass().getName();
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
    ByteBuf buf;
    try {
      buf = ResponseWriter.write(channel.alloc(), codec.id(), seq, value, method.writer(codec),
          serving.limits().maxFrameSize());
    } catch (Throwable e) {
      ended = 0; // the error below answers instead
      String what = method.descriptor().displayName();
      if (e instanceof Error) {
        log.error("Encoding the result of {} with codec {} failed", what, codec.name(), e);
        fail(RpcException.Code.CODEC, "the server could not encode the result of " + what
            + " with codec " + codec.name() + ": " + describe(e));
      } else if (FrameTooLargeException.isCause(e)) {
        log.warn("The result of {} is larger than {} bytes; sending an error instead",
            what, serving.limits().maxFrameSize());
        fail(RpcException.Code.RESOURCE_EXHAUSTED, "the result of " + what
            + " is larger than the maximum frame size of " + serving.limits().maxFrameSize()
            + " bytes (minirpc.maxFrameSize), so the server did not send it. Return less data"
            + " per call, or raise minirpc.maxFrameSize on both client and server");
      } else {
        log.warn("Could not encode the result of {} with codec {}", what, codec.name());
        fail(RpcException.Code.CODEC, "the server could not encode the result of " + what
            + " with codec " + codec.name() + ": " + e.getMessage());
      }
      return;
    }
    giveBack(); // the answer is encoded: the arguments and the metadata are garbage now
    // Finished by the write's listener, on the event loop right after the write and before the
    // next request is read: the call leaves the connection's count in order.
    connection.send(buf, this);
  }

  private void failWith(Throwable t) {
    MethodDescriptor d = method.descriptor();
    if (cancelled) {
      // Nobody waits for the answer, and the failure is most likely the cancel itself.
      if (claim()) {
        finish();
      }
      return;
    }
    if (t instanceof RpcException) {
      RpcException e = (RpcException) t;
      send(new ErrorInfo(e.code().wireNumber(), "", e.getMessage(), stack(e)));
      return;
    }
    boolean bug = t instanceof Error && !(t instanceof AssertionError);
    if (!serving.limits().errorDetails() && !d.declares(t.getClass())) {
      // Not part of the method's contract: its message may say what only the server should know.
      String id = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
      if (bug) {
        log.error("{} failed with error id {}", d.displayName(), id, t);
      } else {
        log.warn("{} failed with error id {}", d.displayName(), id, t);
      }
      send(new ErrorInfo(RpcException.Code.INTERNAL.wireNumber(), "", "the server failed while"
          + " running " + d.displayName() + " (error id " + id + "; the server's log has the"
          + " details). Declare the exception in the method's throws clause to send it to"
          + " callers, or set minirpc.server.errorDetails=true", List.of()));
      return;
    }
    if (bug) {
      log.error("{} failed with {}", d.displayName(), t.toString(), t);
    } else if (log.isDebugEnabled()) {
      log.debug("{} threw {}", d.displayName(), t.getClass().getName());
    }
    String message = t.getMessage() == null ? "" : t.getMessage();
    send(new ErrorInfo(RpcException.Code.APPLICATION.wireNumber(), t.getClass().getName(),
        message, stack(t)));
  }

  private List<StackTraceElement> stack(Throwable t) {
    if (!serving.limits().sendStackTraces()) {
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
    } catch (Throwable e) {
      // Not even an error frame could be built: the call still ends, and frees its slot.
      log.error("Could not answer {} with an error", method.descriptor().displayName(), e);
      finish();
      return;
    }
    giveBack();
    connection.send(buf, this);
  }

  /** The answer was written (or could not be): the call has ended. */
  @Override
  public void operationComplete(io.netty.channel.ChannelFuture future) {
    finish();
  }

  /**
   * The call has ended: it leaves the connection's table and the server's in-flight count, and
   * gives back the memory of its metadata and arguments if it has not yet. Runs once per call.
   */
  private void finish() {
    connection.remove(seq, this);
    giveBack();
    serving.admission().finished();
  }

  /**
   * Gives back the memory counted for the metadata and the decoded arguments, once: when the
   * answer has been made, which may wait long to be written to a client that reads slowly, or
   * when the call ends without one.
   */
  private void giveBack() {
    long bytes;
    synchronized (this) { // against decoding, which may still be taking more
      if (gaveBack != 0) {
        return;
      }
      gaveBack = 1;
      bytes = heldBytes + extraBytes;
    }
    connection.memory().release(bytes);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
