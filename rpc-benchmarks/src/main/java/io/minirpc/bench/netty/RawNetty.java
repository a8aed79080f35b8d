package io.minirpc.bench.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The practical limit: a length-prefixed, pipelined echo over one connection that moves as many
 * bytes per call as minirpc does (request and response sizes are parameters), with no framework
 * work at all: no encoding, no dispatch, no threads but Netty's. The server answers each request
 * with a prepared response carrying the request's 8-byte tag.
 */
public final class RawNetty {
  private RawNetty() {}

  private static EventLoopGroup group(int threads) {
    return new MultiThreadIoEventLoopGroup(threads,
        Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /** A frame of {@code size} bytes in all: length prefix, tag, padding. */
  private static ByteBuf frame(int size) {
    int body = Math.max(8, size - 4);
    ByteBuf buf = Unpooled.directBuffer(4 + body);
    buf.writeInt(body);
    buf.writeZero(body);
    return Unpooled.unreleasableBuffer(buf.asReadOnly());
  }

  /** Starts the echo server; returns it with its port. */
  public static Server server(int port, int responseSize) throws InterruptedException {
    EventLoopGroup boss = group(1);
    EventLoopGroup workers = group(0);
    ByteBuf response = frame(responseSize);
    Channel ch = new ServerBootstrap()
        .group(boss, workers)
        .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class
            : NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            c.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 24, 0, 4, 0, 4),
                new SimpleChannelInboundHandler<ByteBuf>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf request) {
                    ByteBuf out = ctx.alloc().ioBuffer(response.readableBytes());
                    out.writeBytes(response, response.readerIndex(), response.readableBytes());
                    out.setLong(4, request.getLong(request.readerIndex()));
                    ctx.write(out, ctx.voidPromise());
                  }

                  @Override
                  public void channelReadComplete(ChannelHandlerContext ctx) {
                    ctx.flush();
                  }
                });
          }
        })
        .bind(port).sync().channel();
    return new Server(ch, boss, workers);
  }

  /** A running echo server. */
  public static final class Server implements AutoCloseable {
    private final Channel channel;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    Server(Channel channel, EventLoopGroup boss, EventLoopGroup workers) {
      this.channel = channel;
      this.boss = boss;
      this.workers = workers;
    }

    public int port() {
      return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
      boss.shutdownGracefully().syncUninterruptibly();
      workers.shutdownGracefully().syncUninterruptibly();
    }
  }

  /** One pipelined connection; answers come back in order, so callbacks wait in a queue. */
  public static final class Client implements AutoCloseable {
    private final EventLoopGroup group = group(1);
    private final Channel channel;
    private final ByteBuf request;
    /** Event loop only. */
    private final ArrayDeque<Consumer<Throwable>> waiting = new ArrayDeque<>();
    /** Event loop only: requests written from answer callbacks, flushed once per read batch. */
    private boolean unflushed;

    public Client(String host, int port, int requestSize) throws InterruptedException {
      this.request = frame(requestSize);
      this.channel = new Bootstrap()
          .group(group)
          .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
              c.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 24, 0, 4, 0, 4),
                  new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf response) {
                      waiting.poll().accept(null);
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                      if (unflushed) {
                        unflushed = false;
                        ctx.flush();
                      }
                    }
                  });
            }
          })
          .connect(host, port).sync().channel();
    }

    /** Sends one request; {@code done} runs on the I/O thread when its answer arrives. */
    public void call(long tag, Consumer<Throwable> done) {
      if (channel.eventLoop().inEventLoop()) {
        send(tag, done);
        unflushed = true; // flushed when the read batch that called us completes
      } else {
        channel.eventLoop().execute(() -> {
          send(tag, done);
          channel.flush();
        });
      }
    }

    private void send(long tag, Consumer<Throwable> done) {
      waiting.add(done);
      ByteBuf out = channel.alloc().ioBuffer(request.readableBytes());
      out.writeBytes(request, request.readerIndex(), request.readableBytes());
      out.setLong(4, tag);
      channel.write(out, channel.voidPromise());
    }

    /** Sends one request and waits for its answer. */
    public void callAndWait(long tag) throws Exception {
      CompletableFuture<Void> f = new CompletableFuture<>();
      call(tag, e -> f.complete(null));
      f.get();
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
      group.shutdownGracefully().syncUninterruptibly();
    }
  }
}
