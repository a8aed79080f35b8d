package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.transport.Bootstraps;
import io.minirpc.internal.transport.Tls;
import io.minirpc.internal.transport.Transport;
import io.minirpc.internal.transport.LogSafe;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server address as the client sees it: its {@link Subchannel}s (one per {@code
 * minirpc.connections}), its {@link ConnectivityState}, and the {@link CallQueue} of calls waiting
 * for one of its connections. Calls go round-robin to a connection that has a free in-flight
 * permit; a call that finds none waits in the queue up to its own deadline, unless there is no
 * connection and it does not wait for ready, or every connection is full and the client fails
 * when busy.
 *
 * <p>This is the unit a client of many servers picks among: an endpoint with its own connections
 * and state.
 */
final class Endpoint implements Connection.Owner, Subchannel.Listener {
  private static final Logger log = LoggerFactory.getLogger(Endpoint.class);

  private final ClientConfig settings;
  private final String address;
  private final Hello clientHello;
  private final String codecName;
  private final Consumer<Connection> onReady;
  private final Subchannel[] subchannels;
  private final CallQueue queue;
  private final AtomicInteger next = new AtomicInteger();
  private final Object lifecycle = new Object();

  private volatile boolean started;
  private volatile boolean closed;
  /** Why the last attempt to connect failed; {@code null} once a connection is ready. */
  private volatile String lastFailure;
  /** Set when the server cannot serve this client at all (no common codec): calls fail at once. */
  private volatile RpcException incompatible;
  /** The server's maximum frame size, once known. */
  private volatile int serverMaxFrameSize = Integer.MAX_VALUE;
  private volatile String lastAllowedWarning;

  /**
   * @param tls TLS for every connection, or null for plaintext
   * @param onReady told of every connection that becomes ready, to check the proxies against it
   */
  Endpoint(ClientConfig settings, String address, EventLoopGroup group, Tls tls, Hello clientHello,
      String codecName, Consumer<Connection> onReady) {
    this.settings = settings;
    this.address = address;
    this.clientHello = clientHello;
    this.codecName = codecName;
    this.onReady = onReady;
    this.queue = new CallQueue(settings.maxQueuedCalls(), settings.maxQueuedBytes(),
        this::waitExpired);
    Bootstrap base = Bootstraps.client(Transport.of(settings.transport()), group,
        settings.connectTimeout());
    Backoff backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
    this.subchannels = new Subchannel[settings.connections()];
    for (int i = 0; i < subchannels.length; i++) {
      subchannels[i] = new Subchannel(this, base, tls, settings.host(), settings.port(), address,
          this,
          clientHello, settings.maxFrameSize(), settings.idleTimeout().toNanos(),
          settings.connectTimeout().toNanos(), group, backoff);
    }
  }

  /** The largest frame both sides accept. */
  int maxFrameSize() {
    return Math.min(settings.maxFrameSize(), serverMaxFrameSize);
  }

  ConnectivityState state() {
    if (!started) {
      return ConnectivityState.IDLE;
    }
    if (hasUsableConnection()) {
      return ConnectivityState.READY;
    }
    return lastFailure == null && incompatible == null
        ? ConnectivityState.CONNECTING
        : ConnectivityState.TRANSIENT_FAILURE;
  }

  /** The connections that take calls now. */
  List<Connection> readyConnections() {
    List<Connection> out = new ArrayList<>();
    for (Subchannel s : subchannels) {
      Connection c = s.ready();
      if (c != null && c.isUsable()) {
        out.add(c);
      }
    }
    return out;
  }

