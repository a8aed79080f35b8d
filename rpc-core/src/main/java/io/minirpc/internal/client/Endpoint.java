package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.config.Target;
import io.minirpc.internal.observe.TrafficCounter;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.transport.Bootstraps;
import io.minirpc.internal.transport.LogSafe;
import io.minirpc.internal.transport.Tls;
import io.minirpc.internal.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.util.List;
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
final class Endpoint extends KnownServer implements Connection.Owner, Subchannel.Listener {
  private static final Logger log = LoggerFactory.getLogger(Endpoint.class);

  /** What an endpoint tells the {@link Fleet} it belongs to. */
  interface Owner {
    /** {@code e} has a ready connection, {@code c}. */
    void endpointReady(Endpoint e, Connection c);

    /** {@code e} could not connect, or lost its last connection. */
    void endpointFailed(Endpoint e);

    /** Sends {@code call} to a server, or queues it until one can take it; never blocks. */
    void submit(Attempt call);

    /** An answer of {@code e} arrived; {@code code} is its error's, or null. */
    void answered(Endpoint e, RpcException.Code code);

    /** A call sent to {@code e} timed out waiting for its answer. */
    void timedOut(Endpoint e);
  }

  private final ClientConfig settings;
  private final Hello clientHello;
  private final String codecName;
  private final Owner fleet;
  private final Subchannels subchannels;
  private final CallQueue queue;
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
  /** Removed by discovery: it takes no new call, reconnects no more, and closes once drained. */
  private volatile boolean retired;


  /**
   * @param tls TLS for every connection, or null for plaintext
   * @param fleet told of connections that become ready and attempts that fail
   * @param traffic counts the connections' bytes for the client's observer, or null for none
   * @param decoding where large responses are decoded, within the client's memory budget
   */
  Endpoint(ClientConfig settings, ServerInstance instance, long rank, EventLoopGroup group,
      Tls tls, Hello clientHello, String codecName, Owner fleet, TrafficCounter traffic,
      ResponseDecoding decoding) {
    // A server in this JVM is known by its name; its port is a placeholder (see ClientRuntime).
    super(Transport.of(settings.transport()).isLocal() ? Target.LOCAL_PREFIX + instance.host()
        : instance.address(), instance, rank);
    this.settings = settings;
    Transport transport = Transport.of(settings.transport());
    this.clientHello = clientHello;
    this.codecName = codecName;
    this.fleet = fleet;
    this.queue = new CallQueue(settings.maxQueuedCalls(), settings.maxQueuedBytes(),
        call -> WaitFailures.expired(call.call(), address(), hasUsableConnection(), lastFailure,
            readyConnections(), settings.maxInFlight()));
    Bootstrap base = Bootstraps.client(transport, group, settings.connectTimeout())
        .remoteAddress(transport.remoteAddress(instance.host(), instance.port()));
    if (traffic != null) {
      base.attr(TrafficCounter.KEY, traffic);
    }
    Backoff backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
    Subchannel[] each = new Subchannel[settings.connections()];
    for (int i = 0; i < each.length; i++) {
      each[i] = new Subchannel(this, base, tls, instance.host(), instance.port(), address(),
          this, clientHello, settings, group, backoff, decoding);
    }
    this.subchannels = new Subchannels(each);
  }

  /** Calls on its connections and waiting for them: what least-pending balancing compares. */
  int load() {
    return queue.size() + subchannels.inFlight();
  }

  /** Why the last attempt to connect failed, or null once a connection is ready. */
  String lastFailure() {
    return lastFailure;
  }

  boolean isRetired() {
    return retired;
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
    return subchannels.usable();
  }

  private boolean hasUsableConnection() {
    return subchannels.anyUsable();
  }

  // ---------------------------------------------------------------- calls

