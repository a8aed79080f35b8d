package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.transport.FrameHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
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
final class ServerHandler extends FrameHandler {
  private static final Logger log = LoggerFactory.getLogger(ServerHandler.class);

  private final Dispatcher dispatcher;
  private final Hello hello;
  private final long idleTimeoutNanos;
  private volatile Channel channel;
  /** The calls of this connection that have not ended, and the way out for their answers. */
  private ConnectionCalls calls;

  ServerHandler(Dispatcher dispatcher, Hello hello, long idleTimeoutNanos) {
    super(log, "from");
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
  protected void onFrame(ChannelHandlerContext ctx, Frame frame) {
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

  @Override
  protected String brokenHello(CorruptedFrameException e) {
    return e.getMessage() + " (a client of an older minirpc version, or not a minirpc client)";
  }

  @Override
  protected void close(ChannelHandlerContext ctx, String reason) {
    ctx.close();
  }

  @Override
  protected void onHello(ChannelHandlerContext ctx, Hello theirs) {
    for (Hello.CodecInfo c : theirs.codecs()) {
      if (hello.codec(c.name()) == null) {
        log.info("Client {} speaks codec '{}', which this server does not (it speaks: {}); its"
            + " calls will be refused", ctx.channel().remoteAddress(), c.name(),
            String.join(", ", hello.codecNames()));
      }
    }
    ctx.writeAndFlush(hello.toFrame(ctx.alloc()), ctx.voidPromise());
  }

  /** Tells the client the server is going away; from any thread. */
  void goAway(String reason) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    ch.eventLoop().execute(() -> {
      if (!ch.isActive() || !isHandshaken()) {
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

}
