package io.minirpc.internal.observe;

import io.minirpc.metrics.RpcObserver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an {@link RpcObserver} of a connection's opening and closing and of the bytes it reads
 * and writes. First in the pipeline, so it counts the bytes on the wire, TLS records included.
 * Holds no state of its own: one instance serves every channel of a client or server.
 */
@ChannelHandler.Sharable
public final class TrafficCounter extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(TrafficCounter.class);
  /** The pipeline name. */
  public static final String NAME = "traffic";
  /**
   * Where a client's bootstrap carries its counter to each channel it makes, so that the pipeline
   * adds it without being told of observers.
   */
  public static final AttributeKey<TrafficCounter> KEY = AttributeKey.valueOf("minirpc.traffic");

  private final RpcObserver observer;

  public TrafficCounter(RpcObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer, "observer == null");
  }

  /** The observer this counter reports to. */
  public RpcObserver observer() {
    return observer;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    try {
      observer.connectionOpened();
    } catch (RuntimeException bug) {
      failed(bug);
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    try {
      observer.connectionClosed();
    } catch (RuntimeException bug) {
      failed(bug);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    long n = size(msg);
    if (n > 0) {
      try {
        observer.bytesRead(n);
      } catch (RuntimeException bug) {
        failed(bug);
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    long n = size(msg);
    if (n > 0) {
      try {
        observer.bytesWritten(n);
      } catch (RuntimeException bug) {
        failed(bug);
      }
    }
    ctx.write(msg, promise);
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf) {
      return ((ByteBuf) msg).readableBytes();
    }
    return msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content().readableBytes() : 0;
  }

  private void failed(RuntimeException bug) {
    log.error("The observer {} failed", observer.getClass().getName(), bug);
  }
}
