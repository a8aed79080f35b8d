package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of one connection: the client's HELLO first, answered with the server's; then
 * requests to the dispatcher, cancels to their calls, pings answered. A protocol error closes this
 * connection only, with one log line that says why. A client silent for longer than the idle
 * timeout is closed. While the client does not read its answers (the channel is not writable), the
 * server stops reading its requests, so a client cannot make the server buffer without bound.
 */
final class ServerHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerHandler.class);

  private final Dispatcher dispatcher;
  private final Hello hello;
  private final long idleTimeoutNanos;
  private boolean handshaken;
  private volatile Channel channel;
  /** The calls of this connection that have not ended, and the way out for their answers. */
  private ConnectionCalls calls;

  ServerHandler(Dispatcher dispatcher, Hello hello, long idleTimeoutNanos) {
    this.dispatcher = dispatcher;
    this.hello = hello;
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    calls = new ConnectionCalls(ctx.channel());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Frame frame = (Frame) msg;
    if (!handshaken) {
      handshake(ctx, frame);
      return;
    }
    switch (frame.type()) {
      case REQUEST:
        dispatcher.onRequest(calls, frame);
        break;
      case CANCEL:
        frame.release();
        calls.cancel(frame.sequence());
        break;
      case PING:
        frame.release();
        ctx.writeAndFlush(Frames.empty(ctx.alloc(), FrameType.PONG, frame.sequence()),
            ctx.voidPromise());
        break;
      case PONG:
        frame.release();
        break;
      default:
        frame.release();
        protocolError(ctx, "a client must not send " + frame.type() + " frames");
    }
  }

  private void handshake(ChannelHandlerContext ctx, Frame frame) {
    Hello theirs;
    try {
      theirs = Hello.fromFirstFrame(frame);
    } catch (CorruptedFrameException e) {
      protocolError(ctx, e.getMessage()
          + " (a client of an older minirpc version, or not a minirpc client)");
      return;
    }
    handshaken = true;
    for (Hello.CodecInfo c : theirs.codecs()) {
      if (hello.codec(c.name()) == null) {
        log.info("Client {} speaks codec '{}', which this server does not (it speaks: {}); its"
            + " calls will be refused", ctx.channel().remoteAddress(), c.name(),
            String.join(", ", hello.codecNames()));
      }
    }
    ctx.writeAndFlush(hello.toFrame(ctx.alloc()), ctx.voidPromise());
  }

  private void protocolError(ChannelHandlerContext ctx, String reason) {
    log.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
    ctx.close();
  }

  /** Tells the client the server is going away; from any thread. */
  void goAway(String reason) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    ch.eventLoop().execute(() -> {
      if (!ch.isActive() || !handshaken) {
        return;
      }
      ByteBuf buf = ch.alloc().ioBuffer(64 + reason.length());
      int start = Frames.begin(buf, FrameType.GOAWAY, Protocol.NO_CODEC, 0);
      Frames.writeString(buf, Frames.truncate(reason, 1024));
      Frames.endHeader(buf, start);
      Frames.finish(buf, start);
      ch.writeAndFlush(buf, ch.voidPromise());
    });
  }

  /** Ends every call still open on this connection with {@code code} and stops them. */
  void abortAll(RpcException.Code code, String message) {
    calls.abortAll(code, message);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      log.info("Closing connection from {}: it sent nothing for {} ms, not even a heartbeat"
          + " (minirpc.idleTimeout)", ctx.channel().remoteAddress(),
          TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos));
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  /** Stop reading requests while the client does not read its answers. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  /** The client is gone: nobody will read what its calls produce. */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    calls.cancelAll();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable reason = cause instanceof DecoderException && cause.getCause() != null
        ? cause.getCause()
        : cause;
    if (reason instanceof java.io.IOException) {
      // The peer reset or vanished: routine, and the close tells the rest.
      log.debug("Connection from {} failed: {}", ctx.channel().remoteAddress(), describe(reason));
    } else if (ctx.channel().isActive()) {
      log.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), describe(reason));
    }
    ctx.close();
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getName() : m;
  }
}
