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
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;

/**
 * The Netty transport one client or server uses, as {@code minirpc.transport} chose it: native
 * epoll where available (Linux) and NIO elsewhere, unless told otherwise; or Netty's local
 * transport, which connects a client and a server in one JVM by name, without sockets or ports,
 * through the same pipelines.
 */
public final class Transport {
  /**
   * When a connection's outbound buffer passes the high mark it stops taking new calls (client)
   * or reading new requests (server) until it drains below the low mark.
   */
  public static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

  private static final Transport EPOLL = new Transport(TransportKind.EPOLL);
  private static final Transport NIO = new Transport(TransportKind.NIO);
  private static final Transport LOCAL = new Transport(TransportKind.LOCAL);

  /** EPOLL, NIO or LOCAL; never AUTO. */
  private final TransportKind kind;

  private Transport(TransportKind kind) {
    this.kind = kind;
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
      case LOCAL:
        return LOCAL;
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

  /** "epoll", "nio" or "local". */
  public String name() {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether this is the in-JVM transport: no sockets, so no socket options and no ports. */
  public boolean isLocal() {
    return kind == TransportKind.LOCAL;
  }

  /**
   * How long a closing event loop group of this transport goes on taking tasks after its last
   * one, in milliseconds: 0 for sockets. For the local transport, time for the other side's loop
   * to answer a close: Netty's {@code LocalChannel} tells the side that closed first, on that
   * side's loop, and logs a warning if the loop is already gone.
   */
  public long quietPeriodMillis() {
    return isLocal() ? 50 : 0;
  }

  /** An event loop group of {@code threads} threads made by {@code factory}. */
  public EventLoopGroup group(int threads, ThreadFactory factory) {
    IoHandlerFactory io = switch (kind) {
      case EPOLL -> EpollIoHandler.newFactory();
      case LOCAL -> LocalIoHandler.newFactory();
      default -> NioIoHandler.newFactory();
    };
    return new MultiThreadIoEventLoopGroup(threads, factory, io);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return switch (kind) {
      case EPOLL -> EpollServerSocketChannel.class;
      case LOCAL -> LocalServerChannel.class;
      default -> NioServerSocketChannel.class;
    };
  }

  public Class<? extends Channel> channel() {
    return switch (kind) {
      case EPOLL -> EpollSocketChannel.class;
      case LOCAL -> LocalChannel.class;
      default -> NioSocketChannel.class;
    };
  }

  /**
   * Where a client connects: {@code host:port}, resolved at each attempt; for the local
   * transport, the server named {@code host} in this JVM ({@code port} is not used).
   */
  public SocketAddress remoteAddress(String host, int port) {
    return isLocal() ? new LocalAddress(host) : InetSocketAddress.createUnresolved(host, port);
  }

  @Override
  public String toString() {
    return name();
  }
}
