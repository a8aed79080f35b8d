package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.transport.LogSafe;
import io.netty.channel.Channel;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers a client calls: an {@link Endpoint} per server that discovery (or the fixed list)
 * gives, a stable random subset of them that the client connects to, and the calls that wait for
 * any of them. Each call's server is chosen by the {@link Picker}; servers whose calls fail are
 * ejected by the {@link OutlierDetector}; failed attempts go again by {@link Retries}.
 *
 * <p>With one fixed server, every call goes straight to its endpoint, as before fleets existed:
 * no balancing, no health record, and the only retry is of a call the server refused unrun
 * because it was going away.
 */
final class Fleet implements NameResolver.Listener, Endpoint.Owner, PendingCall.Policy {
  private static final Logger log = LoggerFactory.getLogger(Fleet.class);

  /** Makes the endpoint of one server. */
  interface EndpointFactory {
    Endpoint create(ServerInstance server, long rank, Fleet fleet);
  }

  private final ClientConfig settings;
  private final String target;
  private final Timer timer;
  private final Consumer<Connection> onReady;
  private final NameResolver resolver;
  /** Lines about servers this client cannot use: a registry's writer decides how many. */
  private final LogSafe.Limiter unusableLog = LogSafe.Limiter.perSecond();
  private final boolean single;
  private final Retries retries;
  private final CallQueue waiting;
  private final Picker picker;
  private final OutlierDetector outliers;
  private final Object lock = new Object();

  /** Every server discovery lists. Guarded by lock. */
  private final ServerList servers;
  /** Every endpoint, in this client's stable random order. */
  private volatile Endpoint[] all = new Endpoint[0];
  /** The subset that takes calls: the first {@code subsetSize} healthy ones of {@link #all}. */
  private volatile Endpoint[] active = new Endpoint[0];
  private volatile boolean resolved;
  private volatile String resolveError;
  private volatile boolean started;
  private volatile boolean closed;

  /**
   * @param servers the fixed servers, or null when {@code resolver} gives them
   * @param unusable why the client may not call a server, or null when it may
   * @param onReady told of every connection that becomes ready, to check the proxies against it
   */
  Fleet(ClientConfig settings, String target, List<ServerInstance> servers,
      NameResolver resolver, Function<ServerInstance, String> unusable, EndpointFactory factory,
      Timer timer, Consumer<Connection> onReady) {
    this.settings = settings;
    this.target = target;
    this.servers = new ServerList(target, unusable,
        (server, rank) -> factory.create(server, rank, this));
    this.timer = timer;
    this.onReady = onReady;
    this.resolver = resolver;
    this.single = servers != null && servers.size() == 1;
    this.retries = new Retries(settings, target, timer, single, () -> active, this::submit);
    this.waiting = new CallQueue(settings.maxQueuedCalls(), settings.maxQueuedBytes(),
        call -> FleetFailures.waitExpired(call.call(), target, all.length, resolveError,
            this.servers.leftOut()));
    this.picker = new Picker(settings.loadBalancer());
    this.outliers = new OutlierDetector(settings, target, timer, () -> all, () -> active,
        this::ejectionsChanged);
    if (servers != null) {
      onServers(servers);
    }
  }

  /** Starts discovery; a fixed list needs none. */
  void startResolving() {
    if (resolver != null) {
      resolver.start(this);
    }
  }

