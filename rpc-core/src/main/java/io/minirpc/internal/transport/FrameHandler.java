package io.minirpc.internal.transport;

import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.FrameDecoder;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.HelloReader;
import io.minirpc.internal.protocol.UnreadRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import org.slf4j.Logger;

/**
 * What the client's and the server's end of a connection share, as gRPC's {@code
 * AbstractNettyHandler} under its client and server handlers: the peer's first frame must be its
 * HELLO, then every frame goes to {@link #onFrame}; a protocol error or a failure closes this
 * connection only, with one log line that says why (a peer that vanished is routine: debug).
 */
public abstract class FrameHandler extends ChannelInboundHandlerAdapter {
  /**
   * Connections closed for bad bytes, at most one line a second for the whole process: a peer
   * that opens connection after connection to send garbage cannot flood the log.
   */
  private static final LogSafe.Limiter BAD_INPUT = LogSafe.Limiter.perSecond();
  /** A reason in our words may quote the peer; it is cut longer than a bare peer string. */
  private static final int MESSAGE_CHARS = 1000;

  private final Logger log;
  private final String peer;
  private boolean handshaken;

  /**
   * @param log the subclass's logger, so lines name their side
   * @param peer how log lines name the other end: "to" a server, "from" a client
   */
  protected FrameHandler(Logger log, String peer) {
    this.log = log;
    this.peer = peer;
  }

  /** Whether the peer's HELLO has arrived. Event loop only. */
  protected final boolean isHandshaken() {
    return handshaken;
  }

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof UnreadRequest) {
      onUnreadRequest(ctx, (UnreadRequest) msg);
      return;
    }
    Frame frame = (Frame) msg;
    if (handshaken) {
      onFrame(ctx, frame);
      return;
    }
    if (frame.type() == FrameType.GOAWAY) {
      onRefused(ctx, frame);
      return;
    }
    Hello hello;
    try {
      hello = readHello(frame);
    } catch (CorruptedFrameException e) {
      protocolError(ctx, brokenHello(e));
      return;
    }
    handshaken = true;
    FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
    if (decoder != null) {
      decoder.handshaken(); // frames of every type from now on
    }
    onHello(ctx, hello);
  }

  /**
   * The peer's HELLO from its first frame, which this releases. This default takes any version
   * range, so that a side can report a mismatch in its own words, and metadata up to 8 KiB.
   *
   * @throws CorruptedFrameException if the frame is not a well-formed HELLO
   */
  protected Hello readHello(Frame frame) {
    return HelloReader.fromFirstFrame(frame, false);
  }

  /** Lets frames up to the maximum frame size in: the peer is trusted with them now. */
  protected final void authenticated(ChannelHandlerContext ctx) {
    FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
    if (decoder != null) {
      decoder.authenticated();
    }
  }

  /**
   * A REQUEST too large for a connection not yet authenticated, skipped unread. Only a server's
   * decoder makes these; this default treats one as a protocol error.
   */
  protected void onUnreadRequest(ChannelHandlerContext ctx, UnreadRequest request) {
    protocolError(ctx, "an unexpected request of " + request.length() + " bytes");
  }

  /**
   * A GOAWAY instead of the peer's HELLO: a server refused the connection, and says why. The
   * handler owns the frame; this default (for a server, whose clients must not) releases it and
   * treats it as a protocol error.
   */
  protected void onRefused(ChannelHandlerContext ctx, Frame goAway) {
    goAway.release();
    protocolError(ctx, "the first frame must be HELLO, not GOAWAY");
  }

  /** The peer's HELLO arrived; its frame is already released. */
  protected abstract void onHello(ChannelHandlerContext ctx, Hello hello);

  /** A frame after the handshake; the handler owns it and must release it. */
  protected abstract void onFrame(ChannelHandlerContext ctx, Frame frame);

  /** Why a first frame that is not a valid HELLO closes the connection, in words. */
  protected abstract String brokenHello(CorruptedFrameException e);

  /** Closes the connection because of {@code reason}. */
  protected abstract void close(ChannelHandlerContext ctx, String reason);

  /** What a failure means in words; the client says more of a peer that is not a minirpc server. */
  protected String explain(Throwable failure, String message) {
    return message;
  }

  /** The peer broke the protocol: one WARN line, and this connection closes. */
  protected final void protocolError(ChannelHandlerContext ctx, String reason) {
    BAD_INPUT.warn(log, "Closing connection " + peer + " " + ctx.channel().remoteAddress() + ": "
        + LogSafe.escape(reason, MESSAGE_CHARS));
    close(ctx, "protocol error: " + reason);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable reason =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    String why = explain(reason, describe(reason));
    if (reason instanceof IOException) {
      // The peer reset or vanished: routine, and the close tells the rest.
      log.debug("Connection {} {} failed: {}", peer, ctx.channel().remoteAddress(),
          LogSafe.escape(why, MESSAGE_CHARS));
    } else if (ctx.channel().isActive()) {
      BAD_INPUT.warn(log, "Closing connection " + peer + " " + ctx.channel().remoteAddress() + ": "
          + LogSafe.escape(why, MESSAGE_CHARS));
    }
    close(ctx, why);
  }

  /** A throwable's message, or its class name when it has none. */
  public static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getName() : m;
  }
}
