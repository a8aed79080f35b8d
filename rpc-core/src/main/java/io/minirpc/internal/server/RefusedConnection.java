package io.minirpc.internal.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline of a connection refused by a connection limit (after TLS, if on): a GOAWAY
 * that names the limit, as the server's first frame, so the client can say why; then the close.
 * What the client sends meanwhile is dropped unread. The server closes once the client has had a
 * moment to read the GOAWAY (a close with unread bytes would reset the connection and might
 * discard it), unless the client closes first, as a minirpc client does on reading it.
 */
final class RefusedConnection extends ChannelInboundHandlerAdapter {
  /** How long the client has to read the GOAWAY before the server closes. */
  private static final long LINGER_MILLIS = 1000;

  private final String reason;

  RefusedConnection(String reason) {
    this.reason = reason;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(GoAway.frame(ctx.alloc(), reason)).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
      } else {
        ctx.close();
      }
    });
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
