package io.minirpc.internal.server;

import io.minirpc.internal.transport.LogSafe;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections a server holds open, in total and per remote IP address; a connection beyond
 * either limit is closed as soon as it is accepted, before it can send a byte that is read.
 */
final class ConnectionLimits {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);
  private static final LogSafe.Limiter REFUSED = LogSafe.Limiter.perSecond();

  private final int max;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();

  ConnectionLimits(int max, int maxPerAddress) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Counts a newly accepted channel until it closes; false (and the channel closed) if it is over
   * a limit.
   */
  boolean admit(Channel ch) {
    InetAddress address = address(ch.remoteAddress());
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      refuse(ch, "the server already has " + max + " connections (minirpc.server.maxConnections)");
      return false;
    }
    AtomicInteger fromThere = address == null ? null
        : byAddress.compute(address, (a, n) -> {
          AtomicInteger count = n == null ? new AtomicInteger() : n;
          count.incrementAndGet();
          return count;
        });
    if (fromThere != null && fromThere.get() > maxPerAddress) {
      release(address);
      open.decrementAndGet();
      refuse(ch, "the server already has " + maxPerAddress + " connections from "
          + address.getHostAddress() + " (minirpc.server.maxConnectionsPerAddress)");
      return false;
    }
    ch.closeFuture().addListener(f -> {
      open.decrementAndGet();
      if (address != null) {
        release(address);
      }
    });
    return true;
  }

  private void release(InetAddress address) {
    byAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  private static void refuse(Channel ch, String why) {
    REFUSED.warn(log, "Refusing connection from " + ch.remoteAddress() + ": " + why);
    ch.close();
  }

  private static InetAddress address(SocketAddress a) {
    return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getAddress() : null;
  }
}
