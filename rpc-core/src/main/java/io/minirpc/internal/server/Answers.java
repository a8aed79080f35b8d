package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.FrameTooLargeException;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.ResponseWriter;
import io.minirpc.internal.protocol.ValueSize;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.MethodDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a call's outcome into what answers it: a result into a RESPONSE frame, compressed as its
 * method and its client ask; a failure into the ERROR its caller may see, which says what went
 * wrong without telling a caller what only the server should know. Holds no state: the inbound
 * call decides when to answer, this decides what.
 */
final class Answers {
  /**
   * The lines are the calls': operators filter on the logger of {@code InboundCall}, named here
   * rather than through the class, which would make the two files use each other.
   */
  private static final Logger log =
      LoggerFactory.getLogger("io.minirpc.internal.server.InboundCall");

  private Answers() {}

  /** A result that could not be made into a RESPONSE; {@link #error} answers instead. */
  static final class Unsendable extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ErrorInfo error;

    Unsendable(RpcException.Code code, String message) {
      super(message, null, false, false);
      this.error = new ErrorInfo(code.wireNumber(), "", message, List.of());
    }

    ErrorInfo error() {
      return error;
    }
  }

  /**
   * The RESPONSE frame of call {@code seq} carrying {@code value}, compressed as {@code
   * compression} says.
   *
   * @throws Unsendable if it cannot be encoded, compressed, or would not fit a frame: logged, and
   *     saying what the caller is to be told
   */
  static ByteBuf response(ServerMethod method, Codecs.Entry codec, long seq, Object value,
      ServerLimits limits, ServerCompression compression, ByteBufAllocator alloc)
      throws Unsendable {
    String what = method.descriptor().displayName();
    ByteBuf buf;
    try {
      buf = ResponseWriter.write(alloc, codec.id(), seq, value, method.writer(codec),
          limits.maxFrameSize());
      if (codec.isEvolving()) {
        Frames.addFlag(buf, Protocol.FLAG_EVOLVING);
      }
    } catch (Throwable e) {
      if (e instanceof Error) {
        log.error("Encoding the result of {} with codec {} failed", what, codec.name(), e);
        throw new Unsendable(RpcException.Code.CODEC, "the server could not encode the result of "
            + what + " with codec " + codec.name() + ": " + describe(e));
      }
      if (FrameTooLargeException.isCause(e)) {
        log.warn("The result of {} is larger than {} bytes; sending an error instead", what,
            limits.maxFrameSize());
        throw new Unsendable(RpcException.Code.RESOURCE_EXHAUSTED, "the result of " + what
            + " is larger than the maximum frame size of " + limits.maxFrameSize()
            + " bytes (minirpc.maxFrameSize), so the server did not send it."
            + ValueSize.ofResult(value, codec.name()) + " Return less data per call, or raise"
            + " minirpc.maxFrameSize on both client and server");
      }
      log.warn("Could not encode the result of {} with codec {}", what, codec.name());
      throw new Unsendable(RpcException.Code.CODEC, "the server could not encode the result of "
          + what + " with codec " + codec.name() + ": " + e.getMessage());
    }
    try {
      return compression.answer(buf, method, alloc);
    } catch (Exception e) {
      buf.release();
      log.warn("Could not compress the result of {}", what, e);
      throw new Unsendable(RpcException.Code.INTERNAL, "the server could not compress the result"
          + " of " + what + ": " + e.getMessage());
    }
  }

  /**
   * The ERROR a failure of {@code method}'s implementation becomes, as {@link #failure(Throwable,
   * MethodDescriptor, ServerLimits)} says; an exception the method declares carries its fields
   * too, encoded with the call's codec.
   */
  static ErrorInfo failure(Throwable t, ServerMethod method, Codecs.Entry codec,
      ServerLimits limits) {
    ErrorInfo info = failure(t, method.descriptor(), limits);
    if (info.exceptionClass().isEmpty() || !method.descriptor().declares(t.getClass())) {
      return info;
    }
    DeclaredState state = DeclaredState.of(t, method.exceptionFields(codec),
        ServerMethod.exceptionLayout(codec), limits.maxFrameSize());
    return state == null ? info : new ErrorInfo(info.code(), info.exceptionClass(),
        info.message(), info.stackTrace(), state);
  }

  /**
   * The ERROR a failure of the implementation of {@code d} becomes. An {@link RpcException}
   * passes as it is; an exception the method declares, as APPLICATION with its class and message
   * (and its stack, if the server sends them); anything else, unless the server sends error
   * details, as INTERNAL with an id that finds its stack in the server's log.
   */
  static ErrorInfo failure(Throwable t, MethodDescriptor d, ServerLimits limits) {
    if (t instanceof RpcException) {
      RpcException e = (RpcException) t;
      return new ErrorInfo(e.code().wireNumber(), "", e.getMessage(), stack(e, limits));
    }
    boolean bug = t instanceof Error && !(t instanceof AssertionError);
    if (!limits.errorDetails() && !d.declares(t.getClass())) {
      // Not part of the method's contract: its message may say what only the server should know.
      String id = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
      if (bug) {
        log.error("{} failed with error id {}", d.displayName(), id, t);
      } else {
        log.warn("{} failed with error id {}", d.displayName(), id, t);
      }
      return new ErrorInfo(RpcException.Code.INTERNAL.wireNumber(), "", "the server failed while"
          + " running " + d.displayName() + " (error id " + id + "; the server's log has the"
          + " details). Declare the exception in the method's throws clause to send it to"
          + " callers, or set minirpc.server.errorDetails=true", List.of());
    }
    if (bug) {
      log.error("{} failed with {}", d.displayName(), t.toString(), t);
    } else if (log.isDebugEnabled()) {
      log.debug("{} threw {}", d.displayName(), t.getClass().getName());
    }
    String message = t.getMessage() == null ? "" : t.getMessage();
    return new ErrorInfo(RpcException.Code.APPLICATION.wireNumber(), t.getClass().getName(),
        message, stack(t, limits));
  }

  /**
   * Errors from decoders (out of memory, stack overflow), which a peer can cause again and again:
   * logged with their stack at most once a second; other decoding failures, without it.
   */
  private static final io.minirpc.internal.transport.LogSafe.Limiter DECODER_ERRORS =
      io.minirpc.internal.transport.LogSafe.Limiter.perSecond();
  private static final io.minirpc.internal.transport.LogSafe.Limiter UNDECODABLE =
      io.minirpc.internal.transport.LogSafe.Limiter.perSecond();

  /**
   * Logs, at most once a second, that the arguments of {@code d} from {@code from} could not be
   * decoded, and returns what the caller is told: {@code e}'s message, or for an Error in the
   * decoder what happened.
   */
  static String undecodable(MethodDescriptor d, java.net.SocketAddress from, Codecs.Entry codec,
      Throwable e) {
    String start = "the server could not decode the arguments of " + d.displayName()
        + " with codec " + codec.name() + ": ";
    if (e instanceof java.io.IOException) {
      UNDECODABLE.warn(log, "Could not decode the arguments of " + d.displayName() + " from "
          + from + " with codec " + codec.name());
      return start + e.getMessage()
          + ". Check that client and server use the same version of the interface";
    }
    long leftOut = DECODER_ERRORS.acquire();
    if (leftOut >= 0) {
      log.error("Decoding the arguments of {} from {} with codec {} failed{}", d.displayName(),
          from, codec.name(), io.minirpc.internal.transport.LogSafe.Limiter.suffix(leftOut), e);
    }
    return start + describe(e);
  }

  /** The cause inside a CompletionException or ExecutionException. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Why a call that waited {@code received} to now for a worker is not run. */
  static String expiredInQueue(MethodDescriptor d, long received, long timeoutNanos) {
    return "the deadline of " + d.displayName() + " passed before the server could start it (it"
        + " waited " + (System.nanoTime() - received) / 1_000_000 + " ms for a worker; its"
        + " timeout was " + timeoutNanos / 1_000_000 + " ms). The server is overloaded, or the"
        + " timeout is too short";
  }

  /** Why a call whose deadline passed while its arguments were decoded is not run. */
  static String expiredDecoding(MethodDescriptor d, long timeoutNanos) {
    return "the deadline of " + d.displayName() + " passed while the server decoded its"
        + " arguments (its timeout was " + timeoutNanos / 1_000_000 + " ms)";
  }

  /** Why a call that finished {@code lateNanos} after its deadline sends no result. */
  static String finishedLate(MethodDescriptor d, long lateNanos, long timeoutNanos) {
    return d.displayName() + " finished " + lateNanos / 1_000_000 + " ms after its deadline (its"
        + " timeout was " + timeoutNanos / 1_000_000 + " ms), so its result was not sent";
  }

  /** What an Error in a codec says to the caller: what happened, not where in the server. */
  static String describe(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      return "the value needs more memory than the server has (OutOfMemoryError)";
    }
    if (t instanceof StackOverflowError) {
      return "the value is nested too deeply (StackOverflowError)";
    }
    return "the codec failed with " + t.getClass().getName();
  }

  private static List<StackTraceElement> stack(Throwable t, ServerLimits limits) {
    if (!limits.sendStackTraces()) {
      return List.of();
    }
    StackTraceElement[] trace = t.getStackTrace();
    return Arrays.asList(trace).subList(0, Math.min(trace.length, ErrorInfo.MAX_STACK_FRAMES));
  }
}
