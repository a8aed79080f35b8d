package io.minirpc.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * Picks Netty's native epoll transport where it is available (Linux) and NIO elsewhere. Set the
 * system property {@code minirpc.transport=nio} to force NIO.
 */
public final class Transport {
  private static final boolean EPOLL =
      !"nio".equalsIgnoreCase(System.getProperty("minirpc.transport")) && Epoll.isAvailable();

  /**
   * When a connection's outbound buffer passes the high mark it stops taking new calls (client)
   * or reading new requests (server) until it drains below the low mark.
   */
  public static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

  private Transport() {}

  /** "epoll" or "nio". */
  public static String name() {
    return EPOLL ? "epoll" : "nio";
  }

  /** An event loop group of {@code threads} threads made by {@code factory}. */
  public static EventLoopGroup group(int threads, ThreadFactory factory) {
    IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, factory, io);
  }

  public static Class<? extends ServerChannel> serverChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Class<? extends Channel> channel() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
