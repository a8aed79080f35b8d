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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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
final class Fleet implements NameResolver.Listener {
  private static final Logger log = LoggerFactory.getLogger(Fleet.class);

  /** Makes the endpoint of one server. */
  interface EndpointFactory {
    Endpoint create(ServerInstance server, long rank, Fleet fleet);
  }

  private final ClientConfig settings;
  private final String target;
  private final EndpointFactory factory;
  private final Timer timer;
  private final Consumer<Connection> onReady;
  private final NameResolver resolver;
  private final Function<ServerInstance, String> unusable;
  /** Lines about servers this client cannot use: a registry's writer decides how many. */
  private final LogSafe.Limiter unusableLog = LogSafe.Limiter.perSecond();
  private final boolean single;
  private final Retries retries;
  private final CallQueue waiting;
  private final long seed = ThreadLocalRandom.current().nextLong();
  private final Picker picker;
  private final OutlierDetector outliers;
  private final Object lock = new Object();

  /** Every server discovery lists, by address. Guarded by lock. */
  private final Map<String, Endpoint> byAddress = new LinkedHashMap<>();
  /** Every endpoint, in this client's stable random order. */
  private volatile Endpoint[] all = new Endpoint[0];
  /** The subset that takes calls: the first {@code subsetSize} healthy ones of {@link #all}. */
  private volatile Endpoint[] active = new Endpoint[0];
  private volatile boolean resolved;
  private volatile String resolveError;
  /** Why discovery's last list had servers this client left out, or null. */
  private volatile String leftOut;
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
    this.factory = factory;
    this.timer = timer;
    this.onReady = onReady;
    this.resolver = resolver;
    this.unusable = unusable;
    this.single = servers != null && servers.size() == 1;
    this.retries = new Retries(settings, target, timer, single, () -> active, this::submit);
    this.waiting = new CallQueue(settings.maxQueuedCalls(), settings.maxQueuedBytes(),
        this::waitExpired);
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

  // ---------------------------------------------------------------- discovery

