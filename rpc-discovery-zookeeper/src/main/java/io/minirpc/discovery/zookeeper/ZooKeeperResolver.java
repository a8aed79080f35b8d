package io.minirpc.discovery.zookeeper;

import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.text.UntrustedText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.CuratorCacheStorage;
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
 * <p>Whoever may write the group writes its nodes, so what a node may cost the client is bounded:
 * the cache keeps no node's data, each version of a node is parsed once as it arrives and only
 * the server it describes is kept; a node of more than {@link NodeFormat#MAX_BYTES} is not
 * parsed, and once the servers kept come from {@link #MAX_GROUP_BYTES} of node data, further
 * nodes are left out until they change. Weights above {@link ServerInstance#MAX_WEIGHT} count as
 * that, with a warning naming the node.
 *
 * <p>Every call of the listener is made on Curator's single event thread, so they come one at a
 * time and in order.
 */
final class ZooKeeperResolver implements NameResolver {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperResolver.class);
  /** The unreadable nodes one log line names; it counts the others. */
  private static final int MAX_NAMED = 5;
  /**
   * The most node data whose servers a client keeps, 4 MiB: thousands of ordinary servers (a
   * node is about a kilobyte), while a group of hostile large nodes costs a few megabytes.
   */
  static final long MAX_GROUP_BYTES = 4L * 1024 * 1024;

  private final ZooKeeperTarget target;
  /** The server of each node read so far, by path, with the version of the node it came from. */
  private final Map<String, Read> reads = new HashMap<>();
  /** The node data the servers in {@link #reads} came from, in bytes. */
  private long keptBytes;
  /** Nodes left out, and nodes read with a warning, since the last report: for the log. */
  private final List<String> unreadable = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  /** Lines about unreadable nodes: at most one a second, whatever a writer of the group does. */
  /** When the next warning about skipped nodes may be logged; the rest are counted. */
  private final java.util.concurrent.atomic.AtomicLong nextWarning =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
  private final java.util.concurrent.atomic.AtomicLong warningsLeftOut =
      new java.util.concurrent.atomic.AtomicLong();
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
  private record Read(long mzxid, ServerInstance server, int bytes) {}

  @Override
  public synchronized void start(Listener listener) {
    Objects.requireNonNull(listener, "listener == null");
    if (this.listener != null || closed) {
      throw new IllegalStateException(closed ? "this resolver is closed" : "already started");
    }
    this.listener = listener;
    client = target.newClient();
    // The cache keeps paths and versions only: listeners see each node's data once, as it comes.
    cache = CuratorCache.builder(client, target.group())
        .withStorage(CuratorCacheStorage.dataNotCached())
        .build();
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forInitialized(() -> {
          initialized = true;
          report(true);
        })
        .forAll((type, before, after) -> {
          if (after != null && !closed) {
            read(after);
          }
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

  /** Parses a node that is new or changed, unless it was read in this version. */
  private void read(ChildData child) {
    if (!target.group().equals(ZKPaths.getPathAndNode(child.getPath()).getPath())) {
      return;
    }
    long mzxid = child.getStat() == null ? -1 : child.getStat().getMzxid();
    Read old = reads.get(child.getPath());
    if (old != null && old.mzxid() == mzxid) {
      return;
    }
    if (old != null) {
      keptBytes -= old.bytes();
    }
    // The node's name and data are the text of anyone who may write the group.
    String name = UntrustedText.escape(ZKPaths.getNodeFromPath(child.getPath()));
    ServerInstance server = parse(child, name);
    int bytes = child.getData() == null ? 0 : child.getData().length;
    if (server != null && keptBytes + bytes > MAX_GROUP_BYTES) {
      unreadable.add(name + " (the group's servers kept already come from " + keptBytes
          + " bytes of node data, and a client keeps at most " + MAX_GROUP_BYTES + "; it is read"
          + " again when it changes)");
      server = null;
    }
    if (server == null) {
      bytes = 0;
    }
    keptBytes += bytes;
    reads.put(child.getPath(), new Read(mzxid, server, bytes));
  }

  /** The servers of the group's children, in the order of their names. */
  private List<ServerInstance> servers() {
    List<String> children = new ArrayList<>();
    cache.stream()
        .filter(d -> target.group().equals(ZKPaths.getPathAndNode(d.getPath()).getPath()))
        .forEach(d -> children.add(d.getPath()));
    children.sort(null);
    List<ServerInstance> servers = new ArrayList<>();
    for (String path : children) {
      Read read = reads.get(path);
      if (read != null && read.server() != null) {
        servers.add(read.server());
      }
    }
    if (reads.size() > children.size()) {
      Set<String> present = new HashSet<>(children);
      reads.entrySet().removeIf(e -> {
        if (present.contains(e.getKey())) {
          return false;
        }
        keptBytes -= e.getValue().bytes();
        return true;
      });
    }
    if (!unreadable.isEmpty()) {
      warnLimited("Skipping " + unreadable.size() + " node(s) of " + target + " that are"
          + " not minirpc servers this version can read: " + named(unreadable));
      unreadable.clear();
    }
    if (!warnings.isEmpty()) {
      warnLimited("Node(s) of " + target + " out of bounds: " + named(warnings));
      warnings.clear();
    }
    return List.copyOf(servers);
  }

  /**
   * Logs {@code message} unless one was logged less than a second ago: a registry that goes on
   * holding bad nodes cannot flood the log. The next line says how many were left out.
   */
  private void warnLimited(String message) {
    long now = System.nanoTime();
    long next = nextWarning.get();
    if (now - next < 0 || !nextWarning.compareAndSet(next, now + 1_000_000_000L)) {
      warningsLeftOut.incrementAndGet();
      return;
    }
    long leftOut = warningsLeftOut.getAndSet(0);
    log.warn("{}{}", message, leftOut > 0 ? " (" + leftOut + " similar line(s) left out)" : "");
  }

  /** The first {@link #MAX_NAMED} of {@code lines}, and how many more there are. */
  private static String named(List<String> lines) {
    lines.sort(null); // by the node's name, which each line starts with
    int more = lines.size() - MAX_NAMED;
    return String.join("; ", lines.subList(0, Math.min(MAX_NAMED, lines.size())))
        + (more > 0 ? "; and " + more + " more" : "");
  }

  /** The server of one node, or null after adding to {@link #unreadable} why not. */
  private ServerInstance parse(ChildData child, String name) {
    try {
      return NodeFormat.read(child.getData(), w -> warnings.add(name + ": " + w));
    } catch (RuntimeException e) {
      unreadable.add(name + " (" + UntrustedText.escape(e.getMessage()) + ")");
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
