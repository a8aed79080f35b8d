package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.observe.TrafficCounter;
import io.minirpc.metrics.Refusal;
import io.minirpc.metrics.RpcObserver;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every accepted connection comes in: admitted by the {@link ConnectionLimits} and listed
 * among the server's open connections until it closes, or refused with a GOAWAY that names the
 * limit ({@link RefusedConnection}), the observer told.
 */
final class ConnectionGate {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);

  private final ConnectionLimits limits;
  private final Set<Channel> open;
  /** Null for none. */
  private final RpcObserver observer;
  /** Null without an observer. */
  private final TrafficCounter traffic;

  /**
   * @param open where admitted connections are listed until they close
   * @param observer told of refusals and traffic; null for none
   */
  ConnectionGate(ConnectionLimits limits, Set<Channel> open, RpcObserver observer) {
    this.limits = limits;
    this.open = open;
    this.observer = observer;
    this.traffic = observer == null ? null : new TrafficCounter(observer);
  }

  /** Null if {@code ch} is admitted; otherwise the handler that refuses it. */
  ChannelHandler admit(Channel ch) {
    String refusal = limits.admit(ch);
    if (refusal == null) {
      open.add(ch);
      ch.closeFuture().addListener(f -> open.remove(ch));
      if (traffic != null) {
        ch.pipeline().addFirst(TrafficCounter.NAME, traffic);
      }
      return null;
    }
    if (observer != null) {
      try {
        observer.refused(null, null, RpcException.Code.RESOURCE_EXHAUSTED,
            Refusal.CONNECTION_LIMIT);
      } catch (RuntimeException bug) {
        log.error("The observer {} failed", observer.getClass().getName(), bug);
      }
    }
    return new RefusedConnection(refusal);
  }
}
