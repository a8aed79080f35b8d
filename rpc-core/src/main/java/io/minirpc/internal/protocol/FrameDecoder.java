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
 * <p>Bad bytes are refused as early as they can be seen: the magic number, version and length as
 * soon as the first seven bytes are in, the type with the eighth, all before the frame is
 * buffered. Until the peer's HELLO has been accepted ({@link #handshaken}), the first frame must
 * be a HELLO no larger than the pre-HELLO limit, so a connection that never completes a handshake
 * holds little memory. After the HELLO, frames of every type are taken, but still no larger than
 * that limit until the connection is {@link #authenticated}: a larger REQUEST is skipped unread,
 * its bytes discarded as they arrive, and passed on as an {@link UnreadRequest} so that the server
 * can refuse it with one answer; a larger frame of another type is an error. After the first error
 * the decoder swallows everything else on the connection, which the next handler closes.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private static final int PREAMBLE = Protocol.LENGTH_FIELD + 3; // length, magic, version
  private static final int TYPE_OFFSET = PREAMBLE;

  private final int maxFrameSize;
  private final int preHelloMaxFrameSize;
  private final String preHelloSetting;
  private boolean helloAccepted;
  private boolean authenticated;
  private boolean failed;
  /** Bytes of an {@link UnreadRequest} still to skip as they arrive. */
  private long discarding;

  /** A decoder of frames of every type up to {@code maxFrameSize} bytes, with no handshake. */
  public FrameDecoder(int maxFrameSize) {
    this(maxFrameSize, maxFrameSize, "minirpc.maxFrameSize");
    helloAccepted = true;
    authenticated = true;
  }

  /**
   * A decoder that takes only a HELLO of at most {@code preHelloMaxFrameSize} bytes until {@link
   * #handshaken} is called, and frames up to {@code maxFrameSize} only once {@link #authenticated}
   * is; {@code preHelloSetting} names the small limit in messages.
   */
  public FrameDecoder(int maxFrameSize, int preHelloMaxFrameSize, String preHelloSetting) {
    this.maxFrameSize = maxFrameSize;
    this.preHelloMaxFrameSize = Math.min(maxFrameSize, preHelloMaxFrameSize);
    this.preHelloSetting = preHelloSetting;
  }

  /**
   * The peer's HELLO was accepted: frames of every type from now on, up to the pre-HELLO limit
   * until {@link #authenticated} is called too.
   */
  public void handshaken() {
    helloAccepted = true;
  }

  /** The peer is authenticated (or need not be): frames up to the maximum frame size. */
  public void authenticated() {
    authenticated = true;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (discarding > 0) {
      int skip = (int) Math.min(discarding, in.readableBytes());
      in.skipBytes(skip);
      discarding -= skip;
      if (discarding > 0) {
        return;
      }
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
      int limit = authenticated ? maxFrameSize : preHelloMaxFrameSize;
      if (helloAccepted && !authenticated && length > limit && length <= maxFrameSize) {
        // Refused from its first 18 bytes: a REQUEST costs one answer, anything else the
        // connection. Its bytes are skipped as they come, never buffered.
        if (in.readableBytes() < Protocol.SEQUENCE_OFFSET + 8) {
          return;
        }
        if (in.getByte(start + TYPE_OFFSET) == FrameType.REQUEST.code()) {
          out.add(new UnreadRequest(in.getLong(start + Protocol.SEQUENCE_OFFSET), length, limit));
          discarding = Protocol.LENGTH_FIELD + (long) length;
          int skip = (int) Math.min(discarding, in.readableBytes());
          in.skipBytes(skip);
          discarding -= skip;
          return;
        }
      }
      if (length > limit || length < 0) {
        throw new TooLongFrameException(
            "Frame of "
                + Integer.toUnsignedString(length)
                + " bytes exceeds the maximum frame size of "
                + limit
                + " bytes ("
                + (authenticated ? "minirpc.maxFrameSize"
                    : preHelloSetting + (helloAccepted ? ", until the connection is authenticated"
                        : ", before HELLO"))
                + ")");
      }
      if (length < Protocol.FIXED_HEADER) {
        throw new CorruptedFrameException(
            "Frame length " + length + " is below the minimum of " + Protocol.FIXED_HEADER);
      }
      if (in.readableBytes() <= TYPE_OFFSET) {
        return;
      }
      byte typeCode = in.getByte(start + TYPE_OFFSET);
      FrameType type = FrameType.of(typeCode);
      if (type == null) {
        throw new CorruptedFrameException("Unknown frame type " + (typeCode & 0xFF));
      }
      if (!helloAccepted && type != FrameType.HELLO) {
        throw new CorruptedFrameException("the first frame must be HELLO, not " + type);
      }
      if (in.readableBytes() < Protocol.LENGTH_FIELD + length) {
        return;
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
