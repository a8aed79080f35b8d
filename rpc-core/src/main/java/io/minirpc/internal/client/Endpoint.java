package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.observe.TrafficCounter;
import io.minirpc.internal.config.Target;
import io.minirpc.internal.transport.Bootstraps;
import io.minirpc.internal.transport.Tls;
import io.minirpc.internal.transport.Transport;
import io.minirpc.internal.transport.LogSafe;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>This is the unit a {@link Fleet} picks among: an endpoint with its own connections and state,
 * what discovery says of its server ({@link ServerInstance}), and the health record that outlier
 * ejection reads.
 */
final class Endpoint implements Connection.Owner, Subchannel.Listener {
  private static final Logger log = LoggerFactory.getLogger(Endpoint.class);

  private final ClientConfig settings;
  private final String address;
  private final Hello clientHello;
  private final String codecName;
  private final Fleet fleet;
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
  /** What discovery says of the server; replaced when it says something new. */
  private volatile ServerInstance instance;
  /** Per method: whether the server's published fingerprints let this client call it. */
  private final Map<ClientMethod, Boolean> serves = new ConcurrentHashMap<>();
  /** Removed by discovery: it takes no new call, reconnects no more, and closes once drained. */
  private volatile boolean retired;

  /** Its recent calls and ejection, for outlier ejection and balancing. */
  final HealthRecord health = new HealthRecord();
  /** Where this endpoint sorts in the client's stable random order of servers (subsetting). */
  final long rank;

  /**
   * @param tls TLS for every connection, or null for plaintext
   * @param fleet told of connections that become ready and attempts that fail
   * @param traffic counts the connections' bytes for the client's observer, or null for none
   * @param decoding where large responses are decoded, within the client's memory budget
   */
  Endpoint(ClientConfig settings, ServerInstance instance, long rank, EventLoopGroup group,
      Tls tls, Hello clientHello, String codecName, Fleet fleet, TrafficCounter traffic,
      ResponseDecoding decoding) {
    this.settings = settings;
    this.instance = instance;
    this.rank = rank;
    Transport transport = Transport.of(settings.transport());
    // A server in this JVM is known by its name; its port is a placeholder (see ClientRuntime).
    this.address = transport.isLocal() ? Target.LOCAL_PREFIX + instance.host() : instance.address();
    this.clientHello = clientHello;
    this.codecName = codecName;
    this.fleet = fleet;
    this.queue = new CallQueue(settings.maxQueuedCalls(), settings.maxQueuedBytes(),
        call -> WaitFailures.expired(call, address, hasUsableConnection(), lastFailure,
            readyConnections(), settings.maxInFlight()));
    Bootstrap base = Bootstraps.client(transport, group, settings.connectTimeout())
        .remoteAddress(transport.remoteAddress(instance.host(), instance.port()));
    if (traffic != null) {
      base.attr(TrafficCounter.KEY, traffic);
    }
    Backoff backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
    this.subchannels = new Subchannel[settings.connections()];
    for (int i = 0; i < subchannels.length; i++) {
      subchannels[i] = new Subchannel(this, base, tls, instance.host(), instance.port(), address,
          this, clientHello, settings, group, backoff, decoding);
    }
  }

  String address() {
    return address;
  }

  ServerInstance instance() {
    return instance;
  }

  /** Discovery described the server anew (a restart may have changed what it serves). */
  void update(ServerInstance newer) {
    if (!newer.equals(instance)) {
      instance = newer;
      serves.clear();
    }
  }

  /**
   * Whether the server's published fingerprints let this client call {@code method}: true when
   * discovery does not publish them (the handshake then decides), else only for the same service,
   * method and digest. A fleet mid-deploy keeps each client on the servers that match it.
   */
  boolean serves(ClientMethod method) {
    Boolean known = serves.get(method);
    if (known == null) {
      known = Compatibility.published(instance, method);
      serves.put(method, known);
    }
    return known;
  }

  /** Calls on its connections and waiting for them: what least-pending balancing compares. */
  int load() {
    int n = queue.size();
    for (Subchannel s : subchannels) {
      Connection c = s.ready();
      if (c != null) {
        n += c.inFlight();
      }
    }
    return n;
  }

  /** Why the last attempt to connect failed, or null once a connection is ready. */
  String lastFailure() {
    return lastFailure;
  }

  boolean isRetired() {
    return retired;
  }

