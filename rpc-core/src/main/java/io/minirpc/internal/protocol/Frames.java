package io.minirpc.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;

/**
 * Writes frames straight into the buffer that goes to the socket: {@link #begin} lays down the
 * fixed header with placeholders, the caller appends header and body, {@link #finish} fills in the
 * lengths. Also the string format used inside headers: an unsigned 16-bit byte count, then UTF-8.
 */
public final class Frames {
  /** The longest string a header field carries, in bytes. */
  public static final int MAX_STRING_BYTES = 0xFFFF;

  private Frames() {}

  /**
   * Writes the length placeholder and the fixed header; returns the frame's start index, to pass
   * to {@link #endHeader} and {@link #finish}.
   */
  public static int begin(ByteBuf buf, FrameType type, byte codecId, long sequence) {
    int start = buf.writerIndex();
    buf.writeInt(0); // length, set by finish
    buf.writeShort(Protocol.MAGIC);
    buf.writeByte(Protocol.VERSION);
    buf.writeByte(type.code());
    buf.writeByte(codecId);
    buf.writeByte(0); // flags
    buf.writeLong(sequence);
    buf.writeInt(0); // header length, set by endHeader
    return start;
  }

  /** A whole frame with no header and no body, such as CANCEL, PING or PONG. */
  public static ByteBuf empty(ByteBufAllocator alloc, FrameType type, long sequence) {
    ByteBuf buf = alloc.ioBuffer(Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER);
    int start = begin(buf, type, Protocol.NO_CODEC, sequence);
    endHeader(buf, start);
    finish(buf, start);
    return buf;
  }

  /**
   * A CREDIT frame: the receiver of stream {@code sequence} grants its sender {@code items} more
   * items and {@code bytes} more bytes.
   */
  public static ByteBuf credit(ByteBufAllocator alloc, long sequence, long items, long bytes) {
    ByteBuf buf = alloc.ioBuffer(Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER + 16);
    int start = begin(buf, FrameType.CREDIT, Protocol.NO_CODEC, sequence);
    buf.writeLong(items);
    buf.writeLong(bytes);
    endHeader(buf, start);
    finish(buf, start);
    return buf;
  }

  /** Marks the end of the header that was written since {@link #begin}. */
  public static void endHeader(ByteBuf buf, int start) {
    int headerStart = start + Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER;
    buf.setInt(start + Protocol.HEADER_LENGTH_OFFSET, buf.writerIndex() - headerStart);
  }

  /** Fills in the frame length; returns it (bytes after the length prefix). */
  public static int finish(ByteBuf buf, int start) {
    int length = buf.writerIndex() - start - Protocol.LENGTH_FIELD;
    buf.setInt(start, length);
    return length;
  }

  /** Sets {@code flag} in the flags of the frame that starts at {@code buf}'s reader index. */
  public static void addFlag(ByteBuf buf, byte flag) {
    int at = buf.readerIndex() + Protocol.FLAGS_OFFSET;
    buf.setByte(at, buf.getByte(at) | flag);
  }

  /** Overwrites the sequence number of a frame written earlier. */
  public static void setSequence(ByteBuf buf, int start, long sequence) {
    buf.setLong(start + Protocol.SEQUENCE_OFFSET, sequence);
  }

  /** Writes a header string. Strings longer than 65,535 UTF-8 bytes are refused. */
  public static void writeString(ByteBuf buf, String s) {
    int lengthIndex = buf.writerIndex();
    buf.writeShort(0);
    int written = ByteBufUtil.writeUtf8(buf, s);
    if (written > MAX_STRING_BYTES) {
      buf.writerIndex(lengthIndex);
      throw new IllegalArgumentException(
          "header string of " + written + " UTF-8 bytes is longer than " + MAX_STRING_BYTES);
    }
    buf.setShort(lengthIndex, written);
  }

  /** The bytes {@link #writeString} writes for {@code s}, for headers built once and reused. */
  public static byte[] encodeString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > MAX_STRING_BYTES) {
      throw new IllegalArgumentException(
          "header string of " + utf8.length + " UTF-8 bytes is longer than " + MAX_STRING_BYTES);
    }
    byte[] out = new byte[2 + utf8.length];
    out[0] = (byte) (utf8.length >>> 8);
    out[1] = (byte) utf8.length;
    System.arraycopy(utf8, 0, out, 2, utf8.length);
    return out;
  }

  /** Reads a header string. */
  public static String readString(ByteBuf buf) {
    int length = stringLength(buf);
    String s = buf.toString(buf.readerIndex(), length, StandardCharsets.UTF_8);
    buf.skipBytes(length);
    return s;
  }

  /**
   * A string as {@link #readString} reads it, which the thread likely read before: a service or
   * method name, the same String each time ({@link HeaderNames}).
   */
  static String readName(ByteBuf buf) {
    return HeaderNames.read(buf, stringLength(buf));
  }

  private static int stringLength(ByteBuf buf) {
    int length = readUnsignedShort(buf);
    if (buf.readableBytes() < length) {
      throw new CorruptedFrameException(
          "Header string of " + length + " bytes overruns the header (" + buf.readableBytes()
              + " bytes left)");
    }
    return length;
  }

  public static int readUnsignedShort(ByteBuf buf) {
    need(buf, 2);
    return buf.readUnsignedShort();
  }

  public static int readInt(ByteBuf buf) {
    need(buf, 4);
    return buf.readInt();
  }

  public static long readLong(ByteBuf buf) {
    need(buf, 8);
    return buf.readLong();
  }

  private static void need(ByteBuf buf, int bytes) {
    if (buf.readableBytes() < bytes) {
      throw new CorruptedFrameException(
          "Header is truncated: needed " + bytes + " more bytes, " + buf.readableBytes() + " left");
    }
  }

  /** Truncates {@code s} to at most {@code maxChars} characters, marking the cut. */
  public static String truncate(String s, int maxChars) {
    if (s.length() <= maxChars) {
      return s;
    }
    int end = maxChars;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "... (truncated)";
  }
}
