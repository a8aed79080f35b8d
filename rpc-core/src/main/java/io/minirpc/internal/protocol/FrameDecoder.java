package io.minirpc.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Cuts the byte stream into {@link Frame}s.
 *
 * <p>Bad bytes are refused as early as they can be seen: the magic number and version as soon as
 * the first seven bytes are in, the length before any of the frame is buffered. After the first
 * error the decoder swallows everything else on the connection, which the next handler closes.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private static final int PREAMBLE = Protocol.LENGTH_FIELD + 3; // length, magic, version

  private final int maxFrameSize;
  private boolean failed;

  public FrameDecoder(int maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < PREAMBLE) {
      return;
    }
    int start = in.readerIndex();
    try {
      short magic = in.getShort(start + 4);
      if (magic != Protocol.MAGIC) {
        byte first = in.getByte(start);
        if ((first == 0x16 || first == 0x15) && in.getByte(start + 1) == 0x03) {
          // A TLS record (handshake or alert) where minirpc frames were expected.
          throw new CorruptedFrameException("the peer speaks TLS and this side does not: turn on"
              + " minirpc.tls here, or turn it off on the peer");
        }
        throw new CorruptedFrameException(
            String.format(
                "Invalid magic number 0x%04x (expected 0x%04x): the peer does not speak the"
                    + " minirpc protocol",
                magic & 0xFFFF, Protocol.MAGIC));
      }
      byte version = in.getByte(start + 6);
      if (version != Protocol.VERSION) {
        throw new CorruptedFrameException(
            "Unsupported protocol version "
                + (version & 0xFF)
                + " (this side speaks "
                + Protocol.VERSION
                + "): upgrade the older side");
      }
      int length = in.getInt(start);
      if (length > maxFrameSize || length < 0) {
        throw new TooLongFrameException(
            "Frame of "
                + Integer.toUnsignedString(length)
                + " bytes exceeds the maximum frame size of "
                + maxFrameSize
                + " bytes (minirpc.maxFrameSize)");
      }
      if (length < Protocol.FIXED_HEADER) {
        throw new CorruptedFrameException(
            "Frame length " + length + " is below the minimum of " + Protocol.FIXED_HEADER);
      }
      if (in.readableBytes() < Protocol.LENGTH_FIELD + length) {
        return;
      }
      byte typeCode = in.getByte(start + 7);
      FrameType type = FrameType.of(typeCode);
      if (type == null) {
        throw new CorruptedFrameException("Unknown frame type " + (typeCode & 0xFF));
      }
      int headerLength = in.getInt(start + Protocol.HEADER_LENGTH_OFFSET);
      if (headerLength < 0 || headerLength > length - Protocol.FIXED_HEADER) {
        throw new CorruptedFrameException(
            "Header length "
                + headerLength
                + " does not fit a frame of "
                + length
                + " bytes");
      }
      byte codecId = in.getByte(start + 8);
      byte flags = in.getByte(start + 9);
      long sequence = in.getLong(start + Protocol.SEQUENCE_OFFSET);

      ByteBuf owner = in.readRetainedSlice(Protocol.LENGTH_FIELD + length);
      int headerStart = Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER;
      ByteBuf header = owner.slice(headerStart, headerLength);
      int bodyStart = headerStart + headerLength;
      ByteBuf body = owner.slice(bodyStart, owner.capacity() - bodyStart);
      out.add(new Frame(type, codecId, flags, sequence, header, body, owner));
    } catch (CorruptedFrameException | TooLongFrameException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }
}
