package io.minirpc.internal.server;

import io.minirpc.internal.config.ServerKeys;
import io.minirpc.internal.transport.LogSafe;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed authentications, counted against token guessing. A connection whose calls or handshake
 * are refused {@code UNAUTHENTICATED} more than {@code perConnection} times is told to go away;
 * an IP address whose connections fail more than {@code perSecond} times a second (after a burst
 * of {@value #BURST_SECONDS} seconds' worth) has its new connections refused at their HELLO,
 * before the authenticator runs, until its rate falls back. Nothing is counted for callers that
 * authenticate, so it costs the call path nothing.
 */
final class AuthFailures {
  private static final Logger log = LoggerFactory.getLogger(AuthFailures.class);
  private static final LogSafe.Limiter BLOCKED = LogSafe.Limiter.perSecond();
  static final int BURST_SECONDS = 3;
  /** Addresses followed at most; those whose bucket is full again are forgotten first. */
  static final int MAX_ADDRESSES = 10_000;
  /** How long, at most, an address stays refused after its last attempt. */
  static final long MAX_BLOCK_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final int perConnection;
  private final int perSecond;
  private final long intervalNanos;
  private final long toleranceNanos;
  private final ConcurrentHashMap<InetAddress, Address> byAddress = new ConcurrentHashMap<>();

  /** One address: its bucket, as the time it is full again (GCRA), and counts for the log. */
  private static final class Address {
    final AtomicLong fullAt;
    final AtomicLong failures = new AtomicLong();
    final AtomicLong refusedHellos = new AtomicLong();

    Address(long now) {
      fullAt = new AtomicLong(now);
    }
  }

  AuthFailures(int perConnection, int perSecond) {
    this.perConnection = perConnection;
    this.perSecond = perSecond;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    this.toleranceNanos = intervalNanos * ((long) perSecond * BURST_SECONDS - 1);
  }

  /**
   * Counts a refused authentication on {@code connection}; once it has had more than its share,
   * marks it to be told to go away (see {@link ConnectionCalls#goAwayReason()}). Event loop.
   */
  void failed(ConnectionCalls connection) {
    InetAddress address = address(connection.channel());
    if (address != null) {
      failedFrom(address);
    }
    int n = connection.authenticationFailed();
    if (n > perConnection) {
      connection.goAway("too many failed authentications: " + n + " on this connection ("
          + ServerKeys.MAX_AUTH_FAILURES_PER_CONNECTION.name() + "=" + perConnection + "); check the"
          + " credential the client sends");
    }
  }

  private void failedFrom(InetAddress address) {
    long now = System.nanoTime();
    Address a = byAddress.get(address);
    if (a == null) {
      if (byAddress.size() >= MAX_ADDRESSES) {
        byAddress.values().removeIf(old -> old.fullAt.get() - now <= 0);
        if (byAddress.size() >= MAX_ADDRESSES) {
          return; // each connection's own limit still holds
        }
      }
      a = byAddress.computeIfAbsent(address, k -> new Address(now));
    }
    a.failures.incrementAndGet();
    advance(a, now);
  }

  /**
   * One more attempt from the address: its bucket is full again one interval later, but never
   * more than {@link #MAX_BLOCK_NANOS} past the point where HELLOs are let in again, so that an
   * address that stops trying is let in again soon.
   */
  private void advance(Address a, long now) {
    for (;;) {
      long full = a.fullAt.get();
      long start = full - now < 0 ? now : full;
      long next = Math.min(start + intervalNanos, now + toleranceNanos + MAX_BLOCK_NANOS);
      if (a.fullAt.compareAndSet(full, next)) {
        return;
      }
    }
  }

  /**
   * Null if a HELLO on {@code ch} may be authenticated; else why it is refused: its address has
   * failed too often lately. Logs the refusal, at most once a second for the server.
   */
  String refusesHello(Channel ch) {
    InetAddress address = address(ch);
    Address a = address == null ? null : byAddress.get(address);
    long now = System.nanoTime();
    if (a == null || a.fullAt.get() - now <= toleranceNanos) {
      return null;
    }
    // A refused HELLO is still an attempt: an address that goes on guessing stays refused.
    advance(a, now);
    long refused = a.refusedHellos.incrementAndGet();
    String name = AddressGroup.describe(address);
    BLOCKED.warn(log, "Refusing the HELLOs of new connections from " + name + ": "
        + a.failures.get() + " failed authentications from it, more than " + perSecond
        + " a second (" + ServerKeys.MAX_AUTH_FAILURES_PER_SECOND.name() + "); " + refused
        + " HELLO(s) refused");
    return "too many failed authentications from " + name + ": more than " + perSecond
        + " a second (" + ServerKeys.MAX_AUTH_FAILURES_PER_SECOND.name() + "); try again later, with"
        + " the right credential";
  }

  /** A host as the connection limits count it: an IPv6 /64 is one, as one host owns it. */
  private static InetAddress address(Channel ch) {
    return AddressGroup.of(ch.remoteAddress());
  }
}
