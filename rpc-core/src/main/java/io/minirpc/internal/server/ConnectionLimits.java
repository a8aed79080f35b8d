package io.minirpc.internal.server;

import io.minirpc.internal.transport.LogSafe;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections a server holds open, in total and per client host ({@link AddressGroup}: an
 * IPv4 address or an IPv6 /64). A connection beyond the host's limit is refused as soon as it is
 * accepted, with a GOAWAY that names the limit. At the total limit, a connection from a host that
 * holds fewer connections than the host holding the most still gets in: the longest-idle
 * connection of that host is closed (GOAWAY first) to make room, so connections that never leave
 * cannot lock new clients out. Otherwise it is refused like one beyond the host's limit.
 *
 * <p>Accepting takes one lock; making room looks at every host and at the connections of one.
 */
final class ConnectionLimits {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);
  private static final LogSafe.Limiter REFUSED = LogSafe.Limiter.perSecond();

  private final int max;
  private final int maxPerAddress;
  /** Guarded by this. */
  private final Map<InetAddress, List<Channel>> byAddress = new HashMap<>();
  /** Guarded by this: the connections counted, those of the local transport included. */
  private int open;

  ConnectionLimits(int max, int maxPerAddress) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Counts a newly accepted channel until it closes; or says why it is refused (null: admitted).
   * At the total limit, may make room by sending GOAWAY on another host's connection.
   *
   * @param group the channel's {@link AddressGroup}; null for none
   */
  String admit(Channel ch, InetAddress group) {
    Channel evicted = null;
    String why = null;
    synchronized (this) {
      List<Channel> mine = group == null ? null : byAddress.get(group);
      int held = mine == null ? 0 : mine.size();
      if (held >= maxPerAddress) {
        why = "the server already has " + maxPerAddress + " connections from "
            + AddressGroup.describe(group) + " (minirpc.server.maxConnectionsPerAddress)";
      } else if (open >= max) {
        List<Channel> most = largestGroup();
        if (group != null && most != null && most.size() > held + 1) {
          evicted = longestIdle(most);
          most.remove(evicted);
          open--;
        } else {
          why = "the server already has " + max + " connections (minirpc.server.maxConnections),"
              + " and none from a host with more connections than this one's to close for it";
        }
      }
      if (why == null) {
        open++;
        if (group != null) {
          byAddress.computeIfAbsent(group, g -> new ArrayList<>()).add(ch);
        }
      }
    }
    if (why != null) {
      REFUSED.warn(log, "Refusing connection from " + ch.remoteAddress() + ": " + why);
      return why;
    }
    if (evicted != null) {
      evict(evicted, group);
    }
    ch.closeFuture().addListener(f -> release(group, ch));
    return null;
  }

  private void evict(Channel victim, InetAddress newcomer) {
    String reason = "the server is at its limit of " + max + " connections"
        + " (minirpc.server.maxConnections), and the host " + AddressGroup.describe(
            AddressGroup.of(victim.remoteAddress())) + " holds the most: its longest-idle"
        + " connection is closed to make room for one from " + AddressGroup.describe(newcomer);
    ConnectionLifetime lifetime = victim.attr(ConnectionLifetime.KEY).get();
    if (lifetime != null) {
      lifetime.goAway(reason);
    } else {
      REFUSED.warn(log, "Closing connection from " + victim.remoteAddress() + ": " + reason);
      victim.close();
    }
  }

  /** The connections of the host holding the most; null if none. Guarded by this. */
  private List<Channel> largestGroup() {
    List<Channel> most = null;
    for (List<Channel> g : byAddress.values()) {
      if (most == null || g.size() > most.size()) {
        most = g;
      }
    }
    return most;
  }

  /**
   * Of {@code group}, the connection idle the longest: one not yet handshaken first, then one
   * without a call open, the one active longest ago among equals. Guarded by this.
   */
  private static Channel longestIdle(List<Channel> group) {
    Channel best = null;
    int bestTier = Integer.MAX_VALUE;
    long bestActive = 0;
    for (Channel ch : group) {
      ConnectionLifetime l = ch.attr(ConnectionLifetime.KEY).get();
      int tier = l == null ? 0 : l.hasCalls() ? 2 : 1;
      long active = l == null ? 0 : l.activeNanos();
      if (tier < bestTier || (tier == bestTier && active - bestActive < 0)) {
        best = ch;
        bestTier = tier;
        bestActive = active;
      }
    }
    return best;
  }

  private synchronized void release(InetAddress group, Channel ch) {
    if (group == null) {
      open--;
      return;
    }
    List<Channel> g = byAddress.get(group);
    if (g != null && g.remove(ch)) {
      open--;
      if (g.isEmpty()) {
        byAddress.remove(group);
      }
    }
  }
}
