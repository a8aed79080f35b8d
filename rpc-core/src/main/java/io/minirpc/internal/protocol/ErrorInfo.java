package io.minirpc.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * The header of an ERROR frame: why a call failed. Codec-independent, so a failure to encode or
 * decode can itself be reported, and readable without any class lookup.
 *
 * <pre>
 * +--------------+-----------------+---------+----------------+------------------------------+
 * | code (int32) | exception class | message | count (uint16) | count x (class, method, file |
 * | wire number  | string, "" none | string  | stack frames   | strings, line int32)         |
 * +--------------+-----------------+---------+----------------+------------------------------+
 * </pre>
 */
public record ErrorInfo(int code, String exceptionClass, String message,
    List<StackTraceElement> stackTrace, Body body) {
  /**
   * What an ERROR frame may carry after its header: the fields of an exception the method
   * declares, encoded by a codec (the frame then names it, and its layout in the flags).
   */
  public interface Body {
    /** The codec that encodes it. */
    byte codecId();

    /** {@link Protocol#FLAG_EVOLVING} if in the codec's evolving layout, else 0. */
    byte flags();

    /**
     * Appends the body; if it throws, the frame goes without one.
     *
     * @param frameStart the index of the frame's first byte, which bounds how far the frame may
     *     grow within the maximum frame size
     */
    void write(ByteBuf buf, int frameStart) throws java.io.IOException;
  }

  /** An error without a body: everything but a declared exception with fields. */
  public ErrorInfo(
      int code, String exceptionClass, String message, List<StackTraceElement> stackTrace) {
    this(code, exceptionClass, message, stackTrace, null);
  }

  /** Messages are cut to this many characters so the header always fits its string fields. */
  public static final int MAX_MESSAGE_CHARS = 8192;
  /** At most this many stack frames travel. */
  public static final int MAX_STACK_FRAMES = 64;
  /**
   * The largest body (a declared exception's fields) a server sends and a client reads: a client
   * decodes it on its I/O thread, so it stays small whatever the maximum frame size.
   */
  public static final int MAX_BODY = 64 * 1024;

  /** The code of the ERROR header in {@code header}, without reading it. */
  public static int peekCode(ByteBuf header) {
    return header.readableBytes() < 4 ? 0 : header.getInt(header.readerIndex());
  }

  public static ErrorInfo read(ByteBuf header) {
    int code = Frames.readInt(header);
    String exceptionClass = Frames.readString(header);
    String message = Frames.readString(header);
    int count = Frames.readUnsignedShort(header);
    List<StackTraceElement> stack = new ArrayList<>(Math.min(count, MAX_STACK_FRAMES));
    for (int i = 0; i < count; i++) {
      String declaringClass = Frames.readString(header);
      String methodName = Frames.readString(header);
      String file = Frames.readString(header);
      int line = Frames.readInt(header);
      stack.add(
          new StackTraceElement(declaringClass, methodName, file.isEmpty() ? null : file, line));
    }
    return new ErrorInfo(code, exceptionClass, message, stack);
  }

  /** A whole ERROR frame for call {@code sequence}. */
  public ByteBuf toFrame(ByteBufAllocator alloc, long sequence) {
    return toFrame(alloc, sequence, (byte) 0);
  }

  /** A whole ERROR frame for call {@code sequence} with {@code flags}, such as NOT_RUN. */
  public ByteBuf toFrame(ByteBufAllocator alloc, long sequence, byte flags) {
    ByteBuf buf = alloc.ioBuffer(64 + message.length());
    try {
      int start = Frames.begin(buf, FrameType.ERROR, Protocol.NO_CODEC, sequence);
      buf.setByte(start + Protocol.FLAGS_OFFSET, flags);
      write(buf);
      Frames.endHeader(buf, start);
      if (body != null) {
        int bodyStart = buf.writerIndex();
        try {
          body.write(buf, start);
          buf.setByte(start + Protocol.LENGTH_FIELD + 4, body.codecId());
          buf.setByte(start + Protocol.FLAGS_OFFSET, flags | body.flags());
        } catch (java.io.IOException | RuntimeException | StackOverflowError
            | OutOfMemoryError e) {
          buf.writerIndex(bodyStart); // the error goes without the exception's fields
        }
      }
      Frames.finish(buf, start);
      return buf;
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  void write(ByteBuf buf) {
    buf.writeInt(code);
    Frames.writeString(buf, Frames.truncate(exceptionClass, 1024));
    Frames.writeString(buf, Frames.truncate(message, MAX_MESSAGE_CHARS));
    int count = Math.min(stackTrace.size(), MAX_STACK_FRAMES);
    buf.writeShort(count);
    for (int i = 0; i < count; i++) {
      StackTraceElement e = stackTrace.get(i);
      Frames.writeString(buf, Frames.truncate(e.getClassName(), 1024));
      Frames.writeString(buf, Frames.truncate(e.getMethodName(), 1024));
      Frames.writeString(buf, e.getFileName() == null ? "" : Frames.truncate(e.getFileName(), 1024));
      buf.writeInt(e.getLineNumber());
    }
  }
}
