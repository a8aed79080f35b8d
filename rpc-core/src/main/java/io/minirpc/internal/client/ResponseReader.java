package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.Slots;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.internal.transport.LogSafe;
import io.netty.handler.codec.CorruptedFrameException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a call with its server's answer: a RESPONSE decoded with the method's reader, or an ERROR
 * rebuilt as the exception it stands for. A large response is decoded within a {@link
 * ResponseDecoding.Measure}: one that takes more memory than the client's budget allows fails its
 * call with RESOURCE_EXHAUSTED, and the connection to the server that sent it is closed.
 */
final class ResponseReader {
  private static final Logger log = LoggerFactory.getLogger(ResponseReader.class);
  /** Servers whose answers were refused for memory: a line a second at most. */
  private static final LogSafe.Limiter REFUSED = LogSafe.Limiter.perSecond();

  private ResponseReader() {}

  /**
   * The connection an answer came on, as reading it needs: to inflate its body, and to close it
   * when the answer is refused for memory. {@link Connection} is the one.
   */
  interface Source {
    /** "host:port" of the server. */
    String address();

    /** How this connection's compressed bodies are inflated. */
    ClientCompression compression();

    /** The connection's allocator, for inflated bodies. */
    io.netty.buffer.ByteBufAllocator alloc();

    /** Closes the connection: its server sent what this client refuses to read. */
    void closeBecauseFaulty(String reason);

    /** An answer arrived; {@code code} is its error's, or null: the server's health record. */
    void answered(RpcException.Code code);
  }

  /**
   * Ends the call of {@code call}, its attempt, with its response frame, which this releases. A
   * response that arrives once the deadline has passed ends the call with TIMEOUT, even if the timer has not fired yet (it
   * ticks every few milliseconds): the caller asked for an answer within its timeout, and a server
   * that finishes late may have seen the deadline pass (its {@code RpcContext.isCancelled()} says
   * so) and answered something the caller must not see.
   *
   * @param measure the budget a large response decodes within, or {@code null} for a small one
   * @param connection where the frame came from, closed if its answer is refused for memory
   */
  static void complete(Attempt call, Frame frame, String codecHint,
      ResponseDecoding.Measure measure, Source connection) {
    if (call.isDone()) {
      frame.release(); // it ended while its answer waited to be decoded
      if (measure != null) {
        measure.end();
      }
      return;
    }
    if (System.nanoTime() - call.deadlineNanos() >= 0) {
      frame.release();
      call.fail(call.timedOut());
      return;
    }
    try {
      switch (frame.type()) {
        case RESPONSE:
          connection.answered(null);
          completeWithValue(call, frame, codecHint, measure, connection);
          break;
        case ERROR:
          Throwable error = RemoteExceptions.rebuild(ErrorInfo.read(frame.header()), call.method(),
              frame);
          if (codecHint != null && error instanceof RpcException
              && ((RpcException) error).code() == RpcException.Code.CODEC) {
            error = new RpcException(RpcException.Code.CODEC, error.getMessage() + codecHint);
          }
          if (error instanceof RpcException) {
            RpcException e = (RpcException) error;
            boolean notRun = (frame.flags() & Protocol.FLAG_NOT_RUN) != 0;
            connection.answered(e.code());
            call.failed(e,
                notRun ? AttemptFailure.UNRUN_REMOTE : AttemptFailure.MAY_HAVE_RUN);
          } else {
            connection.answered(null);
            call.fail(error);
          }
          break;
        default:
          call.fail(RpcException.Code.INTERNAL, "failed: the server answered with a "
              + frame.type() + " frame");
      }
    } catch (CorruptedFrameException e) {
      call.fail(RpcException.Code.INTERNAL, "failed: the server's error frame is malformed: "
          + e.getMessage());
    } finally {
      frame.release();
      if (measure != null) {
        measure.end();
      }
    }
  }

  /**
   * Hands an ITEM to the stream of {@code call}, which takes the frame; false if the server had no
   * right to send it (beyond the credit granted, or for a call that does not stream): the call
   * has then failed, and the caller closes the connection. With {@code call} null (the stream
   * ended, or was cancelled: a late item), the frame is dropped.
   */
  static boolean item(Attempt call, Frame frame) {
    if (call == null) {
      frame.release();
      return true;
    }
    CallStreams streams = call.call().streams();
    if (streams != null ? streams.item(frame) : release(frame)) {
      return true;
    }
    call.failed(new RpcException(RpcException.Code.INTERNAL, call.method().callPrefix() + "failed:"
        + " the server broke the protocol: it sent an item beyond the credit the client granted,"
        + " or for a call that does not stream. The connection was closed"),
        AttemptFailure.MAY_HAVE_RUN);
    return false;
  }

  /**
   * Hands a CREDIT to the client's stream of {@code call}: false if the call sends no stream, a
   * protocol error of the server. With {@code call} null (the call ended), it is ignored.
   */
  static boolean credit(Attempt call, long items, long bytes) {
    CallStreams streams = call == null ? null : call.call().streams();
    return call == null || streams != null && streams.credit(items, bytes);
  }