  /** Sends {@code call} on a connection with room, or queues it; never blocks. */
  void submit(Attempt call) {
    Connection c = subchannels.acquire();
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
      call.failUnrun(RpcException.Code.UNAVAILABLE, "was not sent: the server at " + address()
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
            WaitFailures.noConnection(address(), failure));
        return;
      }
    } else if (state == ConnectivityState.READY && settings.failWhenBusy()) {
      call.failUnrun(RpcException.Code.RESOURCE_EXHAUSTED, "was refused: "
          + WaitFailures.busy(address(), readyConnections(), settings.maxInFlight())
          + ". It did not run. Slow down, raise the limits, or set minirpc.failWhenBusy=false to"
          + " wait for room within the call's timeout");
      return;
    }
    String refusal = queue.offer(call);
    if (refusal != null) {
      call.failUnrun(RpcException.Code.RESOURCE_EXHAUSTED, "was refused: " + refusal + " for "
          + (hasUsableConnection() ? "room on the connections to " + address()
              : "a connection to " + address())
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

  @Override
  public void answered(RpcException.Code code) {
    fleet.answered(this, code);
  }

  @Override
  public void timedOut() {
    fleet.timedOut(this);
  }

  /** A permit came back or a connection became usable: hand waiting calls over. */
  @Override
  public void capacityFreed() {
    while (!queue.isEmpty()) {
      Connection c = subchannels.acquire();
      if (c == null) {
        return;
      }
      Attempt call = queue.poll();
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
      subchannels.wake(); // under the lock, so that an idle() cannot come between started and this
    }
    // Not under the lock: a connection that fails at once reports to the fleet, whose lock
    // is taken before this one when the fleet starts an endpoint. An idle() that came in
    // between has made the subchannels idle again, and connect() then does nothing.
    subchannels.connect();
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
      subchannels.idle();
    }
    log.info("Closed the connection(s) to {}: it has been out of the client's subset for a"
        + " while (minirpc.subsetSize); it connects again when the subset needs it", address());
    return true;
  }

  @Override
  public boolean isShutdown() {
    return closed || retired;
  }

  @Override
  public Handshake.Verdict judge(Hello serverHello) {
    Handshake.Verdict verdict = Handshake.check(clientHello, serverHello, address(),
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
          + " cross; allow the same classes on both sides", codecName, address(), difference);
    }
    return verdict;
  }

  @Override
  public void ready(Connection c) {
    lastFailure = null;
    incompatible = null;
    log.debug("Connected to {}: {}", address(), c);
    fleet.endpointReady(this, c);
    capacityFreed();
  }

  @Override
  public void attemptFailed(String why) {
    if (incompatible == null) {
      lastFailure = why;
    }
    log.debug("Connecting to {} failed: {}", address(), why);
    if (!closed && state() == ConnectivityState.TRANSIENT_FAILURE) {
      // Calls that do not wait for ready fail now rather than at their deadline (in a fleet,
      // they go to another server).
      queue.failUnlessWaitForReady(RpcException.Code.UNAVAILABLE,
          WaitFailures.noConnection(address(), lastFailure == null ? why : lastFailure));
    }
    fleet.endpointFailed(this);
  }

  @Override
  public void lost(Connection c, String reason) {
    log.info("Connection to {} closed{}; reconnecting", address(),
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
    Attempt call;
    while ((call = queue.poll()) != null) {
      if (call.leaveQueue(queue)) {
        queue.assigned(call);
        fleet.submit(call);
      } // else it ended meanwhile, and left the queue's count itself
    }
    subchannels.drain();
  }

  @Override
  public void goingAway(Connection c, String reason) {
    // The reason is the server's words: escaped, so it cannot forge lines of this log.
    log.info("The server at {} is going away ({}); {} call(s) finish on the old connection",
        address(), LogSafe.escape(reason, 1000), c.inFlight());
  }

  /** Fails waiting calls with CANCELLED and closes every connection; returns their channels. */
  List<Channel> close() {
    synchronized (lifecycle) {
      closed = true;
    }
    queue.failAll(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
    return subchannels.close();
  }
}
