package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.FrameDecoder;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.registry.CompressorRegistry;
import io.minirpc.internal.protocol.HelloReader;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.UnreadRequest;
import io.minirpc.internal.transport.FrameHandler;
import io.minirpc.internal.transport.LogSafe;
import io.minirpc.metrics.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of one connection: the client's HELLO first, answered with the server's (its
 * services only if the HELLO authenticates, when the server has an authenticator; GOAWAY after it
 * if the client speaks none of the server's codecs); then requests to the dispatcher, cancels to
 * their calls, pings answered. A protocol error closes this connection only, with one log line
 * that says why. A client that has not sent its HELLO within the handshake timeout, or is silent
 * for longer than the idle timeout, is closed; one that sends PINGs or CANCELs faster than its
 * budget gets GOAWAY and is closed. While the client does not read its answers (the channel is not
 * writable), the server stops reading its requests, so a client cannot make the server buffer
 * without bound. How long the connection may stay idle, unauthenticated or at all is its {@link
 * ConnectionLifetime}'s to say; this handler tells it of each request.
 */
final class ServerHandler extends FrameHandler {
  private static final Logger log = LoggerFactory.getLogger(ServerHandler.class);
  /** Unknown codecs and floods, at most one line a second each for the whole server. */
  private static final LogSafe.Limiter UNKNOWN_CODECS = LogSafe.Limiter.perSecond();
  private static final LogSafe.Limiter FLOODS = LogSafe.Limiter.perSecond();
  /** Connections closed for silence, before or after the HELLO: a peer can open many. */
  private static final LogSafe.Limiter SILENT = LogSafe.Limiter.perSecond();
  /**
   * A CANCEL that undoes a call this soon after it arrived, before it started, is what a
   * rapid-reset flood sends, and counts against {@code maxCancelsPerSecond}.
   */
  static final long RAPID_CANCEL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * What one connection is held to.
   *
   * @param workers how its calls share the worker pool with other connections
   * @param cancelBurst CANCELs it may send at once (a client may give up on all its calls)
   * @param lifetime how long it may stay idle, unauthenticated, at all
   */
  record Limits(long idleTimeoutNanos, long handshakeTimeoutNanos, WorkerShares workers,
      int maxPingsPerSecond, int maxCancelsPerSecond, int cancelBurst,
      ConnectionLifetime.Limits lifetime) {}

  private final Dispatcher dispatcher;
  private final Hello hello;
  /** The HELLO for a client that has not authenticated: codecs and limits, no services. */
  private final Hello withheld;
  private final Limits limits;
  private final FloodBudget pings;
  private final FloodBudget cancels;
  private final ConnectionMemory memory;
  private volatile Channel channel;
  /** The calls of this connection that have not ended, and the way out for their answers. */
  private ConnectionCalls calls;
  private ConnectionLifetime lifetime;
  private ScheduledFuture<?> handshakeTimeout;
  /** Set once the client broke a limit: what it sends next is dropped unread. Event loop. */
  private boolean refused;
  /**
   * The highest sequence number of a request so far (a client numbers them upwards): a CANCEL
   * above it names no call. Event loop.
   */
  private long lastRequest;

  /** @param memory what this connection's frames and calls hold */
  ServerHandler(Dispatcher dispatcher, Hello hello, Limits limits, ConnectionMemory memory) {
    super(log, "from");
    this.memory = memory;
    this.dispatcher = dispatcher;
    this.hello = hello;
    this.withheld = hello.withoutDetails();
    this.limits = limits;
    this.pings = new FloodBudget(limits.maxPingsPerSecond(), limits.maxPingsPerSecond());
    this.cancels = new FloodBudget(limits.maxCancelsPerSecond(),
        Math.max(limits.maxCancelsPerSecond(), limits.cancelBurst()));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    calls = new ConnectionCalls(ctx.channel(), limits.workers(), memory);
    lifetime = new ConnectionLifetime(ctx.channel(), calls, limits.lifetime());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    lifetime.start();
    long timeout = limits.handshakeTimeoutNanos();
    handshakeTimeout = ctx.executor().schedule(() -> {
      if (!isHandshaken() && ctx.channel().isActive()) {
        SILENT.info(log, "Closing connection from " + ctx.channel().remoteAddress() + ": it sent"
            + " no HELLO within " + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms"
            + " (minirpc.server.handshakeTimeout)");
        ctx.close();
      }
    }, timeout, TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  /** A HELLO with no protocol version in common is refused from its first two bytes. */
  @Override
  protected Hello readHello(Frame frame) {
    ServerLimits limits = dispatcher.limits();
    return HelloReader.fromFirstFrame(frame, true, limits.maxMetadataSize(),
        limits.maxMetadataEntries());
  }

  /**
   * A request too large for a connection not yet authenticated, skipped unread: one refusal, as for
   * a request the authenticator refused, and the connection lives on.
   */
  @Override
  protected void onUnreadRequest(ChannelHandlerContext ctx, UnreadRequest request) {
    if (refused) {
      return;
    }
    lastRequest = Math.max(lastRequest, request.sequence());
    if (calls.inFlight(request.sequence())) {
      protocolError(ctx, "a request reuses sequence number " + request.sequence()
          + " while the call with that number is in flight");
      return;
    }
    dispatcher.refused(RpcException.Code.UNAUTHENTICATED, Refusal.AUTHENTICATION);
    calls.refuse(request.sequence(), new RpcException(RpcException.Code.UNAUTHENTICATED,
        "the server refused the call unread: its request of " + request.length() + " bytes is"
            + " larger than the " + request.limit() + " bytes a connection may send before it is"
            + " authenticated (minirpc.server.maxPreHelloFrameSize). Send the credential in the"
            + " client's metadata (minirpc.metadata.*) so that the connection authenticates when"
            + " it opens, or make a smaller call first"));
  }

  @Override
  protected void onFrame(ChannelHandlerContext ctx, Frame frame) {
    if (refused) {
      frame.release();
      return;
    }
    switch (frame.type()) {
      case REQUEST:
        lastRequest = Math.max(lastRequest, frame.sequence());
        lifetime.requested();
        dispatcher.onRequest(calls, frame);
        if (calls.goAwayReason() != null) {
          // Too many refused authentications. The GOAWAY goes after the last refusal, which
          // the batcher writes in a task of its own; nothing more is read meanwhile.
          refused = true;
          String reason = calls.goAwayReason();
          ctx.executor().execute(() -> refuse(ctx, reason));
        }
        break;
      case CANCEL:
        frame.release();
        // Only what a rapid reset does is counted: a CANCEL of no request sent yet, or of one
        // not started yet. A client under overload cancels calls that waited or ran by the
        // thousand (timed out, hedges that lost), and such a call held its worker anyway.
        long seq = frame.sequence();
        boolean counted = seq > lastRequest || calls.cancel(seq, RAPID_CANCEL_NANOS);
        if (counted && !cancels.take()) {
          refuse(ctx, "too many CANCELs: more than " + limits.maxCancelsPerSecond()
              + " a second (minirpc.server.maxCancelsPerSecond)");
          return;
        }
        break;
      case CREDIT:
        try {
          long items = Frames.readLong(frame.header());
          long bytes = Frames.readLong(frame.header());
          if (items < 0 || bytes < 0 || !frame.isEmpty()) {
            protocolError(ctx, "a CREDIT frame must carry two counts that are not negative, and"
                + " nothing else");
            return;
          }
          StreamFrames.credit(calls.call(frame.sequence()), items, bytes);
        } catch (CorruptedFrameException e) {
          protocolError(ctx, "a CREDIT frame is malformed: " + e.getMessage());
          return;
        } finally {
          frame.release();
        }
        break;
      case ITEM:
      case END:
        if (!StreamFrames.fromClient(calls.call(frame.sequence()), frame,
            frame.type() == FrameType.END)) {
          protocolError(ctx, "an " + frame.type() + " of call " + frame.sequence() + " beyond the"
              + " credit the server granted, or of a call that takes no stream");
          return;
        }
        break;
      case PING:
        frame.release();
        if (!pings.take()) {
          refuse(ctx, "too_many_pings: more than " + limits.maxPingsPerSecond() + " PINGs a"
              + " second (minirpc.server.maxPingsPerSecond)");
          return;
        }
        ctx.writeAndFlush(Frames.empty(ctx.alloc(), FrameType.PONG, frame.sequence()),
            ctx.voidPromise());
        break;
      case PONG:
        frame.release();
        break;
      default:
        frame.release();
        protocolError(ctx, "a client must not send " + frame.type() + " frames");
    }
  }

  @Override
  protected String brokenHello(CorruptedFrameException e) {
    return e.getMessage() + " (a client of an older minirpc version, or not a minirpc client)";
  }

  @Override
  protected void close(ChannelHandlerContext ctx, String reason) {
    ctx.close();
  }

  @Override
  protected void onHello(ChannelHandlerContext ctx, Hello theirs) {
    handshakeTimeout.cancel(false);
    List<String> unknown = new ArrayList<>();
    for (Hello.CodecInfo c : theirs.codecs()) {
      if (hello.codec(c.name()) == null) {
        unknown.add(c.name());
      }
    }
    // One line, however many names; each escaped and cut, the whole too: the client's words.
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < unknown.size() && names.length() < 1000; i++) {
      names.append(i == 0 ? "'" : ", '").append(LogSafe.escape(unknown.get(i))).append('\'');
    }
    if (names.length() >= 1000) {
      names.append(", ...");
    }
    if (unknown.size() == theirs.codecs().size()) {
      // Nothing it could send would be understood. Our HELLO names the codecs we speak (so a
      // minirpc client says what to set), the GOAWAY says it in words for any other peer.
      String reason = "no codec in common: the client speaks "
          + (unknown.isEmpty() ? "none" : names) + ", this server speaks only "
          + String.join(", ", hello.codecNames()) + " (minirpc.codec). Set minirpc.codec on the"
          + " client to one of those";
      UNKNOWN_CODECS.info(log, "Closing connection from " + ctx.channel().remoteAddress()
          + " after GOAWAY: " + reason);
      refused = true;
      ctx.write(withheld.toFrame(ctx.alloc()), ctx.voidPromise());
      ctx.writeAndFlush(goAwayFrame(ctx.alloc(), reason)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!unknown.isEmpty()) {
      UNKNOWN_CODECS.info(log, "Client " + ctx.channel().remoteAddress() + " speaks "
          + (unknown.size() == 1 ? "codec " : unknown.size() + " codecs ") + names
          + ", which this server does not (it speaks: " + String.join(", ", hello.codecNames())
          + "); its calls in those will be refused");
    }
    String blocked = dispatcher.refusesHello(calls);
    if (blocked != null) {
      // Refused before the authenticator runs; AuthFailures logged it. GOAWAY alone, as for a
      // connection over a limit: a client that got a HELLO would think it may send calls.
      refused = true;
      ctx.writeAndFlush(goAwayFrame(ctx.alloc(), blocked)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    calls.client(new ClientHello(ServerCompression.of(theirs, CompressorRegistry.installed(),
        dispatcher.limits().compressionMinSize()), theirs.streams(), theirs.streamEnds()));
    if (dispatcher.authenticates(calls, theirs)) {
      calls.authenticated();
      ctx.writeAndFlush(dispatcher.helloFor(calls, theirs, hello).toFrame(ctx.alloc()),
          ctx.voidPromise());
    } else {
      ctx.writeAndFlush(withheld.toFrame(ctx.alloc()), ctx.voidPromise());
      if (calls.goAwayReason() != null) {
        refuse(ctx, calls.goAwayReason());
      }
    }
  }

  /**
   * The client broke a limit that a well-behaved client never reaches: GOAWAY with the reason, as
   * gRPC's {@code too_many_pings}, then close. Its calls are cancelled by the close.
   */
  private void refuse(ChannelHandlerContext ctx, String reason) {
    refused = true;
    FLOODS.warn(log, "Closing connection from " + ctx.channel().remoteAddress() + " after GOAWAY: "
        + reason);
    ctx.writeAndFlush(goAwayFrame(ctx.alloc(), reason)).addListener(ChannelFutureListener.CLOSE);
  }

  /** Tells the client the server is going away; from any thread. */
  void goAway(String reason) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    ch.eventLoop().execute(() -> {
      if (!ch.isActive() || !isHandshaken() || refused) {
        return;
      }
      ch.writeAndFlush(goAwayFrame(ch.alloc(), reason), ch.voidPromise());
    });
  }

  private static ByteBuf goAwayFrame(ByteBufAllocator alloc, String reason) {
    ByteBuf buf = alloc.ioBuffer(64 + reason.length());
    int start = Frames.begin(buf, FrameType.GOAWAY, Protocol.NO_CODEC, 0);
    Frames.writeString(buf, Frames.truncate(reason, 1024));
    Frames.endHeader(buf, start);
    Frames.finish(buf, start);
    return buf;
  }

  /** Ends every call still open on this connection with {@code code} and stops them. */
  void abortAll(RpcException.Code code, String message) {
    calls.abortAll(code, message);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
      if (decoder != null && decoder.pausedForMemory()) {
        // It may not hold the memory it has, or wait for more, forever.
        SILENT.info(log, "Closing connection from " + ctx.channel().remoteAddress() + ": the"
            + " server has not read from it for " + TimeUnit.NANOSECONDS.toMillis(
                limits.idleTimeoutNanos()) + " ms (minirpc.idleTimeout), waiting for memory for"
            + " its next frame while its calls hold " + memory.used() + " bytes"
            + " (minirpc.server.maxConnectionMemory=" + memory.limit()
            + ", minirpc.server.maxMemory=" + memory.serverLimit() + ")");
      } else if (!ctx.channel().isWritable()) {
        // Not silent: it left its answers unread, so the server stopped reading from it.
        SILENT.info(log, "Closing connection from " + ctx.channel().remoteAddress() + ": the"
            + " server has not read from it for " + TimeUnit.NANOSECONDS.toMillis(
                limits.idleTimeoutNanos()) + " ms (minirpc.idleTimeout), because it does not read"
            + " its answers (" + ctx.channel().bytesBeforeWritable() + " bytes of them must be"
            + " written before it is read again)");
      } else {
        SILENT.info(log, "Closing connection from " + ctx.channel().remoteAddress() + ": it sent"
            + " nothing for " + TimeUnit.NANOSECONDS.toMillis(limits.idleTimeoutNanos()) + " ms,"
            + " not even a heartbeat (minirpc.idleTimeout)");
      }
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  /**
   * Stop reading requests while the client does not read its answers; read again once it does,
   * unless reading stopped for memory too (the decoder reads on once memory frees).
   */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
    boolean waitsForMemory = decoder != null && decoder.pausedForMemory();
    boolean reading = ctx.channel().isWritable() && !waitsForMemory;
    ctx.channel().config().setAutoRead(reading);
    if (decoder != null) {
      decoder.reading(reading);
    }
    if (ctx.channel().isWritable() && calls != null) {
      calls.writable(); // streams that waited for the socket go on
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** The client is gone: nobody will read what its calls produce. */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (handshakeTimeout != null) {
      handshakeTimeout.cancel(false);
    }
    lifetime.stop();
    calls.cancelAll();
    ctx.fireChannelInactive();
  }

}
