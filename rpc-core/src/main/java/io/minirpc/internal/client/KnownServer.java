package io.minirpc.internal.client;

import io.minirpc.discovery.ServerInstance;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a client knows of one server, whatever its connections do: its address, what discovery
 * says of it (and so which of the client's methods its published fingerprints let it serve), its
 * health record and where it sorts for subsetting. {@link Endpoint} is the server with its
 * connections and waiting calls.
 */
abstract class KnownServer {
  /** Its recent calls and ejection, for outlier ejection and balancing. */
  final HealthRecord health = new HealthRecord();
  /** Where this server sorts in the client's stable random order of servers (subsetting). */
  final long rank;

  private final String address;
  /** What discovery says of the server; replaced when it says something new. */
  private volatile ServerInstance instance;
  /** Per method: whether the server's published fingerprints let this client call it. */
  private final Map<ClientMethod, Boolean> serves = new ConcurrentHashMap<>();

  /** @param address "host:port", or "local:NAME" for a server in this JVM */
  KnownServer(String address, ServerInstance instance, long rank) {
    this.address = address;
    this.instance = instance;
    this.rank = rank;
  }

  final String address() {
    return address;
  }

  final ServerInstance instance() {
    return instance;
  }

  /** Discovery described the server anew (a restart may have changed what it serves). */
  final void update(ServerInstance newer) {
    if (!newer.equals(instance)) {
      instance = newer;
      serves.clear();
    }
  }

  /**
   * Whether the server's published fingerprints let this client call {@code method}: true when
   * discovery does not publish them (the handshake then decides), else only for the same service,
   * method and digest. A fleet mid-deploy keeps each client on the servers that match it.
   */
  final boolean serves(ClientMethod method) {
    Boolean known = serves.get(method);
    if (known == null) {
      known = Compatibility.published(instance, method);
      serves.put(method, known);
    }
    return known;
  }

  final boolean isEjected(long now) {
    return health.isEjected(now);
  }
}