  /**
   * The server wants no more of {@code call}'s stream, if it is still open (null if it ended):
   * false if the call sends none. Event loop.
   */
  static boolean stop(Attempt call) {
    CallStreams streams = call == null ? null : call.call().streams();
    return call == null || streams != null && streams.stop();
  }

  /**
   * {@code call}'s request was written as {@code seq} on {@code ch}, to a server that said
   * {@code hello}: its streams open, if it has any. Event loop.
   */
  static void opened(Attempt call, io.netty.channel.Channel ch, long seq, boolean evolving,
      io.minirpc.internal.protocol.Hello hello) {
    CallStreams streams = call.call().streams();
    if (streams != null) {
      streams.opened(ch, seq, evolving, hello.maxFrameSize());
    }
  }

  /**
   * The channel of {@code calls} became writable again: their streams go on. They are found
   * first and told after, as one may end its call and leave {@code calls}; most calls have
   * none, and then nothing is allocated.
   */
  static void writable(Iterable<Attempt> calls) {
    java.util.List<CallStreams> waiting = null;
    for (Attempt a : calls) {
      CallStreams streams = a.call().streams();
      if (streams != null) {
        if (waiting == null) {
          waiting = new java.util.ArrayList<>();
        }
        waiting.add(streams);
      }
    }
    if (waiting != null) {
      waiting.forEach(CallStreams::writable);
    }
  }

  /** Frees {@code frame}: false, an item the call has no right to. */
  private static boolean release(Frame frame) {
    frame.release();
    return false;
  }

  private static void completeWithValue(Attempt call, Frame frame, String codecHint,
      ResponseDecoding.Measure measure, Source connection) {
    ClientMethod method = call.method();
    MethodDescriptor d = method.descriptor();
    Object value;
    try {
      inflate(frame, measure, connection);
      io.minirpc.codec.ValueReader reader = method.reader(Protocol.evolving(frame.flags()));
      value = reader == null ? discard(frame)
          : Slots.read(frame.body(), reader,
              measure == null ? call : () -> checkDecoding(call, measure));
      if (frame.body().isReadable()) {
        throw new IOException(frame.body().readableBytes() + " bytes follow the result");
      }
    } catch (Error e) {
      // Out of memory, or a stack overflow, in the decoder: this call fails, the thread lives.
      call.fail(RpcException.Code.CODEC, "failed: could not decode the result ("
          + d.resultType().getTypeName() + ") with the client's codec: the decoder failed with "
          + e, e);
      return;
    } catch (IOException | RuntimeException e) {
      if (measure != null && measure.refusal() != null) {
        refuse(call, measure.refusal(), connection);
        return;
      }
      if (call.isDone()) {
        return; // cancelled or timed out while decoding: it already ended
      }
      call.fail(RpcException.Code.CODEC, "failed: could not decode the result ("
          + d.resultType().getTypeName() + ") with the client's codec: " + e.getMessage()
          + (codecHint != null ? codecHint
              : ". Check that client and server use the same version of the interface"), e);
      return;
    }
    if (value == null && d.isPrimitiveResult()) {
      call.fail(RpcException.Code.CODEC, "failed: the server sent null for a result of primitive"
          + " type " + d.resultType().getTypeName());
      return;
    }
    call.complete(value);
  }

  /**
   * The answer would take more memory than the client may spend: the call fails, and the server
   * that sent it is treated as failing: its connection is closed, and the client reconnects after
   * a backoff that grows while its answers go on being refused.
   */
  private static void refuse(Attempt call, String refusal, Source connection) {
    call.fail(RpcException.Code.RESOURCE_EXHAUSTED, "failed: " + refusal);
    long leftOut = REFUSED.acquire();
    if (leftOut >= 0) {
      log.warn("Closing connection to {}: {}{}", connection.address(), refusal,
          LogSafe.Limiter.suffix(leftOut));
    }
    connection.closeBecauseFaulty("its answer to " + call.method().descriptor().displayName()
        + " took more memory to decode than minirpc.maxResponseMemory allows");
  }

  /**
   * Inflates a compressed body, after taking its declared size from the budget when it is large:
   * a small one (under {@link ResponseDecoding#LARGE} inflated) is inflated on the I/O thread.
   */
  private static void inflate(Frame frame, ResponseDecoding.Measure measure,
      Source connection) throws IOException {
    if (!io.minirpc.internal.protocol.Compression.isCompressed(frame)) {
      return;
    }
    ClientCompression compression = connection.compression();
    int size = compression.decodedSize(frame);
    if (measure != null) {
      measure.take(size);
    }
    compression.inflate(frame, connection.alloc());
  }

  /** The decoding budget: a call that ended meanwhile (cancelled, timed out) stops decoding. */
  private static void checkDecoding(Attempt call, ResponseDecoding.Measure measure)
      throws IOException {
    call.check();
    measure.check();
  }

  private static Object discard(Frame frame) throws IOException {
    // A method without a result still gets one slot back, which must be the null slot.
    return Slots.read(frame.body(), in -> {
      throw new IOException("a method without a result got a value");
    });
  }
}
