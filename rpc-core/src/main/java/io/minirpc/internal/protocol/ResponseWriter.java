package io.minirpc.internal.protocol;

import io.minirpc.codec.ValueWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;

/** Writes whole RESPONSE frames: an empty header, then the result's one slot. */
public final class ResponseWriter {
  private ResponseWriter() {}

  /**
   * The RESPONSE frame of call {@code sequence}.
   *
   * @param writer the result's writer; {@code null} for a method without a result, which sends
   *     the null slot
   * @param maxFrameSize the largest frame the peers accept
   * @throws IOException if the value cannot be encoded, or would not fit the frame ({@link
   *     FrameTooLargeException#isCause}); the frame was released, as it is when the writer fails
   *     with an Error (out of memory while encoding a large value)
   */
  public static ByteBuf write(ByteBufAllocator alloc, byte codecId, long sequence, Object value,
      ValueWriter writer, int maxFrameSize) throws IOException {
    return write(alloc, FrameType.RESPONSE, codecId, sequence, value, writer, maxFrameSize);
  }

  /**
   * A frame of {@code type} with an empty header and one slot, {@code value}: a RESPONSE, or one
   * ITEM of a stream. Throws and releases as {@link #write(ByteBufAllocator, byte, long, Object,
   * ValueWriter, int)} does.
   */
  public static ByteBuf write(ByteBufAllocator alloc, FrameType type, byte codecId,
      long sequence, Object value, ValueWriter writer, int maxFrameSize) throws IOException {
    ByteBuf buf = alloc.ioBuffer();
    try {
      int start = Frames.begin(buf, type, codecId, sequence);
      Frames.endHeader(buf, start);
      Slots.write(buf, writer == null ? null : value, writer,
          start + Protocol.LENGTH_FIELD + maxFrameSize);
      Frames.finish(buf, start);
      return buf;
    } catch (Throwable t) {
      // Any Throwable: an OutOfMemoryError halfway through a large value must not leak the buffer.
      buf.release();
      throw t;
    }
  }
}
