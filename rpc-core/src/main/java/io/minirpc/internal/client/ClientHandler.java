package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.HelloReader;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.transport.FrameHandler;
import io.minirpc.internal.transport.LogSafe;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
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
  private static final String CLOSED_DURING_TLS = "the server closed the connection during the"
      + " TLS handshake; if it does not use TLS, turn minirpc.tls off on the client, else look in"
      + " the server's log for why";

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
    authenticated(ctx); // a client takes the server's frames up to its maximum frame size
    events.handshaken(connection, hello);
  }

  /** A connection limit of the server refused this connection; its GOAWAY names the limit. */
  @Override
  protected void onRefused(ChannelHandlerContext ctx, Frame goAway) {
    String reason;
    try {
      reason = Frames.readString(goAway.header());
    } finally {
      goAway.release();
    }
    handshakeTimeout.cancel(false);
    // The server's words: escaped, for they reach logs and the caller's exception.
    connection.closeBecause("the server refused the connection: " + LogSafe.escape(reason, 1000));
  }

  @Override
  protected Hello readHello(Frame frame) {
    return HelloReader.fromServer(frame);
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
    if (failure instanceof javax.net.ssl.SSLException) {
      // OpenSSL says "General OpenSslEngine problem"; the trust manager's words are in the causes.
      StringBuilder why = new StringBuilder(message);
      for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
        if (t.getMessage() != null && why.indexOf(t.getMessage()) < 0) {
          why.append(": ").append(t.getMessage());
        }
      }
      return "the TLS handshake with " + connection.address() + " failed: " + why
          + tlsHint(why.toString());
    }
    if (!isHandshaken() && failure instanceof TooLongFrameException) {
      return "the server at " + connection.address() + " answered the handshake with more than"
          + " this client accepts: " + message + ". Raise minirpc.maxServerHelloSize only for a"
          + " server you trust to list that much";
    }
    if (!isHandshaken() && failure instanceof CorruptedFrameException
        && message.startsWith("the peer speaks TLS")) {
      return "the server at " + connection.address() + " answered with TLS: set minirpc.tls=true"
          + " on the client";
    }
    if (!isHandshaken() && failure instanceof CorruptedFrameException) {
      return "what answers at " + connection.address() + " is not a minirpc server (" + message
          + "). Check the address and port (minirpc.address)";
    }
    return message;
  }

  @Override
  protected void onFrame(ChannelHandlerContext ctx, Frame frame) {
    lastReadNanos = System.nanoTime();
    if (connection.isFaulty()) {
      frame.release(); // decoded from the same read as the fault: nothing of it is trusted
      return;
    }
    switch (frame.type()) {
      case RESPONSE:
        connection.onResponse(frame);
        break;
      case ERROR:
        if (isShutdownRefusal(frame) && !connection.isDraining()) {
          // The server is shutting down and this answer overtook its GOAWAY: act as on GOAWAY,
          // so the call is sent again on a new connection.
          events.goingAway(connection, "it refused a call because it is shutting down");
        }
        connection.onResponse(frame);
        break;
      case ITEM:
        if (!ResponseReader.item(connection.pendingAt(frame.sequence()), frame)) {
          connection.closeBecauseFaulty("it sent an item of call " + frame.sequence() + " beyond"
              + " the credit the client granted, or for a call that does not stream");
        }
        break;
      case CREDIT:
        credit(frame);
        break;
      case END:
        stop(frame);
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
        if (connection.closeReason() != null) {
          // This side is closing it already (a server refusing a HELLO follows its own HELLO with
          // GOAWAY): going away would open a new connection at once, without the backoff.
          break;
        }
        events.goingAway(connection, reason);
        break;
      default:
        frame.release();
        protocolError(ctx, "a server must not send " + frame.type() + " frames");
    }
  }

  /**
   * The server wants no more of a stream the client sends, while the call goes on: one with a
   * body, or for a call that sends none, is a fault.
   */
  private void stop(Frame frame) {
    boolean empty = frame.isEmpty();
    frame.release();
    if (!empty) {
      connection.closeBecauseFaulty("it sent an END frame that is not empty");
    } else if (!ResponseReader.stop(connection.pendingAt(frame.sequence()))) {
      connection.closeBecauseFaulty("it sent an END for call " + frame.sequence() + ", which"
          + " sends no stream");
    }
  }

  /** The server granted a client's stream more: malformed, or for a call without one, a fault. */
  private void credit(Frame frame) {
    long items;
    long bytes;
    try {
      items = Frames.readLong(frame.header());
      bytes = Frames.readLong(frame.header());
      if (items < 0 || bytes < 0 || !frame.isEmpty()) {
        throw new java.io.IOException("two counts that are not negative, and nothing else");
      }
    } catch (java.io.IOException | RuntimeException e) {
      connection.closeBecauseFaulty("it sent a malformed CREDIT frame: it must carry "
          + e.getMessage());
      return;
    } finally {
      frame.release();
    }
    if (!ResponseReader.credit(connection.pendingAt(frame.sequence()), items, bytes)) {
      connection.closeBecauseFaulty("it sent a CREDIT for call " + frame.sequence() + ", which"
          + " sends no stream");
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent) {
      SslHandshakeCompletionEvent done = (SslHandshakeCompletionEvent) evt;
      if (!done.isSuccess() && connection.closeReason() == null) {
        Throwable cause = done.cause();
        connection.closeBecause(cause instanceof java.nio.channels.ClosedChannelException
            ? CLOSED_DURING_TLS : explain(cause, describe(cause)));
      }
      ctx.fireUserEventTriggered(evt);
      return;
    }
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

  /** What to do about a failed TLS handshake, from the words of the exception. */
  private String tlsHint(String message) {
    String m = message.toLowerCase(java.util.Locale.ROOT);
    if (m.contains("not an ssl/tls record")) {
      return ". The server does not speak TLS: turn minirpc.tls off on the client, or on on the"
          + " server";
    }
    if (m.contains("expired") || m.contains("notafter") || m.contains("not yet valid")) {
      return ". A certificate has expired or is not yet valid: renew it";
    }
    if (m.contains("subject alternative") || m.contains("hostname") || m.contains("match")) {
      return ". The server's certificate does not name the host in minirpc.address: connect by a"
          + " name the certificate has, or turn minirpc.tls.hostnameVerification off (knowingly)";
    }
    if (m.contains("pkix") || m.contains("certification path") || m.contains("unknown_ca")
        || m.contains("certificate_unknown")) {
      return ". The server's certificate is not signed by a CA this client trusts: set"
          + " minirpc.tls.trustedCerts to the CA that signed it";
    }
    if (m.contains("certificate_required") || m.contains("bad_certificate")
        || m.contains("handshake_failure") || m.contains("alert")) {
      return ". The server may require a client certificate signed by a CA it trusts: set"
          + " minirpc.tls.certChain and minirpc.tls.privateKey (mutual TLS)";
    }
    return ". Check minirpc.tls.* on both sides";
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (handshakeTimeout != null) {
      handshakeTimeout.cancel(false);
    }
    if (!isHandshaken() && connection.closeReason() == null) {
      // Closed by the server before it said anything: what TLS and plaintext do to each other.
      connection.closeBecause(ctx.pipeline().get(SslHandler.class) == null
          ? "the server closed the connection without answering the handshake; if it uses TLS,"
              + " set minirpc.tls=true on the client"
          : CLOSED_DURING_TLS);
    }
    connection.failAll();
    events.closed(connection, connection.closeReason());
    ctx.fireChannelInactive();
  }

  /**
   * An ERROR that says the server refused the call unrun because it is shutting down: the call
   * raced the server's GOAWAY, and may go again on a new connection.
   */
  static boolean isShutdownRefusal(Frame frame) {
    return frame.type() == FrameType.ERROR
        && (frame.flags() & Protocol.FLAG_NOT_RUN) != 0
        && ErrorInfo.peekCode(frame.header()) == RpcException.Code.UNAVAILABLE.wireNumber();
  }
}