  @Override
  public void onServers(List<ServerInstance> servers) {
    List<Endpoint> retired = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      retired.addAll(this.servers.replace(servers));
      all = this.servers.inOrder();
      resolved = true;
      resolveError = null;
      rebuildSubset(false);
    }
    for (Endpoint e : retired) {
      log.info("{} left {} (discovery); its calls in flight finish, new calls go elsewhere",
          e.address(), target);
      e.retire();
    }
    drainWaiting();
  }

  @Override
  public void onError(String reason) {
    resolveError = reason;
    log.warn("Discovery of {} failed: {}; calling the {} server(s) it last listed", target,
        LogSafe.escape(reason, 1000), all.length);
    if (!resolved) {
      // Nobody to wait for: calls that do not wait for ready fail now.
      waiting.failUnlessWaitForReady(RpcException.Code.UNAVAILABLE, noServers());
    }
  }

  /** The subset, chosen anew ({@link Subsetting#choose}). Guarded by lock. */
  private void rebuildSubset(boolean keepIfSame) {
    List<Endpoint> chosen = Subsetting.choose(all, settings.subsetSize(), System.nanoTime());
    Endpoint[] subset = chosen.toArray(new Endpoint[0]);
    Endpoint[] before = active;
    // The same members keep the same array, and so the picker's hash ring; discovery's lists
    // always make a new one, as they may change weights.
    active = keepIfSame && Arrays.equals(before, subset) ? before : subset;
    if (started) {
      for (Endpoint e : subset) {
        e.start();
      }
    }
    for (Endpoint e : before) {
      if (!chosen.contains(e) && servers.lists(e)) {
        // A spare that stood in for a failing server, which is back: after an ejection
        // interval outside, its connections close, so the client keeps subsetSize of them.
        idleLater(e);
      }
    }
  }

  private void idleLater(Endpoint e) {
    try {
      timer.newTimeout(t -> idleIfOutside(e), settings.ejectionTime().toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RuntimeException closing) {
      // The client is closing: its connections close anyway.
    }
  }

  private void idleIfOutside(Endpoint e) {
    synchronized (lock) {
      if (closed || !servers.lists(e) || Arrays.asList(active).contains(e)) {
        return;
      }
    }
    // Not under the fleet's lock, which an endpoint's connection failures take. Should the
    // subset take it back meanwhile, its next call starts it again.
    if (!e.idle()) {
      idleLater(e); // calls still running there: look again later
    }
  }

  private void subsetChanged() {
    if (single) {
      return;
    }
    synchronized (lock) {
      if (!closed) {
        rebuildSubset(true);
      }
    }
  }

  @Override
  public void submit(Attempt call) {
    Endpoint[] eps = active;
    if (single && eps.length == 1) {
      eps[0].submit(call);
      return;
    }
    if (!started) {
      start();
      eps = active;
    }
    Endpoint chosen = picker.pick(call.call(), eps);
    if (chosen != null) {
      call.server(chosen.address());
      chosen.submit(call);
      return;
    }
    if (closed) {
      call.fail(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
      return;
    }
    RpcException refusal = refusal(call, eps);
    if (refusal != null) {
      call.refused(refusal);
      return;
    }
    String full = waiting.offer(call);
    if (full != null) {
      call.refused(new RpcException(RpcException.Code.RESOURCE_EXHAUSTED, call.method()
          .callPrefix() + "was refused: " + full + " for a server of " + target
          + ". It did not run"));
      return;
    }
    drainWaiting(); // a server may have become ready meanwhile
  }

  private void start() {
    synchronized (lock) {
      if (started || closed) {
        return;
      }
      started = true;
      for (Endpoint e : active) {
        e.start();
      }
    }
  }

  /**
   * The error a call gets at once when no server can take it, or null if it should wait: until
   * discovery first answers, while a server connects, or always when it waits for ready.
   */
  private RpcException refusal(Attempt call, Endpoint[] eps) {
    String prefix = call.method().callPrefix();
    RpcException notPublished =
        eps.length == 0 ? null : FleetFailures.notPublished(call.call(), eps, target);
    if (notPublished != null) {
      return notPublished;
    }
    if (call.waitForReady()) {
      return null;
    }
    if (!resolved) {
      return resolveError == null ? null
          : new RpcException(RpcException.Code.UNAVAILABLE, prefix + noServers());
    }
    if (eps.length == 0) {
      return new RpcException(RpcException.Code.UNAVAILABLE, prefix + noServers());
    }
    return null;
  }

  private String noServers() {
    return FleetFailures.noServers(target, resolveError, this.servers.leftOut());
  }

  /** Hands calls waiting for any server to the servers that are ready now. */
  private void drainWaiting() {
    Attempt call;
    while (!waiting.isEmpty()) {
      boolean anyReady = false;
      for (Endpoint e : active) {
        if (e.state() == ConnectivityState.READY) {
          anyReady = true;
          break;
        }
      }
      if (!anyReady) {
        return;
      }
      call = waiting.poll();
      if (call == null) {
        return;
      }
      if (call.leaveQueue(waiting)) {
        waiting.assigned(call);
        submit(call);
      }
    }
  }

  /** See {@link Retries#retry}. */
  @Override
  public boolean retry(PendingCall call, Attempt failed, RpcException error, int how) {
    return !closed && retries.retry(call, failed, error, how);
  }

  /** See {@link Retries#finalError}. */
  @Override
  public RpcException finalError(PendingCall call, RpcException error, int how) {
    return retries.finalError(call, error, how);
  }

  /** Whether hedged attempts make sense: there are other servers to send them to. */
  boolean canHedge() {
    return !single;
  }

  /**
   * The retry budget, shared by retries and hedges: each call deposits in it, and a hedged attempt
   * is taken from it like a retry.
   */
  RetryBudget budget() {
    return retries.budget;
  }

  @Override
  public void answered(Endpoint e, RpcException.Code code) {
    if (!single) { // one fixed server keeps no record: there is nothing to balance or eject
      outliers.answered(e, code);
    }
  }

  @Override
  public void timedOut(Endpoint e) {
    if (!single) {
      outliers.timedOut(e);
    }
  }

  /** A server was ejected or came back: the subset changes, and waiting calls may go. */
  private void ejectionsChanged() {
    subsetChanged();
    drainWaiting();
  }

  @Override
  public void endpointReady(Endpoint e, Connection c) {
    onReady.accept(c);
    if (!single) {
      outliers.connected(e);
      subsetChanged();
      drainWaiting();
    }
  }

  @Override
  public void endpointFailed(Endpoint e) {
    if (resolver != null) {
      resolver.refresh();
    }
    if (single || e.state() != ConnectivityState.TRANSIENT_FAILURE) {
      return;
    }
    String failure = e.lastFailure();
    if (failure != null) {
      // A server that discovery lists but this client cannot use (not minirpc, another
      // transport, refusing): calls go around it, but not without a word.
      unusableLog.warn(log, "Cannot use " + LogSafe.escape(e.address(), 300) + " of " + target
          + ", calls go to the other servers: " + LogSafe.escape(failure, 1000));
    }
    subsetChanged();
  }

  /** The largest frame every server of the subset accepts. */
  int maxFrameSize() {
    int max = settings.maxFrameSize();
    for (Endpoint e : active) {
      max = Math.min(max, e.maxFrameSize());
    }
    return max;
  }

  /** The connections that take calls now, over every server. */
  List<Connection> readyConnections() {
    List<Connection> out = new ArrayList<>();
    for (Endpoint e : all) {
      out.addAll(e.readyConnections());
    }
    return out;
  }

  /** Stops discovery, fails waiting calls with CANCELLED, closes every connection. */
  List<Channel> close() {
    Endpoint[] every;
    synchronized (lock) {
      closed = true;
      every = all;
    }
    if (resolver != null) {
      try {
        resolver.close();
      } catch (RuntimeException e) {
        log.warn("Closing the resolver of {} failed", target, e);
      }
    }
    waiting.failAll(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
    List<Channel> channels = new ArrayList<>();
    for (Endpoint e : every) {
      channels.addAll(e.close());
    }
    return channels;
  }
}
