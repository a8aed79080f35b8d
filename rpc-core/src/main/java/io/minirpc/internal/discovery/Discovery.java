package io.minirpc.internal.discovery;

import io.minirpc.discovery.DiscoveryProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/** The installed {@link DiscoveryProvider}s, by scheme. */
public final class Discovery {
  private Discovery() {}

  /**
   * The provider of {@code target}'s scheme.
   *
   * @throws IllegalStateException if none is installed, naming the artifact that has it when known
   */
  public static DiscoveryProvider provider(URI target) {
    String scheme = target.getScheme().toLowerCase(Locale.ROOT);
    List<String> installed = new ArrayList<>();
    for (DiscoveryProvider p : ServiceLoader.load(DiscoveryProvider.class,
        Discovery.class.getClassLoader())) {
      if (p.scheme().equalsIgnoreCase(scheme)) {
        return p;
      }
      installed.add(p.scheme());
    }
    String hint = scheme.equals("zookeeper")
        ? "add io.minirpc:rpc-discovery-zookeeper to the class path"
        : "add the jar that provides it to the class path";
    throw new IllegalStateException("No discovery provider for '" + scheme + ":' (" + target
        + "): " + hint + ". Installed: " + (installed.isEmpty() ? "none" : String.join(", ",
            installed)) + ". A fixed list of servers is written host1:port,host2:port");
  }
}
