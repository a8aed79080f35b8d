package io.minirpc.internal.client;

import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.transport.FrameHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of one connection: handshake first, then responses to their calls, heartbeats
 * while the line is quiet, GOAWAY from a server that shuts down, and failing every pending call
 * when the connection ends. What the connection's life means for the client (reconnecting, the
 * handshake's verdict) is for {@link Events} to decide.
 */
final class ClientHandler extends FrameHandler {
  private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

  /** What happens to a connection, told to whoever keeps it; all on its event loop. */
  interface Events {
    /** The server's HELLO arrived on {@code c}. */
    void handshaken(Connection c, Hello serverHello);

    /** The server said GOAWAY on {@code c}, or acted as if it had. */
    void goingAway(Connection c, String reason);

    /** {@code c}'s channel closed, its pending calls already failed; {@code reason} may be null. */
    void closed(Connection c, String reason);
  }

  private final Connection connection;
  private final Events events;
  private final Hello clientHello;
  private final long idleTimeoutNanos;
  private final long handshakeTimeoutNanos;
  private long lastReadNanos;
  private long pings;
  private ScheduledFuture<?> handshakeTimeout;

  /**
   * @param clientHello what this client says first
   * @param idleTimeoutNanos silence after which the connection is closed
   * @param handshakeTimeoutNanos how long the server may take to answer the HELLO
   */
  ClientHandler(Connection connection, Events events, Hello clientHello, long idleTimeoutNanos,
      long handshakeTimeoutNanos) {
    super(log, "to");
    this.connection = connection;
    this.events = events;
    this.clientHello = clientHello;
    this.idleTimeoutNanos = idleTimeoutNanos;
    this.handshakeTimeoutNanos = handshakeTimeoutNanos;
  }

  Connection connection() {
    return connection;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    lastReadNanos = System.nanoTime();
    ctx.writeAndFlush(clientHello.toFrame(ctx.alloc()), ctx.voidPromise());
    handshakeTimeout = ctx.executor().schedule(() -> {
      if (!isHandshaken()) {
        connection.closeBecause("the server did not answer the handshake within "
            + TimeUnit.NANOSECONDS.toMillis(handshakeTimeoutNanos) + " ms (minirpc.connectTimeout);"
            + " is it a minirpc server?");
      }
    }, handshakeTimeoutNanos, TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  @Override
  protected void onHello(ChannelHandlerContext ctx, Hello hello) {
    lastReadNanos = System.nanoTime();
    handshakeTimeout.cancel(false);
    events.handshaken(connection, hello);
  }

  @Override
  protected String brokenHello(CorruptedFrameException e) {
    return "the server broke the handshake: " + e.getMessage();
  }

  @Override
  protected void close(ChannelHandlerContext ctx, String reason) {
    connection.closeBecause(reason);
  }

  @Override
  protected String explain(Throwable failure, String message) {
    if (!isHandshaken() && failure instanceof CorruptedFrameException) {
      return "what answers at " + connection.address() + " is not a minirpc server (" + message
          + "). Check the address and port (minirpc.address)";
    }
    return message;
  }

  @Override
  protected void onFrame(ChannelHandlerContext ctx, Frame frame) {
    lastReadNanos = System.nanoTime();
    switch (frame.type()) {
      case RESPONSE:
        connection.onResponse(frame);
        break;
      case ERROR:
        if (Connection.isShutdownRefusal(frame) && !connection.isDraining()) {
          // The server is shutting down and this answer overtook its GOAWAY: act as on GOAWAY,
          // so the call is sent again on a new connection.
          events.goingAway(connection, "it refused a call because it is shutting down");
        }
        connection.onResponse(frame);
        break;
      case PING:
        frame.release();
        connection.sendEmpty(FrameType.PONG, frame.sequence());
        break;
      case PONG:
        frame.release();
        break;
      case GOAWAY:
        String reason;
        try {
          reason = Frames.readString(frame.header());
        } finally {
          frame.release();
        }
        events.goingAway(connection, reason);
        break;
      default:
        frame.release();
        protocolError(ctx, "a server must not send " + frame.type() + " frames");
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof IdleStateEvent)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    long silentNanos = System.nanoTime() - lastReadNanos;
    if (silentNanos >= idleTimeoutNanos) {
      String reason = "the server sent nothing for " + TimeUnit.NANOSECONDS.toMillis(silentNanos)
          + " ms, not even a heartbeat reply (minirpc.idleTimeout="
          + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + "ms)";
      log.warn("Closing connection to {}: {}", ctx.channel().remoteAddress(), reason);
      connection.closeBecause(reason);
    } else {
      connection.sendEmpty(FrameType.PING, ++pings);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      connection.writable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (handshakeTimeout != null) {
      handshakeTimeout.cancel(false);
    }
    connection.failAll();
    events.closed(connection, connection.closeReason());
    ctx.fireChannelInactive();
  }
}
