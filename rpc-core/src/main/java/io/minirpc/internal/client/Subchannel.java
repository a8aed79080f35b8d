package io.minirpc.internal.client;

import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.transport.Bootstraps;
import io.minirpc.internal.transport.Tls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One connection of a client to its server, kept alive: it connects when first asked, handshakes,
 * and from then on reconnects by itself when its connection closes or the server says GOAWAY: at
 * once after a working connection, then with {@link Backoff} while attempts fail. As gRPC's
 * {@code InternalSubchannel}, it knows nothing of calls; it tells its {@link Listener} what
 * happened and takes the handshake's verdict from it.
 */
final class Subchannel implements ClientHandler.Events {
  /** Whoever keeps subchannels: judges handshakes and learns of connections and failures. */
  interface Listener {
    /** Whether the client is closing: nothing connects any more. */
    boolean isShutdown();

    /** The verdict on a server's HELLO; a refusal closes the connection. */
    Handshake.Verdict judge(Hello serverHello);

    /** {@code c} handshook and takes calls. */
    void ready(Connection c);

    /** An attempt failed, {@code why} in words; the subchannel retries after a backoff. */
    void attemptFailed(String why);

    /** A working connection closed ({@code reason} may be null); the subchannel reconnects. */
    void lost(Connection c, String reason);

    /** {@code c} drains after GOAWAY; the subchannel already reconnects. */
    void goingAway(Connection c, String reason);
  }

  private final Listener listener;
  private final Bootstrap bootstrap;
  private final EventLoopGroup group;
  private final Backoff backoff;
  /** The channel being set up or in use, or {@code null}. Guarded by this. */
  private Channel channel;
  /** Failed attempts in a row. Guarded by this. */
  private int failures;
  /**
   * Connections in a row that the client closed because the server misbehaved (an answer too
   * large to decode): each waits longer before the next, as a failed attempt does, since the
   * handshakes themselves succeed.
   */
  private int faults;
  /** Guarded by this. */
  private boolean retryScheduled;
  /** Left idle by {@link #idle}: no connection, no reconnecting, until {@link #wake}. */
  private boolean idle;
  /** The handshaken connection that takes calls; read without the lock. */
  private volatile Connection ready;

  /**
   * @param base a bootstrap with group, channel type, options and the remote address; this
   *     subchannel adds its pipeline to a clone
   * @param tls TLS for every connection, or null for plaintext
   * @param owner where the connections' calls come from and go back to
   * @param settings the client's frame, handshake, connect and idle limits
   * @param decoding where the connections' large responses are decoded
   */
  Subchannel(Listener listener, Bootstrap base, Tls tls, String host, int port, String address,
      Connection.Owner owner, Hello clientHello, ClientConfig settings, EventLoopGroup group,
      Backoff backoff, ResponseDecoding decoding) {
    this.listener = listener;
    this.group = group;
    this.backoff = backoff;
    this.bootstrap = base.clone().handler(Bootstraps.clientPipeline(tls, host, port,
        settings.maxFrameSize(), settings.maxServerHelloSize(),
        ch -> new ClientHandler(new Connection(ch, address, owner, decoding), this, clientHello,
            settings.idleTimeout().toNanos(), settings.connectTimeout().toNanos())));
  }

  /** The connection that takes calls now, or {@code null}. */
  Connection ready() {
    return ready;
  }

  /**
   * Connects, unless a channel is up or on its way, a retry is scheduled, the subchannel is idle,
   * or the client closes.
   */
  void connect() {
    ChannelFuture f;
    String failed;
    synchronized (this) {
      if (listener.isShutdown() || idle || channel != null || retryScheduled) {
        return;
      }
      try {
        f = bootstrap.connect(); // the base's remote address: host:port, or a local name
        channel = f.channel();
        failed = null;
      } catch (RuntimeException e) {
        failures++;
        f = null;
        failed = "cannot connect: " + e.getMessage();
      }
    }
    if (failed != null) {
      listener.attemptFailed(failed); // never under this lock: the listener takes the fleet's
      return;
    }
    Channel ch = f.channel();
    f.addListener((ChannelFuture done) -> {
      if (!done.isSuccess()) {
        connectFailed(ch, done.cause());
      }
    });
  }

