package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.config.BalancerKind;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.transport.LogSafe;
import io.netty.channel.Channel;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers a client calls, and the choice among them: an {@link Endpoint} per server that
 * discovery (or the fixed list) gives, a stable random subset of them that the client connects
 * to, a balancer that picks a ready endpoint per call, outlier ejection, and the decision to send
 * a failed attempt again.
 *
 * <p>With one fixed server, every call goes straight to its endpoint, as before fleets existed:
 * no balancing, no health record, and the only retry is of a call the server refused unrun
 * because it was going away.
 *
 * <p>Retries: an attempt that provably did not run (never left the client, or refused by the
 * server before dispatch) goes again at once to a server not tried yet, within the deadline; one
 * that may have run goes again only if its method is {@code @Idempotent}, after a backoff, up to
 * {@code minirpc.maxAttempts} and within the {@link RetryBudget}.
 */
final class Fleet implements NameResolver.Listener {
  private static final Logger log = LoggerFactory.getLogger(Fleet.class);
  /** Resends of one call that its server refused unrun because it was going away (GOAWAY). */
  private static final int MAX_SAME_SERVER_RESENDS = 3;
  /** Attempts of one call that failed unrun, over every server. */
  private static final int MAX_UNRUN_RETRIES = 16;
  private static final long MAX_RETRY_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Consistent hashing moves a key on from a server loaded above this times the mean. */
  private static final double HASH_LOAD_FACTOR = 1.25;
  private static final int HASH_POINTS_MIN = 40;

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
  private final boolean single;
  private final RetryBudget budget;
  private final CallQueue waiting;
  private final long seed = ThreadLocalRandom.current().nextLong();
  private final AtomicInteger next = new AtomicInteger();
  private final Object lock = new Object();

  /** Every server discovery lists, by address. Guarded by lock. */
  private final Map<String, Endpoint> byAddress = new LinkedHashMap<>();
  /** Every endpoint, in this client's stable random order. */
  private volatile Endpoint[] all = new Endpoint[0];
  /** The subset that takes calls: the first {@code subsetSize} healthy ones of {@link #all}. */
  private volatile Endpoint[] active = new Endpoint[0];
  /** The hash ring over {@link #active}, for consistent hashing; null otherwise. */
  private volatile Ring ring;
  private volatile boolean resolved;
  private volatile String resolveError;
  private volatile boolean started;
  private volatile boolean closed;

