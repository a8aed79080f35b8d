package io.minirpc.internal.server;

import io.minirpc.RpcContext;
import io.minirpc.RpcException;
import io.minirpc.health.Health;
import io.minirpc.health.HealthStatus;
import io.minirpc.health.ServerHealth;
import io.minirpc.runtime.CurrentCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The health service of one server and the statuses behind it: {@link Health} for callers, {@link
 * ServerHealth} for the application. Watchers wait as futures, never as threads; each is answered
 * by the change it waits for or by the JDK's delay scheduler.
 */
public final class HealthService implements Health, ServerHealth {
  /** How much earlier than the caller's deadline a watch is answered, at least. */
  private static final long DEADLINE_MARGIN_MILLIS = 100;
  /** The longest a watch waits, whatever the caller asked: a parked call is not free. */
  static final long MAX_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(5);
  /**
   * Watches one connection may have waiting at once: a client follows a few services, and each
   * waiting watch holds memory, so one connection cannot park a thousand.
   */
  static final int MAX_WATCHES_PER_CONNECTION = 16;

  /** Service name ("" for the server) to its status; the key set is fixed at construction. */
  private final Map<String, Entry> entries;
  private volatile boolean terminal;

  /** @param services the binary names of the registered services */
  public HealthService(List<String> services) {
    Map<String, Entry> map = new LinkedHashMap<>();
    map.put(SERVER, new Entry());
    for (String s : services) {
      map.put(s, new Entry());
    }
    this.entries = Map.copyOf(map);
  }

  /** The server's close() has started: everything is NOT_SERVING from now on. */
  public void shutdown() {
    terminal = true;
    for (Entry e : entries.values()) {
      e.change(HealthStatus.NOT_SERVING);
    }
  }

  @Override
  public HealthStatus check(String service) {
    return find(service).status();
  }

  @Override
  public CompletableFuture<HealthStatus> await(String service, HealthStatus lastKnown,
      long maxWaitMillis) {
    Entry entry = find(service);
    long wait = Math.min(maxWaitMillis, MAX_WAIT_MILLIS);
    Optional<Duration> remaining = RpcContext.current().remaining();
    if (remaining.isPresent()) {
      long left = remaining.get().toMillis();
      wait = Math.min(wait, left - Math.max(DEADLINE_MARGIN_MILLIS, left / 10));
    }
    ConnectionCalls connection = CurrentCall.get() instanceof InboundCall call
        ? call.connection() : null;
    if (connection == null || wait <= 0) {
      return entry.await(lastKnown, wait);
    }
    if (!connection.startWatch(MAX_WATCHES_PER_CONNECTION)) {
      throw new RpcException(RpcException.Code.RESOURCE_EXHAUSTED, "the server refused the"
          + " health watch: this connection already has " + MAX_WATCHES_PER_CONNECTION
          + " watches waiting, the most one connection may have. Wait for their answers before"
          + " watching more, or call check() instead");
    }
    CompletableFuture<HealthStatus> watch = entry.await(lastKnown, wait);
    watch.whenComplete((s, t) -> connection.endWatch());
    return watch;
  }

  @Override
  public void set(HealthStatus status) {
    change(SERVER, status);
  }

  @Override
  public void set(Class<?> service, HealthStatus status) {
    change(registered(service), status);
  }

  @Override
  public HealthStatus get() {
    return entries.get(SERVER).status();
  }

  @Override
  public HealthStatus get(Class<?> service) {
    return entries.get(registered(service)).status();
  }

  private void change(String name, HealthStatus status) {
    Objects.requireNonNull(status, "status == null");
    if (!terminal) {
      entries.get(name).change(status);
    }
  }

  private String registered(Class<?> service) {
    Objects.requireNonNull(service, "service == null");
    if (!entries.containsKey(service.getName())) {
      throw new IllegalArgumentException(service.getName() + " is not registered on this server,"
          + " so it has no health status (registered: " + registeredNames() + ")");
    }
    return service.getName();
  }

  private Entry find(String service) {
    Entry e = service == null ? null : entries.get(service);
    if (e == null) {
      throw new RpcException(RpcException.Code.NOT_FOUND, "the server has no service '"
          + service + "' to report the health of (it has: " + registeredNames() + "; \"\" for"
          + " the whole server)");
    }
    return e;
  }

  private String registeredNames() {
    List<String> names = new ArrayList<>(entries.keySet());
    names.remove(SERVER);
    names.sort(null);
    return String.join(", ", names);
  }

  /** One status and the calls waiting for it to change. */
  private static final class Entry {
    private HealthStatus status = HealthStatus.SERVING;
    private final Set<CompletableFuture<HealthStatus>> waiters = new HashSet<>();

    synchronized HealthStatus status() {
      return status;
    }

    void change(HealthStatus next) {
      List<CompletableFuture<HealthStatus>> woken;
      synchronized (this) {
        if (status == next) {
          return;
        }
        status = next;
        woken = new ArrayList<>(waiters);
        waiters.clear();
      }
      for (CompletableFuture<HealthStatus> w : woken) {
        w.complete(next);
      }
    }

    CompletableFuture<HealthStatus> await(HealthStatus lastKnown, long waitMillis) {
      CompletableFuture<HealthStatus> w = new CompletableFuture<>();
      synchronized (this) {
        if (lastKnown != status || waitMillis <= 0) {
          return CompletableFuture.completedFuture(status);
        }
        waiters.add(w);
      }
      // Answered by a change, the wait's end or a cancelled call; each forgets the waiter.
      w.whenComplete((s, t) -> forget(w));
      w.completeOnTimeout(lastKnown, waitMillis, TimeUnit.MILLISECONDS);
      return w;
    }

    private synchronized void forget(CompletableFuture<HealthStatus> w) {
      waiters.remove(w);
    }
  }
}
