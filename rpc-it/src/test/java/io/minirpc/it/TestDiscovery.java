package io.minirpc.it;

import io.minirpc.discovery.DiscoveryProvider;
import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry in this JVM, scheme {@code test:///group}: a test publishes the servers of a group,
 * and every client resolving the group hears the list at once, as from a watch. It exercises the
 * client's side of discovery (joins, leaves, fingerprints) without a coordination service.
 */
public final class TestDiscovery implements DiscoveryProvider {
  private static final Map<String, List<ServerInstance>> GROUPS = new ConcurrentHashMap<>();
  private static final Map<String, List<NameResolver.Listener>> LISTENERS =
      new ConcurrentHashMap<>();

  /** Sets the servers of {@code group} and tells every client resolving it. */
  static void publish(String group, List<ServerInstance> servers) {
    GROUPS.put(group, List.copyOf(servers));
    for (NameResolver.Listener l : LISTENERS.getOrDefault(group, List.of())) {
      l.onServers(servers);
    }
  }

  /** Tells every client resolving {@code group} that the registry cannot be reached. */
  static void fail(String group, String reason) {
    for (NameResolver.Listener l : LISTENERS.getOrDefault(group, List.of())) {
      l.onError(reason);
    }
  }

  @Override
  public String scheme() {
    return "test";
  }

  @Override
  public NameResolver resolver(URI target) {
    String group = target.getPath();
    return new NameResolver() {
      private NameResolver.Listener listener;

      @Override
      public void start(Listener listener) {
        this.listener = listener;
        LISTENERS.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(listener);
        List<ServerInstance> now = GROUPS.get(group);
        if (now != null) {
          listener.onServers(now);
        }
      }

      @Override
      public void close() {
        List<NameResolver.Listener> l = LISTENERS.get(group);
        if (l != null) {
          l.remove(listener);
        }
      }
    };
  }
}
