package io.minirpc.internal.transport;

import io.minirpc.internal.observe.TrafficCounter;
import io.minirpc.internal.protocol.FrameDecoder;
import io.minirpc.internal.protocol.FrameMemory;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The bootstraps and pipelines of both sides, in one place. A pipeline reads like the wire: length
 * framing and frame checks first ({@value #FRAMES}), then idle detection ({@value #IDLE}), then
 * the side's handler ({@value #HANDLER}).
 */
public final class Bootstraps {
  /** The TLS handler's name, first in the pipeline when TLS is on. */
  public static final String TLS = "tls";
  /** The frame decoder's name in every pipeline. */
  public static final String FRAMES = "frames";
  /** The idle detector's name; the client adds it once the handshake says how often to ping. */
  public static final String IDLE = "idle";
  /** The side's handler's name. */
  public static final String HANDLER = "handler";

  private Bootstraps() {}

  /**
   * A client bootstrap without a handler: no Nagle delay, keep-alive, a connect timeout (the
   * local transport has no socket, so only the timeout and the water mark).
   */
  public static Bootstrap client(Transport transport, EventLoopGroup group,
      Duration connectTimeout) {
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(transport.channel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Transport.WATER_MARK);
    if (!transport.isLocal()) {
      b.option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.SO_KEEPALIVE, true);
    }
    return b;
  }

  /**
   * The client's pipeline: TLS if {@code tls} is not null (naming {@code host} and {@code port}
   * for hostname verification), frames (the server's first must be its HELLO of at most {@code
   * maxServerHelloSize} bytes, checked from the frame's first bytes), then {@code handler}'s handler for each channel. A channel whose
   * bootstrap carries a {@link TrafficCounter} (at {@link TrafficCounter#KEY}) has it first.
   */
  public static ChannelInitializer<Channel> clientPipeline(Tls tls, String host, int port,
      int maxFrameSize, int maxServerHelloSize, Function<Channel, ChannelHandler> handler) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        TrafficCounter traffic = ch.attr(TrafficCounter.KEY).get();
        if (traffic != null) {
          ch.pipeline().addLast(TrafficCounter.NAME, traffic);
        }
        if (tls != null) {
          ch.pipeline().addLast(TLS, tls.clientHandler(ch, host, port));
        }
        ch.pipeline()
            .addLast(FRAMES, new FrameDecoder(maxFrameSize, maxServerHelloSize,
                "minirpc.maxServerHelloSize"))
            .addLast(HANDLER, handler.apply(ch));
      }
    };
  }

  /** Adds the idle detector of a client connection that pings after {@code pingNanos}. */
  public static void addClientIdle(Channel ch, long pingNanos) {
    ch.pipeline().addBefore(HANDLER, IDLE,
        new IdleStateHandler(pingNanos, 0, 0, TimeUnit.NANOSECONDS));
  }

  /** A server bootstrap without a child handler; socket options unless the transport is local. */
  public static ServerBootstrap server(Transport transport, EventLoopGroup boss,
      EventLoopGroup workers) {
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(transport.serverChannel())
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Transport.WATER_MARK);
    if (!transport.isLocal()) {
      b.option(ChannelOption.SO_BACKLOG, 1024)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.SO_KEEPALIVE, true);
    }
    return b;
  }

  /**
   * The server's pipeline: TLS if {@code tls} is not null, frames (before the client's HELLO
   * only a HELLO of at most {@code preHelloMaxFrameSize} bytes, each frame's memory reserved from
   * {@code memory}'s for the channel before it is buffered), idle detection after {@code
   * idleNanos} of silence, then {@code handler}'s handler, which is given the channel's memory.
   * {@code admit} sees every channel first: it returns null to admit it, or the handler that
   * refuses it (after TLS, so that the refusal reaches the client), or closes it at once.
   */
  public static <M extends FrameMemory> ChannelInitializer<Channel> serverPipeline(Tls tls,
      int maxFrameSize, int preHelloMaxFrameSize, long idleNanos,
      Function<Channel, ChannelHandler> admit,
      Function<Channel, M> memory, BiFunction<Channel, M, ChannelHandler> handler) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ChannelHandler refusal = admit.apply(ch);
        if (!ch.isOpen()) {
          return; // refused at once
        }
        if (tls != null) {
          ch.pipeline().addLast(TLS, tls.serverHandler(ch));
        }
        if (refusal != null) {
          ch.pipeline().addLast(HANDLER, refusal);
          return;
        }
        M m = memory.apply(ch);
        ch.pipeline()
            .addLast(FRAMES, new FrameDecoder(maxFrameSize, preHelloMaxFrameSize,
                "minirpc.server.maxPreHelloFrameSize", m))
            .addLast(IDLE, new IdleStateHandler(idleNanos, 0, 0, TimeUnit.NANOSECONDS))
            .addLast(HANDLER, handler.apply(ch, m));
      }
    };
  }
}
