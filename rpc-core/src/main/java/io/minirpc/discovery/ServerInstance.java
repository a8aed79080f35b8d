package io.minirpc.discovery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One server of a fleet, as a registry describes it: where it listens and, when the registry
 * knows, what it serves.
 *
 * <p>{@code services} maps each service's binary name to its methods' fingerprints (method key,
 * such as {@code add(int,int)}, to the digest the handshake compares): a client does not choose a
 * server whose fingerprint for a method differs from its own, so a fleet in the middle of an
 * incompatible deploy keeps serving each client from the servers that match it. An empty map
 * means "unknown" (DNS, a static list): the handshake decides once connected.
 *
 * @param host the host clients connect to (a name or an IP literal)
 * @param port the port, 1 to 65535
 * @param weight the share of calls relative to other servers, from 1 to {@link #MAX_WEIGHT}; 100
 *     when not said. A larger weight counts as {@link #MAX_WEIGHT}: a registry is written by
 *     whoever may write the group, and one server must not draw every call.
 * @param codecs the codecs the server speaks, or empty if unknown
 * @param services service name to (method key to fingerprint digest), or empty if unknown
 * @param attributes free-form labels such as {@code zone} or {@code version}
 */
public record ServerInstance(
    String host,
    int port,
    int weight,
    List<String> codecs,
    Map<String, Map<String, Long>> services,
    Map<String, String> attributes) {
  /** The weight of a server that does not say. */
  public static final int DEFAULT_WEIGHT = 100;

  /**
   * The largest weight, ten times the default: a server that says more gets this. A server of
   * weight 1000 gets about ten times the calls of one of weight 100, and no more.
   */
  public static final int MAX_WEIGHT = 1000;

  /** Checks and copies every part. */
  public ServerInstance {
    Objects.requireNonNull(host, "host == null");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port (" + port + ") must be between 1 and 65535");
    }
    if (weight < 1) {
      throw new IllegalArgumentException("weight (" + weight + ") must be at least 1");
    }
    weight = Math.min(weight, MAX_WEIGHT);
    codecs = List.copyOf(codecs);
    Map<String, Map<String, Long>> copy = new LinkedHashMap<>();
    services.forEach((name, methods) -> copy.put(name, Map.copyOf(methods)));
    services = java.util.Collections.unmodifiableMap(copy);
    attributes = Map.copyOf(attributes);
  }

  /** A server known only by its address (a static list, DNS). */
  public static ServerInstance of(String host, int port) {
    return new ServerInstance(host, port, DEFAULT_WEIGHT, List.of(), Map.of(), Map.of());
  }

  /** {@code host:port}, with an IPv6 literal in brackets. */
  public String address() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
