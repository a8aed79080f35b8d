package io.minirpc.internal.server;

import io.minirpc.internal.transport.LogSafe;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long one connection may stay, as gRPC's {@code maxConnectionIdle} and {@code
 * maxConnectionAge}: a connection with no call open and no request for the idle limit (PINGs do
 * not count), one older than its age limit (jittered by ±10%, so that connections opened together
 * do not leave together), and one not authenticated within the handshake timeout on a server with
 * an authenticator, each get GOAWAY with the reason, then the close. After GOAWAY a minirpc client
 * sends nothing new, and closes the connection once its calls there have ended; the server closes
 * it a second after the GOAWAY if no call is open, and at the end of the grace period in any case.
 *
 * <p>The idle check runs a few times per idle limit on the connection's event loop; a request
 * costs one increment of a counter.
 */
final class ConnectionLifetime {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLifetime.class);
  /** Idle, aged and unauthenticated connections, one line a second for the whole server. */
  private static final LogSafe.Limiter CLOSED = LogSafe.Limiter.perSecond();
  /** Where {@link ConnectionLimits} finds a connection's lifetime, to choose one to close. */
  static final AttributeKey<ConnectionLifetime> KEY =
      AttributeKey.valueOf(ConnectionLifetime.class, "lifetime");
  /** How long a client has to read a GOAWAY before a connection with no call open is closed. */
  private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * @param maxIdleNanos 0 for no limit
   * @param maxAgeNanos 0 for no limit
   * @param graceNanos how long calls open at GOAWAY may still take
   * @param authenticationNanos how long a connection may stay unauthenticated; 0 for no limit
   *     (a server without an authenticator)
   */
  record Limits(long maxIdleNanos, long maxAgeNanos, long graceNanos, long authenticationNanos) {}

  private final Channel channel;
  private final ConnectionCalls calls;
  private final Limits limits;
  private final long openedNanos = System.nanoTime();
  /** Requests received; event loop. */
  private int requests;
  /** {@link #requests} at the last idle check; event loop. */
  private int requestsSeen;
  /** When a request last arrived or a call was last open, to within one idle check. */
  private volatile long activeNanos = openedNanos;
  private volatile boolean goingAway;
  private ScheduledFuture<?> idleCheck;
  private ScheduledFuture<?> ageLimit;
  private ScheduledFuture<?> authenticationLimit;

  ConnectionLifetime(Channel channel, ConnectionCalls calls, Limits limits) {
    this.channel = channel;
    this.calls = calls;
    this.limits = limits;
    channel.attr(KEY).set(this);
  }

  /** Starts the clocks; the channel's event loop, when it becomes active. */
  void start() {
    long idle = limits.maxIdleNanos();
    if (idle > 0) {
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50),
          Math.min(idle / 4, TimeUnit.SECONDS.toNanos(10)));
      idleCheck = channel.eventLoop().scheduleAtFixedRate(this::checkIdle, period, period,
          TimeUnit.NANOSECONDS);
    }
    long age = limits.maxAgeNanos();
    if (age > 0) {
      long jittered = (long) (age * ThreadLocalRandom.current().nextDouble(0.9, 1.1));
      ageLimit = channel.eventLoop().schedule(() -> goAway("the connection reached its maximum"
          + " age of " + TimeUnit.NANOSECONDS.toMillis(age) + " ms (minirpc.server"
          + ".maxConnectionAge); calls open now have " + TimeUnit.NANOSECONDS.toMillis(
              limits.graceNanos()) + " ms to end (minirpc.server.maxConnectionAgeGrace)"),
          jittered, TimeUnit.NANOSECONDS);
    }
    long authentication = limits.authenticationNanos();
    if (authentication > 0) {
      authenticationLimit = channel.eventLoop().schedule(() -> {
        if (!calls.isAuthenticated()) {
          goAway("the connection was not authenticated within " + TimeUnit.NANOSECONDS.toMillis(
              authentication) + " ms of opening (minirpc.server.handshakeTimeout): send the"
              + " credential in the client's metadata (minirpc.metadata.*)");
        }
      }, authentication, TimeUnit.NANOSECONDS);
    }
  }

  /** A request arrived; event loop. */
  void requested() {
    requests++;
  }

  /** The connection closed; event loop. */
  void stop() {
    cancel(idleCheck);
    cancel(ageLimit);
    cancel(authenticationLimit);
  }

  /** Since when, on the System.nanoTime() clock, the connection has been idle; any thread. */
  long activeNanos() {
    return activeNanos;
  }

  /** Whether a call is open on the connection; any thread. */
  boolean hasCalls() {
    return calls.size() > 0;
  }

  private void checkIdle() {
    long now = System.nanoTime();
    if (requests != requestsSeen || calls.size() > 0) {
      requestsSeen = requests;
      activeNanos = now;
    } else if (now - activeNanos >= limits.maxIdleNanos() && !goingAway) {
      goAway("the connection was idle for " + TimeUnit.NANOSECONDS.toMillis(now - activeNanos)
          + " ms, with no call open and no request (minirpc.server.maxConnectionIdle="
          + TimeUnit.NANOSECONDS.toMillis(limits.maxIdleNanos()) + "ms); open a new one to call"
          + " again");
    }
  }

  /**
   * GOAWAY with {@code reason}, then the close once no call is open (a second on at the
   * earliest) or when the grace period ends; from any thread, once.
   */
  void goAway(String reason) {
    if (!channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(() -> goAway(reason));
      return;
    }
    if (goingAway) {
      return;
    }
    goingAway = true;
    if (!channel.isActive()) {
      channel.close(); // made room for another before it became active: it goes without a word
      return;
    }
    cancel(idleCheck);
    CLOSED.info(log, "Closing connection from " + channel.remoteAddress() + " after GOAWAY: "
        + reason);
    channel.writeAndFlush(GoAway.frame(channel.alloc(), reason), channel.voidPromise());
    channel.eventLoop().schedule(this::closeIfQuiet, LINGER_NANOS, TimeUnit.NANOSECONDS);
    channel.eventLoop().schedule(() -> {
      channel.close();
    }, Math.max(LINGER_NANOS, limits.graceNanos()), TimeUnit.NANOSECONDS);
  }

  /** Closes now if no call is open, else looks again shortly. */
  private void closeIfQuiet() {
    if (!channel.isActive()) {
      return;
    }
    if (calls.size() == 0) {
      channel.close();
    } else {
      channel.eventLoop().schedule(this::closeIfQuiet, 100, TimeUnit.MILLISECONDS);
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
