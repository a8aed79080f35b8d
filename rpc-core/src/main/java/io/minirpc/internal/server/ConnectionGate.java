package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.observe.TrafficCounter;
import io.minirpc.internal.transport.LogSafe;
import io.minirpc.metrics.Refusal;
import io.minirpc.metrics.RpcObserver;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.net.InetAddress;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every accepted connection comes in. One from a host that opens connections faster than
 * its {@link ConnectionRate} is closed at once, before TLS or any other work. The others are
 * admitted by the {@link ConnectionLimits} and listed among the server's open connections until
 * they close, or refused with a GOAWAY that names the limit ({@link RefusedConnection}). The
 * observer is told of every refusal.
 */
final class ConnectionGate {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);
  private static final LogSafe.Limiter TOO_FAST = LogSafe.Limiter.perSecond();

  private final ConnectionRate rate;
  private final int ratePerSecond;
  private final ConnectionLimits limits;
  private final Set<Channel> open;
  /** Null for none. */
  private final RpcObserver observer;
  /** Null without an observer. */
  private final TrafficCounter traffic;

  /**
   * @param ratePerSecond connections one host may open a second, on average
   * @param burst connections one host may open at once
   * @param open where admitted connections are listed until they close
   * @param observer told of refusals and traffic; null for none
   */
  ConnectionGate(int ratePerSecond, int burst, ConnectionLimits limits, Set<Channel> open,
      RpcObserver observer) {
    this.rate = new ConnectionRate(ratePerSecond, burst);
    this.ratePerSecond = ratePerSecond;
    this.limits = limits;
    this.open = open;
    this.observer = observer;
    this.traffic = observer == null ? null : new TrafficCounter(observer);
  }

  /**
   * Null if {@code ch} is admitted, or was closed at once; otherwise the handler that refuses
   * it.
   */
  ChannelHandler admit(Channel ch) {
    InetAddress host = AddressGroup.of(ch.remoteAddress());
    if (host != null && !rate.tryAcquire(host)) {
      TOO_FAST.warn(log, "Closing connection from " + ch.remoteAddress() + " at once: "
          + AddressGroup.describe(host) + " opens more than " + ratePerSecond + " connections a"
          + " second (minirpc.server.connectionRatePerAddress)");
      ch.close();
      refused();
      return null;
    }
    String refusal = limits.admit(ch, host);
    if (refusal == null) {
      open.add(ch);
      ch.closeFuture().addListener(f -> open.remove(ch));
      if (traffic != null) {
        ch.pipeline().addFirst(TrafficCounter.NAME, traffic);
      }
      return null;
    }
    refused();
    return new RefusedConnection(refusal);
  }

  private void refused() {
    if (observer != null) {
      try {
        observer.refused(null, null, RpcException.Code.RESOURCE_EXHAUSTED,
            Refusal.CONNECTION_LIMIT);
      } catch (RuntimeException bug) {
        log.error("The observer {} failed", observer.getClass().getName(), bug);
      }
    }
  }
}
