package io.minirpc.internal.transport;

import io.minirpc.internal.config.Keys;
import io.minirpc.internal.config.TransportKind;
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
 * The Netty transport one client or server uses, as {@code minirpc.transport} chose it: native
 * epoll where available (Linux) and NIO elsewhere, unless told otherwise.
 */
public final class Transport {
  /**
   * When a connection's outbound buffer passes the high mark it stops taking new calls (client)
   * or reading new requests (server) until it drains below the low mark.
   */
  public static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

  private static final Transport EPOLL = new Transport(true);
  private static final Transport NIO = new Transport(false);

  private final boolean epoll;

  private Transport(boolean epoll) {
    this.epoll = epoll;
  }

  /**
   * The transport for {@code kind}.
   *
   * @throws IllegalStateException if {@code kind} is {@code EPOLL} and epoll is unavailable here,
   *     saying why
   */
  public static Transport of(TransportKind kind) {
    switch (kind) {
      case NIO:
        return NIO;
      case EPOLL:
        if (!Epoll.isAvailable()) {
          throw new IllegalStateException(epollUnavailable(Epoll.unavailabilityCause()));
        }
        return EPOLL;
      default:
        return Epoll.isAvailable() ? EPOLL : NIO;
    }
  }

  static String epollUnavailable(Throwable cause) {
    return Keys.TRANSPORT.name() + "=epoll, but Netty's native epoll transport is unavailable"
        + " here: " + cause + ". Set " + Keys.TRANSPORT.name() + "=auto (epoll where available,"
        + " else nio) or nio";
  }

  /** "epoll" or "nio". */
  public String name() {
    return epoll ? "epoll" : "nio";
  }

  /** An event loop group of {@code threads} threads made by {@code factory}. */
  public EventLoopGroup group(int threads, ThreadFactory factory) {
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, factory, io);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends Channel> channel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  @Override
  public String toString() {
    return name();
  }
}
