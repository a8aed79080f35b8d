package io.minirpc.internal.protocol;

import io.minirpc.RpcException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 *
 * <p>With a {@link FrameMemory}, a frame's memory is reserved from its eighth byte, before any of
 * it is buffered, and the frame gives it back when it is released. A frame the connection cannot
 * afford now stops reading (back-pressure: the peer's bytes wait in its socket) until memory
 * frees; one it can never afford is refused: a REQUEST with RESOURCE_EXHAUSTED marked NOT_RUN, its
 * bytes skipped as they arrive, any other frame by closing the connection. Reading stops only
 * between frames, so every frame that got memory can be completed and no two connections can hold
 * each other's memory halfway.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private static final int PREAMBLE = Protocol.LENGTH_FIELD + 3; // length, magic, version
  private static final int TYPE_OFFSET = PREAMBLE;
  /**
   * A frame that would keep alive a buffer this large, and over twice its own size, is copied out
   * of it: otherwise a small request queued behind a large one pins the large one's buffer after
   * its memory has been given back.
   */
  private static final int SHARED_BUFFER = 256 * 1024;
  /** How often a connection that stopped reading asks again, if nothing woke it before. */
  private static final long RETRY_MILLIS = 250;

  private final int maxFrameSize;
  private final int preHelloMaxFrameSize;
  private final String preHelloSetting;
  /** Null: frames are buffered without asking. */
  private final FrameMemory memory;
  private ChannelHandlerContext ctx;
  private boolean helloAccepted;
  private boolean authenticated;
  private boolean failed;
  /** Bytes reserved for the frame at the reader index, not yet handed on; 0 when none. */
  private long reserved;
  /** Bytes counted with {@link FrameMemory#hold} while reading is stopped. */
  private long held;
  /** Bytes still to skip of a refused frame or an {@link UnreadRequest}. */
  private long discarding;
  /** Reading stopped until memory frees. */
  private boolean paused;
  private ScheduledFuture<?> retry;
  /** How long the reserved frame at the reader index has been arriving; null without memory. */
  private final ArrivalClock arrival;

  /** A decoder of frames of every type up to {@code maxFrameSize} bytes, with no handshake. */
  public FrameDecoder(int maxFrameSize) {
    this(maxFrameSize, maxFrameSize, "minirpc.maxFrameSize", null);
    helloAccepted = true;
    authenticated = true;
  }

  /**
   * A decoder that takes only a HELLO of at most {@code preHelloMaxFrameSize} bytes until {@link
   * #handshaken} is called, and frames up to {@code maxFrameSize} only once {@link #authenticated}
   * is; {@code preHelloSetting} names the small limit in messages.
   */
  public FrameDecoder(int maxFrameSize, int preHelloMaxFrameSize, String preHelloSetting) {
    this(maxFrameSize, preHelloMaxFrameSize, preHelloSetting, null);
  }

  /** As {@link #FrameDecoder(int, int, String)}, each frame's memory reserved from {@code memory}. */
  public FrameDecoder(int maxFrameSize, int preHelloMaxFrameSize, String preHelloSetting,
      FrameMemory memory) {
    this.maxFrameSize = maxFrameSize;
    this.preHelloMaxFrameSize = Math.min(maxFrameSize, preHelloMaxFrameSize);
    this.preHelloSetting = preHelloSetting;
    this.memory = memory;
    this.arrival = memory == null ? null : new ArrivalClock(memory);
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

  /**
   * The server stopped reading this connection ({@code reading} false), or reads it again: the
   * time it did not read is not counted against the frame arriving. Event loop.
   */
  public void reading(boolean reading) {
    if (arrival != null) {
      if (reading) {
        arrival.resumed();
      } else {
        arrival.stopped();
      }
    }
  }

  /** Whether reading stopped until memory frees. Event loop. */
  public boolean pausedForMemory() {
    return paused;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (memory != null) {
      memory.attach(() -> ctx.executor().execute(this::resume));
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (memory == null) {
      return;
    }
    if (retry != null) {
      retry.cancel(false);
    }
    memory.stalledSince(0);
    memory.release(reserved + held);
    reserved = 0;
    held = 0;
    paused = false;
    memory.close();
  }

  /**
   * While reading is stopped for memory, a read that produced no frame must not ask for another,
   * as {@link ByteToMessageDecoder} otherwise does when auto-read is off.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (paused) {
      ctx.fireChannelReadComplete();
      return;
    }
    super.channelReadComplete(ctx);
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
      return; // the decode loop comes back for what follows
    }
    if (paused) {
      hold(in); // what came with the read that stopped reading
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
      // A server that refuses a connection says why in a GOAWAY before any HELLO.
      if (!helloAccepted && type != FrameType.HELLO && type != FrameType.GOAWAY) {
        throw new CorruptedFrameException("the first frame must be HELLO, not " + type);
      }
      int frameBytes = Protocol.LENGTH_FIELD + length;
      if (memory != null && reserved == 0 && !reserve(ctx, in, type, frameBytes)) {
        return;
      }
      if (in.readableBytes() < frameBytes) {
        if (arrival != null) {
          arrival.advancing(in.readableBytes(), frameBytes);
        }
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

      ByteBuf owner;
      if (in.capacity() > Math.max(SHARED_BUFFER, 2L * frameBytes)) {
        owner = ctx.alloc().buffer(frameBytes);
        owner.writeBytes(in, frameBytes);
      } else {
        owner = in.readRetainedSlice(frameBytes);
      }
      int headerStart = Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER;
      // No view where none is needed: an empty header is the shared empty buffer, and the body
      // is the owner itself, read from past the header (nothing else reads the owner).
      ByteBuf header = headerLength == 0 ? Unpooled.EMPTY_BUFFER
          : owner.slice(headerStart, headerLength);
      ByteBuf body = owner.readerIndex(headerStart + headerLength);
      out.add(new Frame(type, codecId, flags, sequence, header, body, owner, memory, reserved));
      reserved = 0; // the frame gives it back
      if (arrival != null) {
        arrival.arrived();
      }
    } catch (CorruptedFrameException | TooLongFrameException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      if (reserved > 0) {
        memory.release(reserved);
        reserved = 0;
      }
      throw e;
    }
  }

  /**
   * Reserves the memory of the frame at the reader index; false if it is not to be buffered now:
   * reading stopped, or the frame refused and being skipped.
   *
   * @throws TooLongFrameException for a frame other than a REQUEST that can never be afforded
   */
  private boolean reserve(ChannelHandlerContext ctx, ByteBuf in, FrameType type, int frameBytes) {
    if (!ctx.channel().isActive()) {
      in.skipBytes(in.readableBytes()); // closed: nothing more will be handled
      return false;
    }
    long r = memory.reserve(type, frameBytes);
    if (r == FrameMemory.LATER) {
      pause(ctx, in);
      return false;
    }
    if (r == FrameMemory.NEVER) {
      if (type != FrameType.REQUEST) {
        throw new TooLongFrameException(memory.tooLarge(type, frameBytes));
      }
      int start = in.readerIndex();
      if (in.readableBytes() < Protocol.SEQUENCE_OFFSET + 8) {
        return false; // the sequence number, to answer, is in the next few bytes
      }
      long sequence = in.getLong(start + Protocol.SEQUENCE_OFFSET);
      ErrorInfo refusal = new ErrorInfo(RpcException.Code.RESOURCE_EXHAUSTED.wireNumber(), "",
          memory.tooLarge(type, frameBytes), List.of());
      ctx.writeAndFlush(refusal.toFrame(ctx.alloc(), sequence, Protocol.FLAG_NOT_RUN),
          ctx.voidPromise());
      int skip = Math.min(frameBytes, in.readableBytes());
      in.skipBytes(skip);
      discarding = frameBytes - skip;
      return false;
    }
    reserved = r;
    return true;
  }

  /** Stops reading until memory frees; what is already buffered is counted meanwhile. */
  private void pause(ChannelHandlerContext ctx, ByteBuf in) {
    paused = true;
    ctx.channel().config().setAutoRead(false);
    reading(false);
    hold(in);
    if (retry == null) {
      retry = ctx.executor().schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void hold(ByteBuf in) {
    int buffered = in.readableBytes();
    if (buffered > held) {
      memory.hold(buffered - held);
      held = buffered;
    }
  }

  private void retry() {
    retry = null;
    resume();
  }

  /** Memory may have freed: read on, starting with the frame that waited. Event loop. */
  private void resume() {
    if (!paused || ctx.isRemoved()) {
      return;
    }
    paused = false;
    if (retry != null) {
      retry.cancel(false);
      retry = null;
    }
    memory.release(held);
    held = 0;
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    reading(ctx.channel().isWritable());
    try {
      // Decodes what is buffered as if it had just arrived; stops again if memory is still short.
      channelRead(ctx, Unpooled.EMPTY_BUFFER);
      channelReadComplete(ctx);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
  }
}
