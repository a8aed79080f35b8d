package io.minirpc.internal.protocol;

import io.minirpc.compression.Compressor;
import io.minirpc.internal.registry.CompressorRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Compressed bodies. A REQUEST or RESPONSE frame flagged {@link #FLAG_COMPRESSED} carries, in place
 * of its slots, the id of its compressor (uint8), the length of the slots uncompressed (int32) and
 * then the compressed slots. A sender compresses only a body of at least its minimum size, only
 * with a compressor its receiver named in its HELLO, and only when that makes it smaller; a
 * receiver checks the declared length against its maximum frame size, and charges it to its
 * memory budget, before it inflates a byte.
 */
public final class Compression {
  /** Flag of a REQUEST or RESPONSE frame: its body is compressed. */
  public static final byte FLAG_COMPRESSED = 0x02;
  /** Compressor id and uncompressed length, before the compressed bytes. */
  static final int PREFIX = 5;

  private Compression() {}

  /** Whether {@code frame}'s body is compressed and not yet inflated. */
  public static boolean isCompressed(Frame frame) {
    return (frame.flags() & FLAG_COMPRESSED) != 0 && !frame.inflated();
  }

  /** Whether the whole frame in {@code buf}, from its reader index, is flagged compressed. */
  public static boolean isCompressed(ByteBuf buf) {
    return (buf.getByte(buf.readerIndex() + Protocol.FLAGS_OFFSET) & FLAG_COMPRESSED) != 0;
  }

  /** The compressor id of the compressed frame in {@code buf}. */
  public static int compressorId(ByteBuf buf) {
    return buf.getUnsignedByte(bodyStart(buf));
  }

  /**
   * The uncompressed length a compressed frame's body declares.
   *
   * @throws IOException if the body is too short to declare one, or declares a negative length
   */
  public static int declaredSize(Frame frame) throws IOException {
    ByteBuf body = frame.body();
    if (body.readableBytes() < PREFIX) {
      throw new IOException("its compressed body has " + body.readableBytes() + " bytes, too"
          + " few for the compressor id and length");
    }
    int declared = body.getInt(body.readerIndex() + 1);
    if (declared < 0) {
      throw new IOException("its compressed body declares a length of " + declared + " bytes");
    }
    return declared;
  }

  /**
   * The uncompressed length {@code frame}'s body declares, held to the receiver's maximum frame
   * size: what the receiver charges to its budget before it inflates.
   *
   * @param side whose limit it is, for the message: "client" or "server"
   * @throws IOException if it declares more, or cannot declare anything
   */
  public static int declaredSize(Frame frame, int maxFrameSize, String side) throws IOException {
    int declared = declaredSize(frame);
    if (declared > maxFrameSize) {
      throw new IOException("its body declares " + declared + " bytes uncompressed, more than"
          + " the " + side + "'s maximum frame size of " + maxFrameSize
          + " (minirpc.maxFrameSize)");
    }
    return declared;
  }

  /**
   * {@code frame}, a whole finished REQUEST or RESPONSE frame from its reader index, with its body
   * compressed by {@code compressor}; or {@code frame} itself when its body is smaller than {@code
   * minBody} or would not shrink. Releases {@code frame} when it returns another buffer.
   *
   * @throws IOException if the compressor fails; {@code frame} is then still the caller's
   */
  public static ByteBuf compress(ByteBuf frame, Compressor compressor, int minBody,
      ByteBufAllocator alloc) throws IOException {
    int start = frame.readerIndex();
    int bodyStart = bodyStart(frame);
    int bodyLength = frame.writerIndex() - bodyStart;
    if (bodyLength < minBody || bodyLength <= PREFIX) {
      return frame;
    }
    int prefix = bodyStart - start;
    int room = bodyLength - PREFIX - 1; // anything not smaller goes uncompressed
    ByteBuf out = alloc.ioBuffer(prefix + PREFIX + room);
    try {
      out.writeBytes(frame, start, prefix);
      out.setByte(Protocol.FLAGS_OFFSET, frame.getByte(start + Protocol.FLAGS_OFFSET)
          | FLAG_COMPRESSED);
      out.writeByte(compressor.id());
      out.writeInt(bodyLength);
      ByteBuffer target = out.nioBuffer(out.writerIndex(), room);
      int n = compressor.compress(frame.nioBuffer(bodyStart, bodyLength), target);
      if (n < 0 || n > room) {
        out.release();
        return frame;
      }
      out.writerIndex(out.writerIndex() + n);
      Frames.finish(out, 0);
      if (n < room / 2) {
        out.capacity(out.writerIndex()); // a page of records shrinks far: hold only what it takes
      }
    } catch (IOException | RuntimeException e) {
      out.release();
      throw e;
    }
    frame.release();
    return out;
  }

  /**
   * Inflates {@code frame}'s compressed body into a buffer of the declared length, which the
   * frame then reads from and releases with itself. The caller has checked the declared length
   * ({@link #declaredSize}) and charged it to its budget.
   *
   * @throws IOException naming what is wrong: an unknown compressor, or a body that is malformed
   *     or inflates to another length than it declares
   */
  public static void inflate(Frame frame, CompressorRegistry compressors, ByteBufAllocator alloc)
      throws IOException {
    int declared = declaredSize(frame);
    ByteBuf body = frame.body();
    int id = body.getUnsignedByte(body.readerIndex());
    Compressor compressor = compressors.byId(id);
    if (compressor == null) {
      throw new IOException("its body is compressed with compressor id " + id + ", which this"
          + " side does not have (it has " + names(compressors) + ")");
    }
    ByteBuf out = alloc.ioBuffer(declared, declared);
    try {
      ByteBuffer in = body.nioBuffer(body.readerIndex() + PREFIX, body.readableBytes() - PREFIX);
      compressor.decompress(in, out.nioBuffer(0, declared));
      out.writerIndex(declared);
    } catch (IOException | RuntimeException e) {
      out.release();
      throw new IOException("its body, compressed with " + compressor.name() + " to "
          + (body.readableBytes() - PREFIX) + " bytes from a declared " + declared + ", could not"
          + " be decompressed: " + e.getMessage(), e);
    }
    frame.inflatedBody(out);
  }

  /**
   * {@code frame}, a whole compressed frame this side wrote, uncompressed again for a receiver
   * that turned out not to have its compressor. Releases {@code frame}.
   */
  public static ByteBuf uncompress(ByteBuf frame, CompressorRegistry compressors,
      ByteBufAllocator alloc) throws IOException {
    int start = frame.readerIndex();
    int bodyStart = bodyStart(frame);
    int prefix = bodyStart - start;
    int declared = frame.getInt(bodyStart + 1);
    Compressor compressor = compressors.byId(frame.getUnsignedByte(bodyStart));
    ByteBuf out = alloc.ioBuffer(prefix + declared);
    try {
      out.writeBytes(frame, start, prefix);
      out.setByte(Protocol.FLAGS_OFFSET, frame.getByte(start + Protocol.FLAGS_OFFSET)
          & ~FLAG_COMPRESSED);
      compressor.decompress(frame.nioBuffer(bodyStart + PREFIX,
          frame.writerIndex() - bodyStart - PREFIX), out.nioBuffer(prefix, declared));
      out.writerIndex(prefix + declared);
      Frames.finish(out, 0);
    } catch (IOException | RuntimeException e) {
      out.release();
      throw e;
    }
    frame.release();
    return out;
  }

  private static int bodyStart(ByteBuf frame) {
    int start = frame.readerIndex();
    return start + Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER
        + frame.getInt(start + Protocol.HEADER_LENGTH_OFFSET);
  }

  private static String names(CompressorRegistry compressors) {
    StringBuilder s = new StringBuilder();
    for (Compressor c : compressors.all()) {
      s.append(s.length() == 0 ? "" : ", ").append(c.name()).append(" = ").append(c.id());
    }
    return s.toString();
  }
}
