package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's connections brought to an end without losing a call that could still finish: each
 * is told GOAWAY, the calls in flight get the grace period, those still running after it are
 * failed UNAVAILABLE, and every connection is closed once its client has seen the end.
 */
final class GracefulClose {
  /**
   * The lines are the server's: operators filter on its logger, named here rather than through
   * the class, which would make this file and the server's use each other.
   */
  private static final Logger log =
      LoggerFactory.getLogger("io.minirpc.internal.server.ServerRuntime");

  private GracefulClose() {}

  /**
   * Drains {@code connections}, whose server no longer accepts new ones nor admits new calls
   * ({@code inFlight} is closed), within {@code gracePeriod}; returns once every one is closed.
   *
   * @param where the server, for the GOAWAY's reason: "port 4242"
   */
  static void drain(Iterable<Channel> connections, InFlight inFlight, Duration gracePeriod,
      String where) {
    long grace = gracePeriod.toNanos();
    long graceEnds = System.nanoTime() + grace;
    String reason = "the server on " + where + " is shutting down";
    for (Channel ch : connections) {
      ServerHandler h = ch.pipeline().get(ServerHandler.class);
      if (h != null) {
        h.goAway(reason);
      }
    }
    if (!inFlight.await(grace)) {
      log.warn(
          "{} call(s) still running after the grace period of {} ms; failing them with"
              + " UNAVAILABLE",
          inFlight.count(),
          gracePeriod.toMillis());
      String message = "the server shut down before the call finished: it did not end within"
          + " the grace period of " + gracePeriod.toMillis() + " ms"
          + " (minirpc.server.gracePeriod). It may have partly run";
      for (Channel ch : connections) {
        ServerHandler h = ch.pipeline().get(ServerHandler.class);
        if (h != null) {
          h.abortAll(RpcException.Code.UNAVAILABLE, message);
        }
      }
      inFlight.await(TimeUnit.SECONDS.toNanos(1)); // let the answers reach the sockets
    } else {
      // A client closes its connection once its last call there has ended after GOAWAY, so a
      // call it sent before it read the GOAWAY still reaches us (and is refused unrun, to be
      // sent again elsewhere) instead of meeting a closed socket.
      for (Channel ch : connections) {
        long left = graceEnds - System.nanoTime();
        if (left <= 0) {
          break;
        }
        ch.closeFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left) + 1);
      }
    }
    for (Channel ch : connections) {
      ch.close();
    }
    for (Channel ch : connections) {
      ch.closeFuture().awaitUninterruptibly();
    }
  }

  /** Waits {@code delay}; an interrupt ends the wait early and stays set. */
  static void sleep(java.time.Duration delay) {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