  boolean isEjected(long now) {
    return health.isEjected(now);
  }

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
  void submit(PendingCall call) {
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
    if (retired) {
      call.failUnrun(RpcException.Code.UNAVAILABLE, "was not sent: the server at " + address
          + " left the fleet (discovery removed it). It did not run");
      return;
    }
    ConnectivityState state = state();
    if (state == ConnectivityState.TRANSIENT_FAILURE) {
      // Calls wait only while CONNECTING, unless they wait for ready.
      RpcException hard = incompatible;
      if (hard != null) {
        call.failUnrun(hard.code(), "was not sent: " + hard.getMessage());
        return;
      }
      String failure = lastFailure;
      if (failure != null && !call.waitForReady()) {
        call.failUnrun(RpcException.Code.UNAVAILABLE,
            WaitFailures.noConnection(address, failure));
        return;
      }
    } else if (state == ConnectivityState.READY && settings.failWhenBusy()) {
      call.failUnrun(RpcException.Code.RESOURCE_EXHAUSTED, "was refused: "
          + WaitFailures.busy(address, readyConnections(), settings.maxInFlight())
          + ". It did not run. Slow down, raise the limits, or set minirpc.failWhenBusy=false to"
          + " wait for room within the call's timeout");
      return;
    }
    String refusal = queue.offer(call);
    if (refusal != null) {
      call.failUnrun(RpcException.Code.RESOURCE_EXHAUSTED, "was refused: " + refusal + " for "
          + (hasUsableConnection() ? "room on the connections to " + address
              : "a connection to " + address)
          + ". It did not run. Slow down, raise the limit, or check the server");
      return;
    }
    if (closed) {
      queue.failAll(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
      return;
    }
    if (!started) {
      start(); // it went idle between the start above and the queueing
    }
    capacityFreed(); // a permit may have come back while we were queueing
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

  // ---------------------------------------------------------------- connections

  /**
   * Starts connecting every subchannel: on the first call, when the fleet asks, or when a call
   * comes to an endpoint that went idle.
   */
  void start() {
    if (started) {
      return;
    }
    synchronized (lifecycle) {
      if (started || closed) {
        return;
      }
      started = true;
      lastFailure = null; // a failure from before it went idle says nothing of now
      for (Subchannel s : subchannels) {
        s.wake(); // under the lock, so that an idle() cannot come between started and this
      }
    }
    // Not under the lock: a connection that fails at once reports to the fleet, whose lock
    // is taken before this one when the fleet starts an endpoint. An idle() that came in
    // between has made the subchannels idle again, and connect() then does nothing.
    for (Subchannel s : subchannels) {
      s.connect();
    }
  }

  /**
   * The fleet left this server out of its subset a while ago: its connections close once their
   * calls end and nothing reconnects, until the subset or a call needs it again ({@link #start}).
   * Changes nothing and returns false while it has calls.
   */
  boolean idle() {
    synchronized (lifecycle) {
      if (!started || retired || closed) {
        return true;
      }
      // Not started first, then the count: a call queued meanwhile sees one or the other.
      started = false;
      if (load() > 0) {
        started = true;
        return false;
      }
      for (Subchannel s : subchannels) {
        s.idle();
      }
    }
    log.info("Closed the connection(s) to {}: it has been out of the client's subset for a"
        + " while (minirpc.subsetSize); it connects again when the subset needs it", address);
    return true;
  }

  @Override
  public boolean isShutdown() {
    return closed || retired;
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
    fleet.endpointReady(this, c);
    capacityFreed();
  }

  @Override
  public void attemptFailed(String why) {
    if (incompatible == null) {
      lastFailure = why;
    }
    log.debug("Connecting to {} failed: {}", address, why);
    if (!closed && state() == ConnectivityState.TRANSIENT_FAILURE) {
      // Calls that do not wait for ready fail now rather than at their deadline (in a fleet,
      // they go to another server).
      queue.failUnlessWaitForReady(RpcException.Code.UNAVAILABLE,
          WaitFailures.noConnection(address, lastFailure == null ? why : lastFailure));
    }
    fleet.endpointFailed(this);
  }

  @Override
  public void lost(Connection c, String reason) {
    log.info("Connection to {} closed{}; reconnecting", address,
        reason == null ? "" : " (" + LogSafe.escape(reason, 1000) + ")");
    fleet.endpointFailed(this);
  }

  /**
   * Discovery removed the server: no new calls and no reconnection; calls waiting here go to
   * other servers, calls in flight finish, and each connection closes once its last call ended.
   * Nothing redials an address discovery no longer lists.
   */
  void retire() {
    synchronized (lifecycle) {
      if (retired || closed) {
        return;
      }
      retired = true;
    }
    PendingCall call;
    while ((call = queue.poll()) != null) {
      if (call.leaveQueue()) {
        queue.assigned(call);
        fleet.submit(call);
      } // else it ended meanwhile, and left the queue's count itself
    }
    for (Subchannel s : subchannels) {
      for (Channel ch : s.channels()) {
        ClientHandler h = ch.pipeline().get(ClientHandler.class);
        if (h != null) {
          h.connection().drain();
        } else {
          ch.close();
        }
      }
    }
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