  /**
   * @param servers the fixed servers, or null when {@code resolver} gives them
   * @param onReady told of every connection that becomes ready, to check the proxies against it
   */
  Fleet(ClientConfig settings, String target, List<ServerInstance> servers,
      NameResolver resolver, EndpointFactory factory, Timer timer, Consumer<Connection> onReady) {
    this.settings = settings;
    this.target = target;
    this.factory = factory;
    this.timer = timer;
    this.onReady = onReady;
    this.resolver = resolver;
    this.single = servers != null && servers.size() == 1;
    this.budget = new RetryBudget(settings.retryBudget(), 10);
    this.waiting = new CallQueue(settings.maxQueuedCalls(), settings.maxQueuedBytes(),
        this::waitExpired);
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
      for (ServerInstance s : servers) {
        now.put(s.address(), s);
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
      rebuildSubset();
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
  private void rebuildSubset() {
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
    active = subset;
    ring = settings.loadBalancer() == BalancerKind.CONSISTENT_HASH ? new Ring(subset) : null;
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
        rebuildSubset();
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
    Endpoint chosen = pick(call, eps);
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
   * The endpoint for {@code call}: a ready one by the balancing policy, else one that is
   * connecting, else one that failed to connect (its own submit then fails the attempt unrun, and
   * the call moves on). Null when the call should wait, or none can serve it.
   */
  private Endpoint pick(PendingCall call, Endpoint[] eps) {
    long now = System.nanoTime();
    int n = eps.length;
    if (n == 0) {
      return null;
    }
    if (n == 1 && candidate(eps[0], call, now)) {
      return eps[0]; // one server in the subset, ready: nothing to balance
    }
    int ready = 0;
    Endpoint connecting = null;
    Endpoint failing = null;
    Endpoint anyTried = null;
    boolean anyEjectedOnly = false;
    for (Endpoint e : eps) {
      if (!e.serves(call.method())) {
        continue;
      }
      if (e.isEjected(now)) {
        anyEjectedOnly = true;
        continue;
      }
      if (call.tried(e)) {
        anyTried = e;
        continue;
      }
      ConnectivityState s = e.state();
      if (s == ConnectivityState.READY) {
        ready++;
      } else if (s == ConnectivityState.TRANSIENT_FAILURE) {
        if (failing == null) {
          failing = e;
        }
      } else if (connecting == null) {
        connecting = e;
      }
    }
    if (ready > 0) {
      return balance(call, eps, ready, now);
    }
    if (connecting != null) {
      connecting.start();
      return connecting;
    }
    if (anyTried != null && failing == null) {
      // Only servers this call already tried are left; an idempotent retry may go back to one.
      return anyTried.state() == ConnectivityState.READY ? anyTried : null;
    }
    if (failing != null) {
      return call.waitForReady() ? null : failing;
    }
    if (anyEjectedOnly) {
      // Every server that could serve it is ejected: ejection never takes all, so use one.
      for (Endpoint e : eps) {
        if (e.serves(call.method()) && e.state() == ConnectivityState.READY) {
          return e;
        }
      }
    }
    return null;
  }

  /** Whether {@code e} is a ready candidate for {@code call}. */
  private static boolean candidate(Endpoint e, PendingCall call, long now) {
    return e.serves(call.method()) && !e.isEjected(now) && !call.tried(e)
        && e.state() == ConnectivityState.READY;
  }

  private Endpoint balance(PendingCall call, Endpoint[] eps, int ready, long now) {
    switch (settings.loadBalancer()) {
      case ROUND_ROBIN:
        return nth(call, eps, Math.floorMod(next.getAndIncrement(), ready), now);
      case CONSISTENT_HASH: {
        Ring r = ring;
        String key = call.method().hashKey(call.args(), call.metadata());
        if (r != null && key != null) {
          Endpoint e = r.pick(key, call, eps, now);
          if (e != null) {
            return e;
          }
        }
        return leastPending(call, eps, ready, now);
      }
      default:
        return leastPending(call, eps, ready, now);
    }
  }

  /** Power of two choices: of two ready servers at random, the one with less load per weight. */
  private static Endpoint leastPending(PendingCall call, Endpoint[] eps, int ready, long now) {
    if (ready == 1) {
      return nth(call, eps, 0, now);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int i = random.nextInt(ready);
    int j = random.nextInt(ready - 1);
    if (j >= i) {
      j++;
    }
    Endpoint a = nth(call, eps, i, now);
    Endpoint b = nth(call, eps, j, now);
    if (a == null || b == null) {
      return a != null ? a : b; // one changed state meanwhile
    }
    // Compare load / weight without dividing: (la + 1) * wb against (lb + 1) * wa.
    long scoreA = (long) (a.load() + 1) * b.instance().weight();
    long scoreB = (long) (b.load() + 1) * a.instance().weight();
    return scoreA <= scoreB ? a : b;
  }

  /** The {@code index}th ready candidate of {@code eps}, or null if states changed meanwhile. */
  private static Endpoint nth(PendingCall call, Endpoint[] eps, int index, long now) {
    int seen = 0;
    for (Endpoint e : eps) {
      if (candidate(e, call, now)) {
        if (seen == index) {
          return e;
        }
        seen++;
      }
    }
    return null;
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
            + " with this client's signature (" + describe(eps, call.method()) + "). Deploy the"
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
    return "failed: " + target + " lists no servers now"
        + (why == null ? "" : " (" + LogSafe.escape(why, 500) + ")") + ". It did not run. Check"
        + " that servers are running and registered; to make calls wait for one within their"
        + " timeout, set minirpc.waitForReady=true";
  }

  private static String describe(Endpoint[] eps, ClientMethod method) {
    StringBuilder b = new StringBuilder();
    for (Endpoint e : eps) {
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(e.address()).append(": ").append(incompatibility(e.instance(), method));
    }
    return b.toString();
  }

  /** The exception of a call whose deadline passed while it waited for any server. */
  private RpcException waitExpired(PendingCall call) {
    long millis = call.timeoutNanos() / 1_000_000;
    String why = resolveError;
    return new RpcException(RpcException.Code.UNAVAILABLE, call.method().callPrefix() + "was not"
        + " sent: no server of " + target + " could take it within its timeout of " + millis
        + " ms (" + all.length + " known" + (why == null ? "" : "; discovery: "
            + LogSafe.escape(why, 500)) + "). It did not run. Check that the servers are running"
        + " and reachable");
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

  /**
   * Sends a failed attempt of {@code call} again if it may and can go; false to end the call with
   * {@code error}. Runs where the attempt failed: an event loop, the timer, a caller's thread.
   */
  boolean retry(PendingCall call, RpcException error, int how) {
    if (closed) {
      return false;
    }
    long left = call.deadlineNanos() - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    RpcException.Code code = error.code();
    if (how != PendingCall.MAY_HAVE_RUN) {
      if (code != RpcException.Code.UNAVAILABLE && code != RpcException.Code.RESOURCE_EXHAUSTED
          && code != RpcException.Code.NOT_FOUND && code != RpcException.Code.CODEC) {
        return false; // refused for who the caller is, or cancelled: the same anywhere
      }
      if (call.unrunRetries >= MAX_UNRUN_RETRIES) {
        return false;
      }
      Endpoint from = call.endpoint();
      boolean goingAway = how == PendingCall.UNRUN_REMOTE && code == RpcException.Code.UNAVAILABLE;
      boolean elsewhere = hasUntried(call, from);
      if (!elsewhere && !(goingAway && call.unrunRetries < MAX_SAME_SERVER_RESENDS)) {
        return false;
      }
      if (!call.detachForRetry()) {
        return false;
      }
      call.unrunRetries++;
      if (log.isDebugEnabled()) {
        log.debug("Sending {} again{}: {}", call.method().descriptor().displayName(),
            elsewhere ? " to another server" : "", LogSafe.escape(error.getMessage(), 500));
      }
      resubmit(call);
      return true;
    }
    if (code != RpcException.Code.UNAVAILABLE || !call.method().idempotent()
        || call.retries + 1 >= settings.maxAttempts()) {
      return false;
    }
    long backoff = Backoff.delayNanos(settings.retryBackoff().toNanos(), MAX_RETRY_BACKOFF_NANOS,
        call.retries + 1, ThreadLocalRandom.current().nextDouble());
    if (backoff >= left || !budget.tryRetry()) {
      return false;
    }
    if (!call.detachForRetry()) {
      budget.refund();
      return false;
    }
    call.retries++;
    log.debug("Retrying idempotent {} in {} ms: {}", call.method().descriptor().displayName(),
        TimeUnit.NANOSECONDS.toMillis(backoff), LogSafe.escape(error.getMessage(), 500));
    try {
      timer.newTimeout(t -> resubmit(call), backoff, TimeUnit.NANOSECONDS);
    } catch (IllegalStateException stopped) {
      call.fail(RpcException.Code.CANCELLED, "was cancelled: the client was closed");
    }
    return true;
  }

  /**
   * The error a call ends with when no attempt is left: {@code error}, or, when it never left the
   * client because no server of a fleet could be reached, one that names every server tried and
   * why it failed, not only the last.
   */
  RpcException finalError(PendingCall call, RpcException error, int how) {
    if (single || how != PendingCall.UNRUN_LOCAL
        || error.code() != RpcException.Code.UNAVAILABLE) {
      return error;
    }
    Endpoint[] eps = active;
    StringBuilder why = new StringBuilder();
    int down = 0;
    for (Endpoint e : eps) {
      if (e.serves(call.method()) && e.state() == ConnectivityState.TRANSIENT_FAILURE) {
        down++;
        String failure = e.lastFailure();
        why.append(why.length() == 0 ? "" : "; ").append(e.address())
            .append(failure == null ? "" : ": " + failure);
      }
    }
    if (down < 2) {
      return error;
    }
    return new RpcException(RpcException.Code.UNAVAILABLE, call.method().callPrefix()
        + "failed: none of the " + down + " servers of " + target + " it could go to can be"
        + " reached (" + LogSafe.escape(why.toString(), 2000) + "). It did not run, so it is safe"
        + " to retry. The client keeps reconnecting in the background; to make calls wait for a"
        + " server within their timeout instead, set minirpc.waitForReady=true or annotate the"
        + " method with @WaitForReady", error);
  }

  private void resubmit(PendingCall call) {
    if (call.prepareAttempt()) {
      submit(call);
    }
  }

  /** Whether a server this call has not tried could take it. */
  private boolean hasUntried(PendingCall call, Endpoint from) {
    if (single) {
      return false;
    }
    long now = System.nanoTime();
    for (Endpoint e : active) {
      if (e != from && !call.tried(e) && e.serves(call.method()) && !e.isEjected(now)
          && (e.state() != ConnectivityState.TRANSIENT_FAILURE || call.waitForReady())) {
        return true;
      }
    }
    return false;
  }

  /** Whether hedged attempts make sense: there are other servers to send them to. */
  boolean canHedge() {
    return !single;
  }

  /** Takes a hedged attempt from the retry budget; false when it is spent. */
  boolean tryHedge() {
    return budget.tryRetry();
  }

  /** Counts a call in the retry budget; called once per call. */
  void called() {
    budget.deposit();
  }

  // ---------------------------------------------------------------- health

  /** An answer arrived for {@code call}'s attempt; {@code code} is its error's, or null. */
  void answered(PendingCall call, RpcException.Code code) {
    Endpoint e = call.endpoint();
    if (e == null) {
      return;
    }
    if (code == RpcException.Code.UNAVAILABLE) {
      failed(e);
    } else {
      e.succeeded();
    }
  }

  /** {@code call} timed out after it was sent. */
  void timedOut(PendingCall call) {
    Endpoint e = call.endpoint();
    if (e != null) {
      failed(e);
    }
  }

  private void failed(Endpoint e) {
    if (e.failed(settings.ejectionFailures())) {
      maybeEject(e);
    }
  }

  /** Ejects {@code e} unless that would pass the limit; never the last server standing. */
  private void maybeEject(Endpoint e) {
    long now = System.nanoTime();
    synchronized (lock) {
      if (closed || e.isEjected(now) || e.isRetired()) {
        return;
      }
      Endpoint[] every = all;
      int ejected = 0;
      for (Endpoint x : every) {
        if (x.isEjected(now)) {
          ejected++;
        }
      }
      int max = Math.min(every.length - 1, every.length * settings.ejectionMaxPercent() / 100);
      if (ejected >= Math.max(0, max)) {
        if (log.isDebugEnabled()) {
          log.debug("Not ejecting {}: {} of {} servers already are (minirpc.ejection.maxPercent)",
              e.address(), ejected, every.length);
        }
        return;
      }
      e.ejections = Math.min(e.ejections + 1, 10);
      long duration = settings.ejectionTime().toNanos() * e.ejections;
      e.eject(now + duration);
      log.warn("Ejected {} from {} for {} ms: its calls fail or time out (ejection {} in a row)",
          e.address(), target, TimeUnit.NANOSECONDS.toMillis(duration), e.ejections);
      rebuildSubset();
      timer.newTimeout(t -> reinstated(e), duration, TimeUnit.NANOSECONDS);
    }
  }

  private void reinstated(Endpoint e) {
    log.info("{} is back in {} after its ejection", e.address(), target);
    subsetChanged();
    drainWaiting();
  }

  void endpointReady(Endpoint e, Connection c) {
    onReady.accept(c);
    if (!single) {
      // Ready for a whole interval since its last ejection: the next one starts short again.
      if (!e.isEjected(System.nanoTime())) {
        e.ejections = Math.max(0, e.ejections - 1);
      }
      subsetChanged();
      drainWaiting();
    }
  }

  void endpointFailed(Endpoint e) {
    if (resolver != null) {
      resolver.refresh();
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

  /** Whether {@code server}'s published fingerprints let a client call {@code method}. */
  static boolean compatible(ServerInstance server, ClientMethod method) {
    return incompatibility(server, method) == null;
  }

  private static String incompatibility(ServerInstance server, ClientMethod method) {
    if (server.services().isEmpty()) {
      return null; // not published: the handshake decides
    }
    Map<String, Long> methods = server.services().get(method.descriptor().serviceName());
    if (methods == null) {
      return "no service " + method.descriptor().serviceName();
    }
    Long digest = methods.get(method.descriptor().key());
    if (digest == null) {
      return "no method " + method.descriptor().key();
    }
    return digest == method.digest() ? null : "a different version of the method";
  }

  /**
   * Consistent hashing with bounded load (Mirrokni et al., as in HAProxy and Envoy): points for
   * each endpoint on a ring, proportional to its weight; a key goes to the first point after its
   * hash whose endpoint is a ready candidate loaded no more than {@link #HASH_LOAD_FACTOR} times
   * the mean.
   */
  private static final class Ring {
    private final long[] hashes;
    private final Endpoint[] owners;

    Ring(Endpoint[] eps) {
      Map<Long, Endpoint> points = new HashMap<>();
      for (Endpoint e : eps) {
        int count = Math.max(HASH_POINTS_MIN, e.instance().weight());
        for (int i = 0; i < count; i++) {
          points.put(hash(e.address() + "#" + i), e);
        }
      }
      hashes = new long[points.size()];
      owners = new Endpoint[points.size()];
      List<Long> sorted = new ArrayList<>(points.keySet());
      sorted.sort(null);
      for (int i = 0; i < sorted.size(); i++) {
        hashes[i] = sorted.get(i);
        owners[i] = points.get(sorted.get(i));
      }
    }

    Endpoint pick(String key, PendingCall call, Endpoint[] eps, long now) {
      if (hashes.length == 0) {
        return null;
      }
      long total = 0;
      int ready = 0;
      for (Endpoint e : eps) {
        if (candidate(e, call, now)) {
          total += e.load();
          ready++;
        }
      }
      if (ready == 0) {
        return null;
      }
      double bound = Math.ceil((total + 1) * HASH_LOAD_FACTOR / ready);
      int i = Arrays.binarySearch(hashes, hash(key));
      if (i < 0) {
        i = -i - 1;
      }
      for (int step = 0; step < hashes.length; step++) {
        Endpoint e = owners[(i + step) % hashes.length];
        if (candidate(e, call, now) && e.load() + 1 <= bound) {
          return e;
        }
      }
      return null;
    }

    /** 64-bit FNV-1a, then a finalizer: stable across JVMs, so every client agrees. */
    static long hash(String s) {
      long h = 0xcbf29ce484222325L;
      for (int i = 0; i < s.length(); i++) {
        h ^= s.charAt(i);
        h *= 0x100000001b3L;
      }
      h ^= h >>> 33;
      h *= 0xff51afd7ed558ccdL;
      h ^= h >>> 33;
      return h;
    }
  }
}
