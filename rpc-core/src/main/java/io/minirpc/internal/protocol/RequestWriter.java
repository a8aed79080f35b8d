package io.minirpc.internal.protocol;

import io.minirpc.codec.ValueWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.Map;

/** Writes whole REQUEST frames: the {@link RequestHeader}, then one slot per argument. */
public final class RequestWriter {
  /** An argument could not be written; the frame was released. */
  public static final class ArgumentException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int index;

    ArgumentException(int index, Throwable cause) {
      super("argument " + (index + 1) + ": " + cause.getMessage(), cause);
      this.index = index;
    }

    /** Which argument, from 0. */
    public int index() {
      return index;
    }

    /** Whether it failed because the frame would pass the maximum frame size. */
    public boolean frameTooLarge() {
      return FrameTooLargeException.isCause(getCause());
    }
  }

  private RequestWriter() {}

  /**
   * A REQUEST frame with sequence number 0 (the connection sets it when it sends the frame).
   *
   * @param serviceAndMethod the service and method strings, encoded once with {@link
   *     Frames#encodeString}
   * @param timeoutNanos the time the caller has left; 0 for none
   * @param maxFrameSize the largest frame the peers accept
   * @throws IllegalArgumentException if the metadata cannot be encoded (a key or value over
   *     65,535 UTF-8 bytes, or too many entries)
   * @throws ArgumentException if an argument cannot be encoded, or would not fit the frame
   */
  public static ByteBuf write(ByteBufAllocator alloc, byte codecId, byte[] serviceAndMethod,
      long timeoutNanos, Map<String, String> metadata, Object[] args, ValueWriter[] writers,
      int maxFrameSize) throws ArgumentException {
    ByteBuf buf = alloc.ioBuffer(256);
    int start;
    try {
      start = Frames.begin(buf, FrameType.REQUEST, codecId, 0);
      RequestHeader.write(buf, serviceAndMethod, timeoutNanos, metadata);
      Frames.endHeader(buf, start);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
    int limit = start + Protocol.LENGTH_FIELD + maxFrameSize;
    int i = 0;
    try {
      for (; i < writers.length; i++) {
        Slots.write(buf, writers[i] == Slots.STREAM_SLOT ? null : args[i], writers[i], limit);
      }
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw new ArgumentException(i, e);
    }
    Frames.finish(buf, start);
    return buf;
  }
}
