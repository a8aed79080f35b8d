package io.minirpc.internal.discovery;

import io.minirpc.discovery.DiscoveryProvider;
import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.text.Durations;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dns:///name:port}: every address the name resolves to, resolved again periodically
 * ({@code ?refresh=30s} by default) and soon after a connection fails, as gRPC's DNS resolver does.
 * On Kubernetes, a headless service's name gives every ready pod. The JVM's own DNS cache ({@code
 * networkaddress.cache.ttl}) applies under it.
 */
public final class DnsDiscovery implements DiscoveryProvider {
  /** The shortest time between two resolutions asked for by {@link NameResolver#refresh()}. */
  static final long MIN_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  @Override
  public String scheme() {
    return "dns";
  }

  @Override
  public NameResolver resolver(URI target) {
    String path = target.getPath();
    if (target.getAuthority() != null && !target.getAuthority().isEmpty()) {
      throw new IllegalArgumentException("'" + target + "': DNS servers cannot be chosen; write"
          + " dns:///name:port (three slashes), resolved by this machine's resolver");
    }
    if (path == null || path.length() < 2) {
      throw new IllegalArgumentException("'" + target + "' names no host: write dns:///name:port");
    }
    String hostPort = path.substring(1);
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("'" + target + "' has no port: write dns:///name:port");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + target + "' has a bad port: write dns:///name:port");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + target + "': port must be between 1 and 65535");
    }
    Duration refresh = Duration.ofSeconds(30);
    String query = target.getQuery();
    if (query != null) {
      for (String option : query.split("&")) {
        if (option.startsWith("refresh=")) {
          refresh = Durations.parse("refresh",
              option.substring("refresh=".length()));
        } else if (!option.isEmpty()) {
          throw new IllegalArgumentException("'" + target + "': unknown option '" + option
              + "'; the DNS resolver knows refresh=DURATION");
        }
      }
    }
    return new Resolver(host, port, refresh);
  }

  /** Resolves on a thread of its own: the JDK's resolver blocks. */
  static final class Resolver implements NameResolver {
    private static final Logger log = LoggerFactory.getLogger(Resolver.class);

    private final String host;
    private final int port;
    private final Duration refresh;
    private final AtomicBoolean pending = new AtomicBoolean();
    private ScheduledExecutorService thread;
    private volatile Listener listener;
    private volatile long lastRun;
    private volatile boolean closed;

    Resolver(String host, int port, Duration refresh) {
      this.host = host;
      this.port = port;
      this.refresh = refresh;
    }

    @Override
    public synchronized void start(Listener listener) {
      this.listener = listener;
      ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
        Thread th = new Thread(r, "minirpc-dns-" + host);
        th.setDaemon(true);
        return th;
      });
      t.setRemoveOnCancelPolicy(true);
      thread = t;
      long period = refresh.toNanos();
      t.scheduleWithFixedDelay(this::resolve, 0, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public void refresh() {
      ScheduledExecutorService t = thread;
      if (t == null || closed || !pending.compareAndSet(false, true)) {
        return;
      }
      long wait = Math.max(0, lastRun + MIN_REFRESH_NANOS - System.nanoTime());
      try {
        t.schedule(() -> {
          pending.set(false);
          resolve();
        }, wait, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        pending.set(false); // closed
      }
    }

    private void resolve() {
      if (closed) {
        return;
      }
      lastRun = System.nanoTime();
      Set<String> seen = new LinkedHashSet<>();
      List<ServerInstance> servers = new ArrayList<>();
      try {
        for (InetAddress a : InetAddress.getAllByName(host)) {
          if (seen.add(a.getHostAddress())) {
            servers.add(ServerInstance.of(a.getHostAddress(), port));
          }
        }
      } catch (UnknownHostException | SecurityException e) {
        log.debug("Resolving {} failed: {}", host, e.toString());
        listener.onError("the name " + host + " does not resolve (" + e.getMessage() + "); the"
            + " client keeps the servers it knew and tries again every " + refresh.toSeconds()
            + " s. Check the name and this machine's DNS");
        return;
      }
      listener.onServers(servers);
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (thread != null) {
        thread.shutdownNow();
      }
    }
  }
}
