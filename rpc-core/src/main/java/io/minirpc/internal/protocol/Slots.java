package io.minirpc.internal.protocol;

import io.minirpc.codec.DecodeBudget;
import io.minirpc.codec.ValueReader;
import io.minirpc.codec.ValueWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The body of a frame is a run of slots, one per value: a signed 32-bit length, then that many
 * bytes of codec output. Length -1 is {@code null}, which never reaches a codec. Because each codec
 * call sees a stream bounded to its own slot, a reader that reads ahead cannot eat the next value.
 */
public final class Slots {
  private Slots() {}

  /**
   * The writer of a stream parameter's slot, which a request leaves empty (null): the stream's
   * items follow in ITEM frames. Never called.
   */
  public static final ValueWriter STREAM_SLOT = (value, out) -> {
    throw new IOException("a stream parameter's slot stays empty");
  };

  /** The reader of a stream parameter's slot: called only for one that is not empty, an error. */
  public static final ValueReader EMPTY_STREAM_SLOT = in -> {
    throw new IOException("the slot of a Flow.Publisher parameter must be empty (null): its"
        + " items come in ITEM frames");
  };

  /**
   * Appends one slot holding {@code value}, encoded straight into {@code buf}.
   *
   * @param limit the writer index the frame must not pass (start + length field + max frame size)
   * @throws FrameTooLargeException if the value would pass {@code limit}
   * @throws IOException if the codec fails
   */
  public static void write(ByteBuf buf, Object value, ValueWriter writer, int limit)
      throws IOException {
    if (value == null) {
      buf.writeInt(Protocol.NULL_SLOT);
      return;
    }
    int lengthIndex = buf.writerIndex();
    buf.writeInt(0);
    writer.write(value, new SlotOutputStream(buf, limit));
    int length = buf.writerIndex() - lengthIndex - 4;
    buf.setInt(lengthIndex, length);
  }

  /**
   * Skips one slot of {@code body}.
   *
   * @throws IOException if the slot overruns the body
   */
  public static void skip(ByteBuf body) throws IOException {
    if (body.readableBytes() < 4) {
      throw new IOException("the frame body ends before a slot");
    }
    int length = body.readInt();
    if (length == Protocol.NULL_SLOT) {
      return;
    }
    if (length < 0 || length > body.readableBytes()) {
      throw new IOException(
          "slot length " + length + " does not fit the " + body.readableBytes() + " bytes left");
    }
    body.skipBytes(length);
  }

  /**
   * Reads one slot from {@code body}, leaving the reader index after it.
   *
   * @throws IOException if the slot overruns the body, or the codec fails or leaves bytes unread
   */
  public static Object read(ByteBuf body, ValueReader reader) throws IOException {
    return read(body, reader, DecodeBudget.UNLIMITED);
  }

  /**
   * Reads one slot from {@code body} as {@link #read(ByteBuf, ValueReader)} does, with a budget the
   * codec checks while it decodes.
   */
  public static Object read(ByteBuf body, ValueReader reader, DecodeBudget budget)
      throws IOException {
    if (body.readableBytes() < 4) {
      throw new IOException(
          "the frame body ends before the value's slot (" + body.readableBytes() + " bytes left)");
    }
    int length = body.readInt();
    if (length == Protocol.NULL_SLOT) {
      return null;
    }
    if (length < 0 || length > body.readableBytes()) {
      throw new IOException(
          "slot length " + length + " does not fit the " + body.readableBytes() + " bytes left");
    }
    int end = body.readerIndex() + length;
    try {
      ByteBufInputStream in = new ByteBufInputStream(body, length);
      Object value = reader.read(in, budget);
      int left = in.available();
      if (left > 0) {
        throw new IOException(
            "the decoder left " + left + " of the slot's " + length + " bytes unread");
      }
      return value;
    } finally {
      body.readerIndex(end);
    }
  }

  /** An OutputStream that appends to a ByteBuf and refuses to grow a frame past its limit. */
  private static final class SlotOutputStream extends OutputStream {
    private final ByteBuf buf;
    private final int limit;

    SlotOutputStream(ByteBuf buf, int limit) {
      this.buf = buf;
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      ensure(1);
      buf.writeByte(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ensure(len);
      buf.writeBytes(b, off, len);
    }

    private void ensure(int len) throws FrameTooLargeException {
      if ((long) buf.writerIndex() + len > limit) {
        throw new FrameTooLargeException(
            "the encoded value passes the maximum frame size (minirpc.maxFrameSize)");
      }
    }
  }
}