  private void connectFailed(Channel ch, Throwable cause) {
    synchronized (this) {
      if (channel != ch) {
        return; // closed by idle() while it connected: not a failure of the server
      }
      channel = null;
      failures++;
    }
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    listener.attemptFailed("cannot connect: " + why);
    retryAfterFailure(false);
  }

  @Override
  public void handshaken(Connection c, Hello serverHello) {
    Handshake.Verdict verdict = listener.judge(serverHello);
    if (verdict.refusal() != null) {
      c.closeBecause("the handshake failed");
      return;
    }
    c.ready(serverHello, verdict.maxInFlight(), verdict.codecHint());
    Bootstraps.addClientIdle(c.channel(), verdict.pingNanos());
    synchronized (this) {
      if (listener.isShutdown() || idle) {
        c.closeLocally(); // the client closed, or this subchannel went idle during the handshake
        return;
      }
      ready = c;
      failures = 0;
    }
    listener.ready(c);
  }

  @Override
  public void goingAway(Connection c, String reason) {
    c.drain();
    listener.goingAway(c, reason);
    synchronized (this) {
      if (ready == c) {
        ready = null;
      }
      if (channel == c.channel()) {
        channel = null;
      }
    }
    connect();
  }

  @Override
  public void closed(Connection c, String reason) {
    boolean wasReady;
    synchronized (this) {
      wasReady = ready == c;
      if (wasReady) {
        ready = null;
      }
      if (channel != c.channel()) {
        return; // a draining connection, already replaced
      }
      channel = null;
      if (!wasReady) {
        failures++;
      } else if (c.isFaulty()) {
        faults++;
      } else {
        faults = 0;
      }
    }
    if (listener.isShutdown()) {
      return; // the client closed it
    }
    if (wasReady) {
      listener.lost(c, reason);
    } else {
      listener.attemptFailed("the connection closed during the handshake"
          + (reason == null ? "" : ": " + reason));
    }
    retryAfterFailure(wasReady && !c.isFaulty());
  }

  /** Connects again: at once after a working connection closed, else after the backoff. */
  private void retryAfterFailure(boolean wasWorking) {
    int n;
    synchronized (this) {
      n = Math.max(failures, faults);
    }
    retry(wasWorking ? 0 : backoff.delayNanos(n));
  }

  /**
   * Stops using the server: the connection closes once its calls have ended (a connection still
   * in its handshake closes now), and nothing reconnects until {@link #wake}.
   */
  void idle() {
    Connection c;
    Channel ch;
    synchronized (this) {
      idle = true;
      c = ready;
      ch = channel;
      ready = null;
      channel = null;
    }
    if (c != null) {
      c.drain();
    } else if (ch != null) {
      ch.close();
    }
  }

  /** Lets {@link #connect} connect again after {@link #idle}. */
  synchronized void wake() {
    idle = false;
  }

  private void retry(long delayNanos) {
    synchronized (this) {
      if (listener.isShutdown() || idle || retryScheduled || channel != null) {
        return;
      }
      retryScheduled = true;
    }
    Runnable attempt = () -> {
      synchronized (this) {
        retryScheduled = false;
      }
      connect();
    };
    try {
      if (delayNanos <= 0) {
        group.execute(attempt);
      } else {
        group.schedule(attempt, delayNanos, TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) {
      // The client is closing.
    }
  }

  /** The client closes: the channels to close, this subchannel's own and its ready one's. */
  synchronized List<Channel> channels() {
    List<Channel> out = new ArrayList<>(2);
    if (channel != null) {
      out.add(channel);
    }
    Connection r = ready;
    if (r != null && !out.contains(r.channel())) {
      out.add(r.channel());
    }
    return out;
  }
}
