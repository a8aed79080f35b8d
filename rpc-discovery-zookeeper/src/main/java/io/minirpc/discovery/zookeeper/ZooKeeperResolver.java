package io.minirpc.discovery.zookeeper;

import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.transport.LogSafe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a group's children with Curator's {@link CuratorCache} and tells the listener the whole
 * list of servers whenever it changes, and again when ZooKeeper answers after an outage. While
 * ZooKeeper cannot be reached the cache, and so the client's list, stays as it was, and the
 * listener hears why. Nodes that are not a server this version can read are left out, with one
 * escaped log line per version of each.
 *
 * <p>Every call of the listener is made on Curator's single event thread, so they come one at a
 * time and in order.
 */
final class ZooKeeperResolver implements NameResolver {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperResolver.class);
  /** The unreadable nodes one log line names; it counts the others. */
  private static final int MAX_NAMED = 5;

  private final ZooKeeperTarget target;
  /** The server of each node read so far, by path, with the version of the node it came from. */
  private final Map<String, Read> reads = new HashMap<>();
  /** Lines about unreadable nodes: at most one a second, whatever a writer of the group does. */
  private final LogSafe.Limiter skipped = LogSafe.Limiter.perSecond();
  private volatile boolean closed;
  private CuratorFramework client;
  private CuratorCache cache;
  private Listener listener;
  private boolean initialized;
  private boolean reachable = true;
  private List<ServerInstance> reported;

  ZooKeeperResolver(ZooKeeperTarget target) {
    this.target = target;
  }

  /** The result of reading one version of a node: a server, or why not. */
  private record Read(long mzxid, ServerInstance server) {}

  @Override
  public synchronized void start(Listener listener) {
    Objects.requireNonNull(listener, "listener == null");
    if (this.listener != null || closed) {
      throw new IllegalStateException(closed ? "this resolver is closed" : "already started");
    }
    this.listener = listener;
    client = target.newClient();
    cache = CuratorCache.build(client, target.group());
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forInitialized(() -> {
          initialized = true;
          report(true);
        })
        .forAll((type, before, after) -> {
          if (initialized) {
            report(false);
          }
        })
        .build());
    // Connection events arrive on another thread than the cache's: hand them to the same one.
    client.getConnectionStateListenable().addListener((c, state) ->
        c.runSafe(() -> stateChanged(state)));
    // Neither start() blocks: Curator connects and reads in the background.
    client.start();
    cache.start();
    long timeout = target.connectionTimeout().toMillis();
    CuratorFramework started = client;
    CompletableFuture.runAsync(() -> {
      if (!closed) {
        started.runSafe(this::checkFirstAnswer);
      }
    }, CompletableFuture.delayedExecutor(timeout, TimeUnit.MILLISECONDS));
  }

  /** Nothing heard yet, a connection timeout after start: say so, once. */
  private void checkFirstAnswer() {
    if (!closed && !initialized && reachable) {
      reachable = false;
      listener.onError("No ZooKeeper server of " + target + " has answered within "
          + target.connectionTimeout().toMillis() + " ms (connectionTimeout); still trying."
          + " Check that ZooKeeper is up and reachable from this machine");
    }
  }

  private void stateChanged(ConnectionState state) {
    if (closed) {
      return;
    }
    switch (state) {
      case SUSPENDED:
      case LOST:
        if (reachable || state == ConnectionState.LOST) {
          reachable = false;
          listener.onError("Lost the connection to ZooKeeper " + target
              + (state == ConnectionState.LOST ? " (session expired)" : "")
              + "; keeping the last " + (reported == null ? 0 : reported.size())
              + " server(s) while reconnecting");
        }
        break;
      case CONNECTED:
      case RECONNECTED:
        if (!reachable) {
          reachable = true;
          // The cache reads the group again and reports what changed; report now too, so that
          // the client hears that the list is current even if nothing did.
          if (initialized) {
            report(true);
          }
        }
        break;
      default:
        break;
    }
  }

  /** Tells the listener the servers now, if they changed or {@code always}. */
  private void report(boolean always) {
    if (closed) {
      return;
    }
    List<ServerInstance> servers = servers();
    if (always || !servers.equals(reported)) {
      reported = servers;
      listener.onServers(servers);
    }
  }

  /** The servers of the group's children, in the order of their names. */
  private List<ServerInstance> servers() {
    List<ChildData> children = new ArrayList<>();
    cache.stream()
        .filter(d -> target.group().equals(ZKPaths.getPathAndNode(d.getPath()).getPath()))
        .forEach(children::add);
    children.sort((a, b) -> a.getPath().compareTo(b.getPath()));
    List<ServerInstance> servers = new ArrayList<>();
    Map<String, Read> seen = new HashMap<>();
    List<String> unreadable = new ArrayList<>();
    for (ChildData child : children) {
      long mzxid = child.getStat() == null ? -1 : child.getStat().getMzxid();
      Read read = reads.get(child.getPath());
      if (read == null || read.mzxid() != mzxid) {
        read = new Read(mzxid, parse(child, unreadable));
      }
      seen.put(child.getPath(), read);
      if (read.server() != null) {
        servers.add(read.server());
      }
    }
    reads.keySet().retainAll(seen.keySet());
    reads.putAll(seen);
    if (!unreadable.isEmpty()) {
      int more = unreadable.size() - MAX_NAMED;
      skipped.warn(log, "Skipping " + unreadable.size() + " node(s) of " + target + " that are"
          + " not minirpc servers this version can read: "
          + String.join("; ", unreadable.subList(0, Math.min(MAX_NAMED, unreadable.size())))
          + (more > 0 ? "; and " + more + " more" : ""));
    }
    return List.copyOf(servers);
  }

  /** The server of one node, or null after adding to {@code unreadable} why not. */
  private static ServerInstance parse(ChildData child, List<String> unreadable) {
    try {
      return NodeFormat.read(child.getData());
    } catch (RuntimeException e) {
      // The node's name and data are the text of anyone who may write the group.
      unreadable.add(LogSafe.escape(ZKPaths.getNodeFromPath(child.getPath())) + " ("
          + LogSafe.escape(e.getMessage()) + ")");
      return null;
    }
  }

  @Override
  public void close() {
    CuratorCache c;
    CuratorFramework f;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      c = cache;
      f = client;
    }
    if (c != null) {
      c.close();
    }
    if (f != null && !Bounded.run("minirpc-zookeeper-close", target.connectionTimeout(),
        f::close)) {
      log.warn("Closing the ZooKeeper client of {} took more than {} ms; left behind", target,
          target.connectionTimeout().toMillis());
    }
  }
}