  @Override
  public void onServers(List<ServerInstance> servers) {
    List<Endpoint> retired = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      Map<String, ServerInstance> now = new LinkedHashMap<>();
      String why = null;
      int refused = 0;
      for (ServerInstance s : servers) {
        String refusal = unusable.apply(s);
        if (refusal != null) {
          refused++;
          why = refusal;
        } else {
          now.put(s.address(), s);
        }
      }
      leftOut = refused == 0 ? null : refused + " server(s) left out; for one, " + why;
      if (leftOut != null) {
        unusableLog.warn(log, "Calling none of " + refused + " server(s) that discovery lists"
            + " for " + target + ": " + why);
      }
      for (Map.Entry<String, ServerInstance> e : now.entrySet()) {
        Endpoint existing = byAddress.get(e.getKey());
        if (existing != null) {
          existing.update(e.getValue());
        } else {
          byAddress.put(e.getKey(), factory.create(e.getValue(), rank(e.getKey()), this));
        }
      }
      for (Map.Entry<String, Endpoint> e : List.copyOf(byAddress.entrySet())) {
        if (!now.containsKey(e.getKey())) {
          byAddress.remove(e.getKey());
          retired.add(e.getValue());
        }
      }
      Endpoint[] sorted = byAddress.values().toArray(new Endpoint[0]);
      Arrays.sort(sorted, Comparator.comparingLong((Endpoint e) -> e.rank)
          .thenComparing(Endpoint::address));
      all = sorted;
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

  /** A position in this client's own random order of servers, stable for its lifetime. */
  private long rank(String address) {
    long h = seed ^ address.hashCode() * 0x9E3779B97F4A7C15L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  /**
   * The subset: the first {@code subsetSize} endpoints in this client's order that are neither
   * ejected nor failing to connect, plus those in between that are, so that a failing server is
   * replaced rather than leaving the subset short. Guarded by lock.
   */
  private void rebuildSubset(boolean keepIfSame) {
    Endpoint[] every = all;
    int want = settings.subsetSize();
    long now = System.nanoTime();
    List<Endpoint> chosen = new ArrayList<>();
    int healthy = 0;
    for (Endpoint e : every) {
      if (healthy >= want) {
        break;
      }
      chosen.add(e);
      if (!e.isEjected(now) && e.state() != ConnectivityState.TRANSIENT_FAILURE) {
        healthy++;
      }
    }
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
      if (!chosen.contains(e) && byAddress.get(e.address()) == e) {
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
      if (closed || byAddress.get(e.address()) != e || Arrays.asList(active).contains(e)) {
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

  // ---------------------------------------------------------------- calls

  /** Sends {@code call} to a server, or queues it until one can take it; never blocks. */
  void submit(PendingCall call) {
    Endpoint[] eps = active;
    if (single && eps.length == 1) {
      eps[0].submit(call);
      return;
    }
    if (!started) {
      start();
      eps = active;
    }
    Endpoint chosen = picker.pick(call, eps);
    if (chosen != null) {
      call.endpoint(chosen);
      chosen.submit(call);
      return;
    }
    if (closed) {
      call.fail(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
      return;
    }
    RpcException refusal = refusal(call, eps);
    if (refusal != null) {
      call.fail(refusal);
      return;
    }
    String full = waiting.offer(call);
    if (full != null) {
      call.fail(RpcException.Code.RESOURCE_EXHAUSTED, "was refused: " + full + " for a server"
          + " of " + target + ". It did not run");
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
  private RpcException refusal(PendingCall call, Endpoint[] eps) {
    String prefix = call.method().callPrefix();
    if (eps.length > 0) {
      boolean anyServes = false;
      for (Endpoint e : eps) {
        anyServes |= e.serves(call.method());
      }
      if (!anyServes) {
        return new RpcException(RpcException.Code.NOT_FOUND, prefix + "was not sent: none of the"
            + " servers of " + target + " publishes " + call.method().descriptor().displayName()
            + " with this client's signature (" + Compatibility.published(eps, call.method()) + "). Deploy the"
            + " same version of the interface on both sides");
      }
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
    String why = resolveError;
    String out = leftOut;
    return "failed: " + target + " lists no servers now"
        + (why == null ? "" : " (" + LogSafe.escape(why, 500) + ")")
        + (out == null ? "" : " that this client may call (" + out + ")") + ". It did not run."
        + " Check"
        + " that servers are running and registered; to make calls wait for one within their"
        + " timeout, set minirpc.waitForReady=true";
  }

  /** The exception of a call whose deadline passed while it waited for any server. */
  private RpcException waitExpired(PendingCall call) {
    String why = resolveError;
    return new RpcException(RpcException.Code.UNAVAILABLE, call.method().callPrefix() + "was not"
        + " sent: no server of " + target + " could take it within "
        + call.limit().within(call.timeoutNanos()) + " (" + all.length + " known"
        + (why == null ? "" : "; discovery: " + LogSafe.escape(why, 500))
        + (leftOut == null ? "" : "; " + leftOut) + "). It did not run. Check that the servers are"
        + " running and reachable");
  }

  /** Hands calls waiting for any server to the servers that are ready now. */
  private void drainWaiting() {
    PendingCall call;
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
      if (call.leaveQueue()) {
        waiting.assigned(call);
        submit(call);
      }
    }
  }

  // ---------------------------------------------------------------- retries

  /** See {@link Retries#retry}. */
  boolean retry(PendingCall call, RpcException error, int how) {
    return !closed && retries.retry(call, error, how);
  }

  /** See {@link Retries#finalError}. */
  RpcException finalError(PendingCall call, RpcException error, int how) {
    return retries.finalError(call, error, how);
  }

  /** Whether hedged attempts make sense: there are other servers to send them to. */
  boolean canHedge() {
    return !single;
  }

  /** Takes a hedged attempt from the retry budget; false when it is spent. */
  boolean tryHedge() {
    return retries.budget.tryRetry();
  }

  /** Counts a call in the retry budget; called once per call. */
  void called() {
    retries.budget.deposit();
  }

  // ---------------------------------------------------------------- health

  /** An answer arrived for {@code call}'s attempt; {@code code} is its error's, or null. */
  void answered(PendingCall call, RpcException.Code code) {
    Endpoint e = call.endpoint();
    if (e != null) {
      outliers.answered(e, code);
    }
  }

  /** {@code call} timed out after it was sent. */
  void timedOut(PendingCall call) {
    Endpoint e = call.endpoint();
    if (e != null) {
      outliers.timedOut(e);
    }
  }

  /** A server was ejected or came back: the subset changes, and waiting calls may go. */
  private void ejectionsChanged() {
    subsetChanged();
    drainWaiting();
  }

  void endpointReady(Endpoint e, Connection c) {
    onReady.accept(c);
    if (!single) {
      outliers.connected(e);
      subsetChanged();
      drainWaiting();
    }
  }

  void endpointFailed(Endpoint e) {
    if (resolver != null) {
      resolver.refresh();
    }
    String failure = e.lastFailure();
    if (!single && failure != null && e.state() == ConnectivityState.TRANSIENT_FAILURE) {
      // A server that discovery lists but this client cannot use (not minirpc, another
      // transport, refusing): calls go around it, but not without a word.
      unusableLog.warn(log, "Cannot use " + LogSafe.escape(e.address(), 300) + " of " + target
          + ", calls go to the other servers: " + LogSafe.escape(failure, 1000));
    }
    if (!single && e.state() == ConnectivityState.TRANSIENT_FAILURE) {
      subsetChanged();
    }
  }

  // ---------------------------------------------------------------- the rest

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
