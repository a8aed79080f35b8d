package io.minirpc.internal.server;

import io.minirpc.internal.protocol.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes decoded frames off one connection and hands requests to the dispatcher. A protocol error
 * closes this connection only, with one log line that says why.
 */
final class ServerHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerHandler.class);

  private final Dispatcher dispatcher;
  /** The calls of this connection that have not ended, by sequence number, to cancel them. */
  private final Map<Long, Dispatcher.Call> calls = new ConcurrentHashMap<>();

  ServerHandler(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Frame frame = (Frame) msg;
    switch (frame.type()) {
      case REQUEST:
        dispatcher.onRequest(ctx.channel(), frame, calls);
        break;
      case CANCEL:
        frame.release();
        Dispatcher.Call call = calls.get(frame.sequence());
        if (call != null) {
          call.cancel();
        }
        break;
      default:
        frame.release();
        log.warn(
            "Closing connection from {}: a client must not send {} frames",
            ctx.channel().remoteAddress(),
            frame.type());
        ctx.close();
    }
  }

  /** The client is gone: nobody will read what its calls produce. */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (Dispatcher.Call call : calls.values()) {
      call.cancel();
    }
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
