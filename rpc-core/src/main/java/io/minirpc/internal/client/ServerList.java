package io.minirpc.internal.client;

import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.transport.LogSafe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers discovery (or the fixed list) gives a fleet, each with its {@link Endpoint}, in the
 * client's own stable random order ({@link Subsetting#rank}). Guarded by the fleet's lock.
 */
final class ServerList {
  /** Makes the endpoint of one server, at its rank. */
  interface Factory {
    Endpoint create(ServerInstance server, long rank);
  }

  /** The lines are the fleet's, by its logger's name (the class would make a cycle). */
  private static final Logger log =
      LoggerFactory.getLogger("io.minirpc.internal.client.Fleet");

  private final String target;
  private final Function<ServerInstance, String> unusable;
  private final Factory factory;
  /** Lines about servers this client cannot use: a registry's writer decides how many. */
  private final LogSafe.Limiter unusableLog = LogSafe.Limiter.perSecond();
  private final long seed = ThreadLocalRandom.current().nextLong();
  /** Every server listed, by address. */
  private final Map<String, Endpoint> byAddress = new LinkedHashMap<>();
  /** Why discovery's last list had servers this client left out, or null. */
  private volatile String leftOut;

  /** @param unusable why the client may not call a server, or null when it may */
  ServerList(String target, Function<ServerInstance, String> unusable, Factory factory) {
    this.target = target;
    this.unusable = unusable;
    this.factory = factory;
  }

  /** Why discovery's last list had servers this client left out, or null. */
  String leftOut() {
    return leftOut;
  }

  /**
   * Takes discovery's new list, by address, leaving out (with a word) the servers this client may
   * not call: a server listed before keeps its endpoint (with what discovery now says of it), a
   * new one gets one. Returns the endpoints of the servers no longer listed, to retire.
   */
  List<Endpoint> replace(List<ServerInstance> listed) {
    Map<String, ServerInstance> now = new LinkedHashMap<>();
    String why = null;
    int refused = 0;
    for (ServerInstance s : listed) {
      String refusal = unusable.apply(s);
      if (refusal != null) {
        refused++;
        why = refusal;
      } else {
        now.put(s.address(), s);
      }
    }
    leftOut = refused == 0 ? null : refused + " server(s) left out; for one, " + why;
    if (refused > 0) {
      unusableLog.warn(log, "Calling none of " + refused + " server(s) that discovery lists"
          + " for " + target + ": " + why);
    }
    for (Map.Entry<String, ServerInstance> e : now.entrySet()) {
      Endpoint existing = byAddress.get(e.getKey());
      if (existing != null) {
        existing.update(e.getValue());
      } else {
        byAddress.put(e.getKey(),
            factory.create(e.getValue(), Subsetting.rank(seed, e.getKey())));
      }
    }
    List<Endpoint> gone = new ArrayList<>();
    for (Map.Entry<String, Endpoint> e : List.copyOf(byAddress.entrySet())) {
      if (!now.containsKey(e.getKey())) {
        byAddress.remove(e.getKey());
        gone.add(e.getValue());
      }
    }
    return gone;
  }

  /** Every endpoint, in the client's order. */
  Endpoint[] inOrder() {
    Endpoint[] sorted = byAddress.values().toArray(new Endpoint[0]);
    Arrays.sort(sorted, Comparator.comparingLong((Endpoint e) -> e.rank)
        .thenComparing(Endpoint::address));
    return sorted;
  }

  /** Whether {@code e} is the endpoint listed for its address now. */
  boolean lists(Endpoint e) {
    return byAddress.get(e.address()) == e;
  }
}
