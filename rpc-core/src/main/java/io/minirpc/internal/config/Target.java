package io.minirpc.internal.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Where a client's servers are, as {@code minirpc.address} gives them: a fixed list of {@code
 * host:port}, or a URI whose scheme names a {@code DiscoveryProvider} ({@code dns:///name:port},
 * {@code zookeeper://zk1:2181/minirpc/orders}), or {@code local:NAME}, the server bound to that
 * name over the local transport in this JVM (kept as the opaque URI {@code local:NAME}).
 *
 * @param text the setting as written, for messages
 * @param addresses the fixed servers, or empty when {@code uri} is set
 * @param uri the discovery URI, or null for a fixed list
 */
public record Target(String text, List<HostPort> addresses, URI uri) {
  /** What starts an address of a server in this JVM: {@code local:orders}. */
  public static final String LOCAL_PREFIX = "local:";

  public Target {
    Objects.requireNonNull(text, "text == null");
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty() == (uri == null)) {
      throw new IllegalArgumentException("a target is either a list of addresses or a URI");
    }
  }

  /** One fixed server. */
  public static Target of(HostPort address) {
    String host = address.host();
    String text = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.port();
    return new Target(text, List.of(address), null);
  }

  /**
   * Parses {@code host:port[,host:port...]} or {@code scheme://...}, each address with {@code
   * hostPort}.
   *
   * @throws IllegalArgumentException saying what is expected, naming {@code key}
   */
  static Target parse(
      String key, String text, java.util.function.BiFunction<String, String, HostPort> hostPort) {
    String v = text.trim();
    if (v.startsWith(LOCAL_PREFIX)) {
      return local(key, v.substring(LOCAL_PREFIX.length()));
    }
    if (v.contains("://")) {
      URI uri;
      try {
        uri = new URI(v);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException(key + " = '" + text + "' is not a valid URI: "
            + e.getMessage());
      }
      if (uri.getScheme() == null || uri.getScheme().isBlank()) {
        throw new IllegalArgumentException(key + " = '" + text + "' has no scheme");
      }
      return new Target(v, List.of(), uri);
    }
    List<HostPort> list = new java.util.ArrayList<>();
    for (String part : v.split(",")) {
      if (!part.isBlank()) {
        list.add(hostPort.apply(key, part));
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException(key + " is empty: give host:port, a comma-separated"
          + " list of them, or a discovery URI such as dns:///name:port");
    }
    return new Target(v, list, null);
  }

  /**
   * The server named {@code name} in this JVM, over the local transport.
   *
   * @throws IllegalArgumentException if the name is blank, naming {@code key}
   */
  static Target local(String key, String name) {
    String n = name.trim();
    if (n.isEmpty()) {
      throw new IllegalArgumentException(key + " = 'local:' has no name: give the name the"
          + " server binds (its minirpc.host with minirpc.transport=local), as local:orders");
    }
    try {
      return new Target(LOCAL_PREFIX + n, List.of(), new URI("local", n, null));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(key + " = 'local:" + n + "': " + e.getMessage(), e);
    }
  }

  /** The name of the server in this JVM for {@code local:NAME}, else null. */
  public String localName() {
    return uri != null && "local".equals(uri.getScheme())
        ? text.substring(LOCAL_PREFIX.length()) : null;
  }

  /** Whether this is exactly one fixed server. */
  public boolean isSingle() {
    return uri == null && addresses.size() == 1;
  }

  @Override
  public String toString() {
    return text;
  }
}
