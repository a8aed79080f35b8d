package io.minirpc.internal.client;

import io.minirpc.internal.protocol.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands responses to their calls, and fails every pending call when the connection ends. */
final class ClientHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

  private final Connection connection;

  ClientHandler(Connection connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Frame frame = (Frame) msg;
    switch (frame.type()) {
      case RESPONSE:
      case ERROR:
        connection.onResponse(frame);
        break;
      default:
        frame.release();
        log.warn("Closing connection to {}: a server must not send {} frames",
            ctx.channel().remoteAddress(), frame.type());
        ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connection.failAll();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable reason =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (reason instanceof IOException) {
      log.debug("Connection to {} failed: {}", ctx.channel().remoteAddress(), reason.toString());
    } else if (ctx.channel().isActive()) {
      log.warn("Closing connection to {}: {}", ctx.channel().remoteAddress(),
          reason.getMessage() == null ? reason.toString() : reason.getMessage());
    }
    ctx.close();
  }
}