  private boolean hasUsableConnection() {
    for (Subchannel s : subchannels) {
      Connection c = s.ready();
      if (c != null && c.isUsable()) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- calls

  /** Sends {@code call} on a connection with room, or queues it; never blocks. */
  @Override
  public void submit(PendingCall call) {
    Connection c = acquire();
    if (c != null) {
      if (call.assign(c)) {
        c.send(call);
      } else {
        c.releasePermit();
        capacityFreed();
      }
      return;
    }
    start();
    if (closed) {
      call.fail(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
      return;
    }
    ConnectivityState state = state();
    if (state == ConnectivityState.TRANSIENT_FAILURE) {
      // Calls wait only while CONNECTING, unless they wait for ready.
      RpcException hard = incompatible;
      if (hard != null) {
        call.fail(hard.code(), "was not sent: " + hard.getMessage());
        return;
      }
      String failure = lastFailure;
      if (failure != null && !call.waitForReady()) {
        call.fail(RpcException.Code.UNAVAILABLE, noConnection(failure));
        return;
      }
    } else if (state == ConnectivityState.READY && settings.failWhenBusy()) {
      call.fail(RpcException.Code.RESOURCE_EXHAUSTED, "was refused: " + busyDescription()
          + ". It did not run. Slow down, raise the limits, or set minirpc.failWhenBusy=false to"
          + " wait for room within the call's timeout");
      return;
    }
    String refusal = queue.offer(call);
    if (refusal != null) {
      call.fail(RpcException.Code.RESOURCE_EXHAUSTED, "was refused: " + refusal + " for "
          + (hasUsableConnection() ? "room on the connections to " + address
              : "a connection to " + address)
          + ". It did not run. Slow down, raise the limit, or check the server");
      return;
    }
    if (closed) {
      queue.failAll(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
      return;
    }
    capacityFreed(); // a permit may have come back while we were queueing
  }

  /** Why a call that does not wait for a connection failed, when none can be made. */
  private String noConnection(String failure) {
    return "failed: there is no connection to " + address + " (" + failure + "). It did not run,"
        + " so it is safe to retry. The client keeps reconnecting in the background; to make"
        + " calls wait for a connection within their timeout instead, set"
        + " minirpc.waitForReady=true or annotate the method with @WaitForReady";
  }

  /** A connection with a free permit, which the caller now holds, or {@code null}. */
  private Connection acquire() {
    Subchannel[] s = subchannels;
    if (s.length == 1) {
      Connection c = s[0].ready();
      return c != null && c.tryAcquire() ? c : null;
    }
    int start = Math.floorMod(next.getAndIncrement(), s.length);
    for (int i = 0; i < s.length; i++) {
      Connection c = s[(start + i) % s.length].ready();
      if (c != null && c.tryAcquire()) {
        return c;
      }
    }
    return null;
  }

  /** A permit came back or a connection became usable: hand waiting calls over. */
  @Override
  public void capacityFreed() {
    while (!queue.isEmpty()) {
      Connection c = acquire();
      if (c == null) {
        return;
      }
      PendingCall call = queue.poll();
      if (call == null) {
        c.releasePermit();
        // Someone queued a call after isEmpty() and before poll(): its own check will run.
        return;
      }
      if (call.assign(c)) {
        queue.assigned(call);
        c.send(call);
      } else {
        c.releasePermit(); // it ended while waiting, and counted itself out
      }
    }
  }

  /** The exception of a call whose deadline passed while it waited. */
  private RpcException waitExpired(PendingCall call) {
    long millis = call.timeoutNanos() / 1_000_000;
    String prefix = call.method().callPrefix();
    if (!hasUsableConnection()) {
      String failure = lastFailure;
      return new RpcException(RpcException.Code.UNAVAILABLE, prefix + "was not sent: no"
          + " connection to " + address + " could be made within its timeout of " + millis
          + " ms" + (failure == null ? "" : " (last attempt: " + failure + ")") + ". It did not"
          + " run. Check that the server is running and reachable; the client keeps reconnecting");
    }
    return new RpcException(RpcException.Code.RESOURCE_EXHAUSTED, prefix + "was not sent: it"
        + " waited " + millis + " ms for room, but " + busyDescription() + ". It did not run."
        + " The server is slower than the calls arrive: slow down, or raise the limits");
  }

  private String busyDescription() {
    List<Connection> ready = readyConnections();
    StringBuilder b = new StringBuilder();
    b.append("the ").append(ready.size()).append(" connection(s) to ").append(address)
        .append(" are full (");
    for (int i = 0; i < ready.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      Connection c = ready.get(i);
      b.append(c.inFlight()).append(" calls in flight")
          .append(c.channel().isWritable() ? "" : ", write buffer full");
    }
    return b.append("; minirpc.maxInFlight=").append(settings.maxInFlight())
        .append(" per connection, and the server allows ")
        .append(serverLimit()).append(")").toString();
  }

  private String serverLimit() {
    for (Subchannel s : subchannels) {
      Connection c = s.ready();
      if (c != null && c.serverHello() != null) {
        return c.serverHello().maxCallsPerConnection() + " (minirpc.server.maxCallsPerConnection)";
      }
    }
    return "an unknown number";
  }

  // ---------------------------------------------------------------- connections

  /** Starts connecting every subchannel, once, on the first call. */
  private void start() {
    if (started) {
      return;
    }
    synchronized (lifecycle) {
      if (started || closed) {
        return;
      }
      started = true;
    }
    for (Subchannel s : subchannels) {
      s.connect();
    }
  }

  @Override
  public boolean isShutdown() {
    return closed;
  }

  @Override
  public Handshake.Verdict judge(Hello serverHello) {
    Handshake.Verdict verdict = Handshake.check(clientHello, serverHello, address,
        settings.maxInFlight(), settings.heartbeatInterval().toNanos());
    RpcException refusal = verdict.refusal();
    if (refusal != null) {
      incompatible = refusal;
      lastFailure = refusal.getMessage();
      log.warn("{}", LogSafe.escape(refusal.getMessage(), 2000));
      if (!hasUsableConnection()) {
        queue.failAll(refusal.code(), "was not sent: " + refusal.getMessage());
      }
      return verdict;
    }
    serverMaxFrameSize = serverHello.maxFrameSize();
    String difference = verdict.allowedDifference();
    if (difference != null && !difference.equals(lastAllowedWarning)) {
      // Said once per difference: a value of those classes fails with CODEC when it crosses.
      lastAllowedWarning = difference;
      log.warn("The classes allowed to the {} codec (minirpc.codec.allow) differ between this"
          + " client and the server at {}:{}. Values of those classes fail with CODEC when they"
          + " cross; allow the same classes on both sides", codecName, address, difference);
    }
    return verdict;
  }

  @Override
  public void ready(Connection c) {
    lastFailure = null;
    incompatible = null;
    log.debug("Connected to {}: {}", address, c);
    onReady.accept(c);
    capacityFreed();
  }

  @Override
  public void attemptFailed(String why) {
    if (incompatible == null) {
      lastFailure = why;
    }
    log.debug("Connecting to {} failed: {}", address, why);
    if (!closed && state() == ConnectivityState.TRANSIENT_FAILURE) {
      // Calls that do not wait for ready fail now rather than at their deadline.
      queue.failUnlessWaitForReady(RpcException.Code.UNAVAILABLE,
          noConnection(lastFailure == null ? why : lastFailure));
    }
  }

  @Override
  public void lost(Connection c, String reason) {
    log.info("Connection to {} closed{}; reconnecting", address,
        reason == null ? "" : " (" + LogSafe.escape(reason, 1000) + ")");
  }

  @Override
  public void goingAway(Connection c, String reason) {
    // The reason is the server's words: escaped, so it cannot forge lines of this log.
    log.info("The server at {} is going away ({}); {} call(s) finish on the old connection",
        address, LogSafe.escape(reason, 1000), c.inFlight());
  }

  /** Fails waiting calls with CANCELLED and closes every connection; returns their channels. */
  List<Channel> close() {
    synchronized (lifecycle) {
      closed = true;
    }
    List<Channel> channels = new ArrayList<>();
    for (Subchannel s : subchannels) {
      channels.addAll(s.channels());
    }
    queue.failAll(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
    for (Channel ch : channels) {
      ClientHandler h = ch.pipeline().get(ClientHandler.class);
      if (h != null) {
        h.connection().closeLocally();
      } else {
        ch.close();
      }
    }
    return channels;
  }
}
