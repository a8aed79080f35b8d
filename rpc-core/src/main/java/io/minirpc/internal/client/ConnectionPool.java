package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.protocol.FrameDecoder;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's connections to its one server address, and the calls waiting for one of them.
 *
 * <p>The pool holds {@code minirpc.connections} slots. Each slot connects when the client is first
 * used, handshakes, and from then on keeps itself connected: when its connection closes, or the
 * server says GOAWAY, it reconnects, at once the first time and then with exponential backoff and
 * jitter while attempts fail. Calls go round-robin to a connection that has a free in-flight
 * permit. A call that finds none waits in a bounded queue until a connection has room, up to its
 * own deadline; or fails at once, if the client is configured to fail fast (no connection) or to
 * fail when busy (all connections full).
 */
final class ConnectionPool {
  private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);
  private static final AttributeKey<Slot> SLOT = AttributeKey.valueOf("minirpc.slot");

  private final ClientConfig settings;
  private final String host;
  private final int port;
  private final String address;
  private final EventLoopGroup group;
  private final Hello clientHello;
  private final String codecName;
  private final Consumer<Connection> onReady;
  private final Slot[] slots;
  private final ConcurrentLinkedQueue<PendingCall> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waitingCount = new AtomicInteger();
  private final AtomicInteger nextSlot = new AtomicInteger();
  private final Object lock = new Object();

  private volatile boolean started;
  private volatile boolean closed;
  /** Why the last attempt to connect failed; {@code null} once a connection is ready. */
  private volatile String lastFailure;
  /** Set when the server cannot serve this client at all (no common codec): calls fail at once. */
  private volatile RpcException incompatible;
  /** The server's maximum frame size, once known. */
  private volatile int serverMaxFrameSize = Integer.MAX_VALUE;
  private volatile String lastAllowedWarning;

  ConnectionPool(
      ClientConfig settings,
      String address,
      EventLoopGroup group,
      Hello clientHello,
      String codecName,
      Consumer<Connection> onReady) {
    this.settings = settings;
    this.host = settings.host();
    this.port = settings.port();
    this.address = address;
    this.group = group;
    this.clientHello = clientHello;
    this.codecName = codecName;
    this.onReady = onReady;
    int maxFrameSize = settings.maxFrameSize();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(Transport.of(settings.transport()).channel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Transport.WATER_MARK)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    Connection c = new Connection(ch, address, ConnectionPool.this);
                    ch.pipeline()
                        .addLast("frames", new FrameDecoder(maxFrameSize))
                        .addLast("calls", new ClientHandler(c, ch.attr(SLOT).get()));
                  }
                });
    this.slots = new Slot[settings.connections()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot(i, bootstrap.clone());
    }
  }

  long idleTimeoutNanos() {
    return settings.idleTimeout().toNanos();
  }

  /** How long the server may take to answer our HELLO: the connect timeout. */
  long handshakeTimeoutNanos() {
    return settings.connectTimeout().toNanos();
  }

  /** The largest frame both sides accept. */
  int maxFrameSize() {
    return Math.min(settings.maxFrameSize(), serverMaxFrameSize);
  }

  /** The connections that take calls now. */
  List<Connection> readyConnections() {
    List<Connection> out = new ArrayList<>();
    for (Slot s : slots) {
      Connection c = s.ready;
      if (c != null && c.isUsable()) {
        out.add(c);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- calls

  /** Sends {@code call} on a connection with room, or queues it; never blocks. */
  void submit(PendingCall call) {
    Connection c = acquire();
    if (c != null) {
      dispatch(call, c);
      return;
    }
    start();
    if (closed) {
      call.fail(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
      return;
    }
    boolean connected = hasUsableConnection();
    if (!connected) {
      RpcException hard = incompatible;
      if (hard != null) {
        call.fail(hard.code(), "was not sent: " + hard.getMessage());
        return;
      }
      String failure = lastFailure;
      if (!settings.waitForReady() && failure != null) {
        call.fail(RpcException.Code.UNAVAILABLE, "failed fast: there is no connection to "
            + address + " (" + failure + "). It did not run. The client keeps reconnecting;"
            + " set minirpc.waitForReady=true to wait for a connection within the call's timeout");
        return;
      }
    } else if (settings.failWhenBusy()) {
      call.fail(RpcException.Code.RESOURCE_EXHAUSTED, "was refused: " + busyDescription()
          + ". It did not run. Slow down, raise the limits, or set minirpc.failWhenBusy=false to"
          + " wait for room within the call's timeout");
      return;
    }
    enqueue(call);
  }

  private void dispatch(PendingCall call, Connection c) {
    if (call.assign(c)) {
      c.send(call);
    } else {
      c.releasePermit();
      capacityFreed();
    }
  }

  private Connection acquire() {
    Slot[] s = slots;
    if (s.length == 1) {
      Connection c = s[0].ready;
      return c != null && c.tryAcquire() ? c : null;
    }
    int start = Math.floorMod(nextSlot.getAndIncrement(), s.length);
    for (int i = 0; i < s.length; i++) {
      Connection c = s[(start + i) % s.length].ready;
      if (c != null && c.tryAcquire()) {
        return c;
      }
    }
    return null;
  }

  private boolean hasUsableConnection() {
    for (Slot s : slots) {
      Connection c = s.ready;
      if (c != null && c.isUsable()) {
        return true;
      }
    }
    return false;
  }

  private void enqueue(PendingCall call) {
    if (waitingCount.incrementAndGet() > settings.maxQueuedCalls()) {
      waitingCount.decrementAndGet();
      call.fail(RpcException.Code.RESOURCE_EXHAUSTED, "was refused: "
          + settings.maxQueuedCalls() + " calls are already waiting for "
          + (hasUsableConnection() ? "room on the connections to " + address
              : "a connection to " + address)
          + " (minirpc.maxQueuedCalls). It did not run. Slow down, or check the server");
      return;
    }
    if (!call.waitIn(this)) {
      waitingCount.decrementAndGet(); // ended already
      return;
    }
    waiting.add(call);
    if (closed) {
      failWaiting(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
      return;
    }
    capacityFreed(); // a permit may have come back while we were queueing
  }

  /** A permit came back or a connection became usable: hand waiting calls over. */
  void capacityFreed() {
    while (!waiting.isEmpty()) {
      Connection c = acquire();
      if (c == null) {
        return;
      }
      PendingCall call = waiting.poll();
      if (call == null) {
        c.releasePermit();
        // Someone queued a call after isEmpty() and before poll(): its own check will run.
        return;
      }
      if (call.assign(c)) {
        waitingCount.decrementAndGet();
        c.send(call);
      } else {
        c.releasePermit(); // it ended while waiting, and counted itself out
      }
    }
  }

  /** A waiting call ended (timed out, was cancelled): it leaves the queue. */
  void waitEnded(PendingCall call) {
    waitingCount.decrementAndGet();
    waiting.remove(call);
  }

  /** The exception of a call whose deadline passed while it waited. */
  RpcException waitExpired(PendingCall call) {
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
    for (Slot s : slots) {
      Connection c = s.ready;
      if (c != null && c.serverHello() != null) {
        return c.serverHello().maxCallsPerConnection() + " (minirpc.server.maxCallsPerConnection)";
      }
    }
    return "an unknown number";
  }

  private void failWaiting(RpcException.Code code, String message) {
    PendingCall call;
    while ((call = waiting.poll()) != null) {
      call.fail(code, message);
    }
  }

  // ---------------------------------------------------------------- connections

  /** Starts connecting every slot, once, on the first call. */
  private void start() {
    if (started) {
      return;
    }
    synchronized (lock) {
      if (started || closed) {
        return;
      }
      started = true;
    }
    for (Slot s : slots) {
      s.connect();
    }
  }

  /** Sends the client's HELLO; called when a channel becomes active. */
  Hello clientHello() {
    return clientHello;
  }

  /**
   * The server's HELLO arrived on {@code c}: check that the server speaks our codec and
   * protocol, then open the connection for calls. Event loop of {@code c}.
   */
  boolean onHello(Connection c, Slot slot, Hello hello) {
    String refusal = refusal(hello);
    if (refusal != null) {
      RpcException.Code code = refusal.contains("codec")
          ? RpcException.Code.CODEC
          : RpcException.Code.UNAVAILABLE;
      incompatible = new RpcException(code, refusal);
      lastFailure = refusal;
      log.warn("{}", refusal);
      if (!hasUsableConnection()) {
        failWaiting(code, "was not sent: " + refusal);
      }
      c.closeBecause("the handshake failed");
      return false;
    }
    serverMaxFrameSize = hello.maxFrameSize();
    int limit = settings.maxInFlight();
    if (hello.maxCallsPerConnection() > 0) {
      limit = Math.min(limit, hello.maxCallsPerConnection());
    }
    c.ready(hello, limit);
    long pingNanos = settings.heartbeatInterval().toNanos();
    if (hello.idleTimeoutNanos() > 0) {
      pingNanos = Math.min(pingNanos, hello.idleTimeoutNanos() / 3);
    }
    c.channel().pipeline().addBefore("calls", "idle",
        new IdleStateHandler(Math.max(1_000_000L, pingNanos), 0, 0, TimeUnit.NANOSECONDS));
    synchronized (lock) {
      if (closed) {
        c.closeLocally();
        return false;
      }
      slot.ready = c;
      slot.failures = 0;
      lastFailure = null;
      incompatible = null;
    }
    log.debug("Connected to {}: {}", address, c);
    warnIfAllowedClassesDiffer(hello);
    onReady.accept(c);
    capacityFreed();
    return true;
  }

  /**
   * Classes allowed on one side only decode on that side only: a value of such a class fails
   * with CODEC when it crosses. Say so when connecting, once per difference.
   */
  private void warnIfAllowedClassesDiffer(Hello hello) {
    List<String> onlyHere = new ArrayList<>(clientHello.allowedClasses());
    onlyHere.removeAll(hello.allowedClasses());
    List<String> onlyThere = new ArrayList<>(hello.allowedClasses());
    onlyThere.removeAll(clientHello.allowedClasses());
    String difference = onlyHere + "/" + onlyThere;
    if ((onlyHere.isEmpty() && onlyThere.isEmpty()) || difference.equals(lastAllowedWarning)) {
      return;
    }
    lastAllowedWarning = difference;
    log.warn("The classes allowed to the {} codec (minirpc.codec.allow) differ between this client"
        + " and the server at {}: only the client allows {}, only the server allows {}. Values of"
        + " those classes fail with CODEC when they cross; allow the same classes on both sides",
        codecName, address, onlyHere, onlyThere);
  }

  private String refusal(Hello hello) {
    if (hello.minVersion() > clientHello.maxVersion()
        || hello.maxVersion() < clientHello.minVersion()) {
      return "The server at " + address + " speaks protocol versions " + hello.minVersion() + " to "
          + hello.maxVersion() + ", this client " + clientHello.minVersion() + " to "
          + clientHello.maxVersion() + ": upgrade the older side";
    }
    Hello.CodecInfo codec = hello.codec(codecName);
    if (codec == null || codec.id() != clientHello.codecs().get(0).id()) {
      return "The server at " + address + " does not speak codec '" + codecName + "' (it speaks: "
          + String.join(", ", hello.codecNames()) + "). Set minirpc.codec on the client to one of"
          + " those, or install the codec's module on the server";
    }
    return null;
  }

  /** The server said GOAWAY on {@code c}: no new calls there; the slot reconnects at once. */
  void onGoAway(Connection c, Slot slot, String reason) {
    c.drain();
    log.info("The server at {} is going away ({}); {} call(s) finish on the old connection",
        address, reason, c.inFlight());
    synchronized (lock) {
      if (slot.ready == c) {
        slot.ready = null;
      }
      if (slot.channel == c.channel()) {
        slot.channel = null;
      }
    }
    slot.connect();
  }

  /** {@code c} closed; if it was its slot's connection, the slot reconnects. */
  void onClosed(Connection c, Slot slot, String reason) {
    boolean wasReady;
    synchronized (lock) {
      wasReady = slot.ready == c;
      if (wasReady) {
        slot.ready = null;
      }
      if (slot.channel != c.channel()) {
        return; // a draining connection, already replaced
      }
      slot.channel = null;
      if (!wasReady && c.serverHello() == null) {
        slot.failures++;
        if (incompatible == null) {
          lastFailure = "the connection closed during the handshake"
              + (reason == null ? "" : ": " + reason);
        }
      }
    }
    if (wasReady) {
      log.info("Connection to {} closed{}; reconnecting", address,
          reason == null ? "" : " (" + reason + ")");
    }
    afterFailure(slot, wasReady);
  }

  private void connectFailed(Slot slot, Channel ch, Throwable cause) {
    synchronized (lock) {
      if (slot.channel == ch) {
        slot.channel = null;
      }
      slot.failures++;
      String why = cause.getMessage() == null ? cause.getClass().getSimpleName()
          : cause.getMessage();
      lastFailure = "cannot connect: " + why;
    }
    log.debug("Connecting to {} failed: {}", address, cause.toString());
    afterFailure(slot, false);
  }

  private void afterFailure(Slot slot, boolean wasReady) {
    if (closed) {
      return;
    }
    if (!hasUsableConnection()) {
      String failure = lastFailure;
      if (!settings.waitForReady() && failure != null) {
        failWaiting(RpcException.Code.UNAVAILABLE, "failed fast: there is no connection to "
            + address + " (" + failure + "). It did not run");
      }
    }
    slot.retry(wasReady ? 0 : backoffNanos(slot.failures));
  }

  private long backoffNanos(int failures) {
    return backoffNanos(settings.initialBackoff().toNanos(), settings.maxBackoff().toNanos(),
        failures, ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The wait after {@code failures} failed attempts in a row: {@code initial}, doubling per
   * failure up to {@code max}, times a jitter factor between 0.8 and 1.2 ({@code random} is
   * uniform in [0, 1)), so that clients cut off together do not reconnect together.
   */
  static long backoffNanos(long initial, long max, int failures, double random) {
    double delay = initial * Math.pow(2, Math.max(0, Math.min(failures - 1, 30)));
    delay = Math.min(delay, max);
    return (long) (delay * (0.8 + 0.4 * random));
  }

  /** Fails waiting calls with CANCELLED and closes every connection; returns their channels. */
  List<Channel> close() {
    List<Channel> channels = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      for (Slot s : slots) {
        if (s.channel != null) {
          channels.add(s.channel);
        }
        Connection r = s.ready;
        if (r != null && !channels.contains(r.channel())) {
          channels.add(r.channel());
        }
      }
    }
    failWaiting(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
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

  /** One connection of the pool, and its reconnect state; fields guarded by the pool's lock. */
  final class Slot {
    final int index;
    private final Bootstrap bootstrap;
    /** The channel being set up or in use, or {@code null}. */
    Channel channel;
    /** The handshaken connection that takes calls; read without the lock. */
    volatile Connection ready;
    int failures;
    boolean retryScheduled;

    Slot(int index, Bootstrap bootstrap) {
      this.index = index;
      this.bootstrap = bootstrap.attr(SLOT, this);
    }

    void connect() {
      ChannelFuture f;
      synchronized (lock) {
        if (closed || channel != null || retryScheduled) {
          return;
        }
        try {
          f = bootstrap.connect(host, port);
        } catch (RuntimeException e) {
          lastFailure = "cannot connect: " + e.getMessage();
          return;
        }
        channel = f.channel();
      }
      Channel ch = f.channel();
      f.addListener((ChannelFuture done) -> {
        if (!done.isSuccess()) {
          connectFailed(this, ch, done.cause());
        }
      });
    }

    void retry(long delayNanos) {
      synchronized (lock) {
        if (closed || retryScheduled || channel != null) {
          return;
        }
        retryScheduled = true;
      }
      Runnable attempt = () -> {
        synchronized (lock) {
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
  }
}
