package io.minirpc.internal.registry;

import io.minirpc.discovery.DiscoveryProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The kinds of registry installed on the class path, found with {@link ServiceLoader} as the
 * codecs are: one {@link DiscoveryProvider} per URI scheme. Two providers of one scheme are a
 * packaging error and fail loudly, naming both classes.
 */
public final class DiscoveryProviders {
  /** Where the providers that ship with minirpc live, for "add this artifact" messages. */
  private static final Map<String, String> KNOWN_ARTIFACTS =
      Map.of("zookeeper", "io.minirpc:rpc-discovery-zookeeper");

  private DiscoveryProviders() {}

  /**
   * The provider of {@code scheme} (in any case).
   *
   * @param key the setting that named the scheme, for the message: {@code minirpc.address}
   * @throws IllegalStateException naming the installed schemes and the artifact to add, or two
   *     classes that claim the scheme
   */
  public static DiscoveryProvider forScheme(String scheme, String key) {
    String wanted = scheme.toLowerCase(Locale.ROOT);
    Map<String, DiscoveryProvider> installed = installed();
    DiscoveryProvider p = installed.get(wanted);
    if (p != null) {
      return p;
    }
    String list = installed.isEmpty() ? "none" : String.join(", ", installed.keySet());
    String artifact = KNOWN_ARTIFACTS.get(wanted);
    throw new IllegalStateException("No discovery provider for '" + wanted + ":' is installed"
        + " (installed: " + list + "). " + (artifact != null
            ? "Add " + artifact + " to the classpath"
            : "Add the module that provides it to the classpath (it lists its class in"
                + " META-INF/services/" + DiscoveryProvider.class.getName() + ")")
        + ", or change " + key);
  }

  /** Every installed provider by scheme, in discovery order. */
  static Map<String, DiscoveryProvider> installed() {
    List<DiscoveryProvider> found =
        Installed.load(DiscoveryProvider.class, "discovery provider");
    Map<String, DiscoveryProvider> byScheme = new LinkedHashMap<>();
    for (DiscoveryProvider p : found) {
      String scheme = p.scheme().toLowerCase(Locale.ROOT);
      DiscoveryProvider other = byScheme.putIfAbsent(scheme, p);
      if (other != null && other.getClass() != p.getClass()) {
        throw new IllegalStateException("Two discovery providers claim the scheme '" + scheme
            + ":': " + other.getClass().getName() + " and " + p.getClass().getName()
            + ". Keep one of them on the classpath");
      }
    }
    return byScheme;
  }
}
