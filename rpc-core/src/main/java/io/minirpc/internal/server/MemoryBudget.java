package io.minirpc.internal.server;

import io.minirpc.internal.transport.LogSafe;
import io.netty.channel.Channel;
import io.netty.util.internal.PlatformDependent;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory that requests may hold in one server ({@code minirpc.server.maxMemory}), shared by
 * its connections, each of which may hold at most {@code minirpc.server.maxConnectionMemory} of
 * it ({@code ConnectionMemory}). Counted: every frame from its first eight bytes until it is
 * released, a request at {@value #REQUEST_FACTOR} times its size (its bytes, and what decoding
 * makes of them) and {@value #CALL_BYTES} bytes more, for the call it becomes; of that, four times
 * its body stay counted until its call's answer is encoded, for the decoded arguments, and the
 * {@value #CALL_BYTES} bytes and its parsed metadata until the answer is written. The encoded
 * answer is counted from then until it is written ({@link CallMemory}).
 *
 * <p>Connections that found no room wait without reading, and are woken when memory is given
 * back. A connection that holds memory for a frame it stopped sending, or sends in a drip, cannot
 * keep it from them: when others wait, it is closed once its frame has not advanced for {@link
 * #STALL_NANOS}, or has taken longer to arrive than its size allows at {@link #MIN_ARRIVAL_RATE}.
 *
 * <p>Nor can one client host keep the others out by taking every byte given back the moment it
 * is given back, however fast it sends: while a connection of a host holding less than its share
 * ({@code minirpc.server.maxAddressMemory}) waits for memory, the hosts holding more than theirs
 * start no new frame ({@link AddressShare}). A host alone may use all of the budget.
 * Lock-free: one CAS to take memory, one add to give it back.
 */
final class MemoryBudget {
  private static final Logger log = LoggerFactory.getLogger(MemoryBudget.class);
  private static final LogSafe.Limiter YIELDS = LogSafe.Limiter.perSecond();
  /** The share of connections that have no IP address: the in-JVM transport's. */
  private static final String LOCAL = "local";
  /**
   * What a request holds while it waits and is decoded, as a multiple of its size: its bytes, in
   * direct memory, and up to four times as much on the heap while it is decoded. Jackson takes
   * about four times a long string's bytes at its peak (the characters twice over, a builder and
   * the string), Kryo about three; arrays of numbers take up to four. Once it is decoded, the
   * frame's bytes are given back and the heap's part stays counted until the call is answered:
   * what decoding made of a request lives that long.
   */
  static final int REQUEST_FACTOR = 5;
  /**
   * What one parsed metadata entry costs on the heap besides its characters: a map entry and two
   * strings with their arrays, about 130 bytes on a 64-bit JVM with compressed pointers.
   */
  static final int METADATA_ENTRY_BYTES = 128;
  /**
   * What one open call holds on the heap besides its request, from admission until its answer is
   * written: the call and its header, the connection's table entry, the decoding budget, and for
   * one that waits for an asynchronous result (a health watch) its future, its timeout and the
   * watch's entry. Measured, not guessed: 10,000 asynchronous calls parked on one server held 8.0
   * MB of heap after a full collection, 803 bytes each (issue 16's probe saw about 0.7 KB per
   * parked health watch); rounded up to a kilobyte. Taken with the request's frame, so it costs no
   * more work per call.
   */
  static final int CALL_BYTES = 1024;
  /** The default of {@code minirpc.server.maxCalls}: one call per this many bytes of the budget. */
  static final int BYTES_PER_CALL = 2048;
  /**
   * A frame holding memory that has not advanced by 64 KiB for this long, while other connections
   * wait, is given up on: its connection is closed. A peer sending at 32 KiB/s never meets it.
   */
  static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(2);
  /**
   * While other connections wait for memory, a frame holding memory must arrive at this rate, in
   * bytes a second, after {@link #STALL_NANOS}; slower, its connection is closed: holding the
   * budget costs a peer five times the bandwidth of its requests' size, not a drip.
   */
  static final long MIN_ARRIVAL_RATE = 128 * 1024;
  /** The search for stalled frames runs at most this often, however many connections wait. */
  private static final long RECLAIM_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final long limit;
  private final long perConnection;
  private final long perAddress;
  private final AtomicLong used = new AtomicLong();
  private final Map<Object, AddressShare> shares = new ConcurrentHashMap<>();
  /** Hosts with a connection that waits for memory while the host holds less than its share. */
  private final AtomicInteger starvedHosts = new AtomicInteger();
  private final Set<MemoryHolder> connections = ConcurrentHashMap.newKeySet();
  private final Set<MemoryHolder> waiting = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextReclaim = new AtomicLong(System.nanoTime());

  /**
   * @param limit bytes for the whole server
   * @param perConnection bytes for one connection, at most {@code limit}
   * @param perAddress bytes past which a client host gives way to hosts that hold less and wait
   */
  MemoryBudget(long limit, long perConnection, long perAddress) {
    this.limit = limit;
    this.perConnection = Math.min(perConnection, limit);
    this.perAddress = Math.min(perAddress, limit);
  }

  /** What the JVM, Netty, the codecs and minirpc hold of the heap themselves, about. */
  private static final long BASELINE = 16L << 20;

  /**
   * The default of {@code minirpc.server.maxMemory}: of the smaller of the JVM's maximum heap and
   * its maximum direct memory (frames wait in direct memory and are decoded onto the heap), three
   * quarters of what is left after {@value #BASELINE} bytes for the JVM's own objects, and at least
   * a quarter. The rest is the application's, and the allocators' slack. 84 MiB at -Xmx128m.
   */
  static long defaultLimit() {
    long heap = Runtime.getRuntime().maxMemory();
    long direct = PlatformDependent.maxDirectMemory();
    long smaller = Math.min(heap, direct > 0 ? direct : heap);
    return Math.max(smaller / 4, (smaller - BASELINE) / 4 * 3);
  }

  long limit() {
    return limit;
  }

  long perConnection() {
    return perConnection;
  }

  /** Bytes held now, by every connection. */
  long used() {
    return used.get();
  }

  long perAddress() {
    return perAddress;
  }

  /** The share of the host of a new connection, which counts it. */
  AddressShare join(Channel channel) {
    InetAddress group = AddressGroup.of(channel.remoteAddress());
    Object key = group == null ? LOCAL : group;
    return shares.compute(key, (k, s) -> {
      AddressShare opened = s != null ? s
          : new AddressShare(k, group == null ? LOCAL : AddressGroup.describe(group));
      opened.connections++;
      return opened;
    });
  }

  /** A new connection's memory, from now on reclaimed from when it stalls the others. */
  void opened(MemoryHolder m) {
    connections.add(m);
  }

  /**
   * The connection is gone. Its host's share is forgotten with its last connection; calls that
   * outlive it give their memory back to the forgotten share, which no one reads any more.
   */
  void closed(MemoryHolder m, AddressShare share) {
    connections.remove(m);
    waiting.remove(m);
    shares.computeIfPresent(share.key, (k, s) -> s != share || --s.connections > 0 ? s : null);
  }

  /**
   * Whether a connection of {@code share}'s host must wait before it takes memory for a new
   * frame: its host holds its share or more, and a connection of another host that holds less
   * waits for memory.
   */
  boolean mustYield(AddressShare share) {
    if (share.used() < perAddress) {
      return false;
    }
    int others = starvedHosts.get() - (share.starved() ? 1 : 0);
    if (others <= 0) {
      return false;
    }
    long leftOut = YIELDS.acquire();
    if (leftOut >= 0) {
      log.info("Client host {} holds {} bytes of the server's memory, its share or more"
          + " (minirpc.server.maxAddressMemory={}): its connections read no new frame while"
          + " connections of {} other host(s) holding less wait for memory"
          + " (minirpc.server.maxMemory={}){}", share.host, share.used(), perAddress, others,
          limit, LogSafe.Limiter.suffix(leftOut));
    }
    return true;
  }

  /** A connection of {@code share}'s host waits for memory; the host holds less than its share. */
  void starve(AddressShare share) {
    if (share.starve()) {
      starvedHosts.incrementAndGet();
    }
  }

  /**
   * A connection that {@link #starve starved} took its memory, or is gone. When no host is
   * starved any more, the hosts that gave way are woken: no release may come to wake them.
   */
  void fed(AddressShare share) {
    if (share.fed() && starvedHosts.decrementAndGet() == 0) {
      for (MemoryHolder m : waiting) {
        m.wake();
      }
    }
  }

  /** Takes {@code bytes} if they fit. */
  boolean tryTake(long bytes) {
    for (;;) {
      long u = used.get();
      if (u + bytes > limit) {
        return false;
      }
      if (used.compareAndSet(u, u + bytes)) {
        return true;
      }
    }
  }

  /** Counts bytes already in memory, whether they fit or not. */
  void hold(long bytes) {
    used.addAndGet(bytes);
  }

  /** Gives back {@code bytes}, and wakes the connections that wait for memory. */
  void release(long bytes) {
    used.addAndGet(-bytes);
    if (!waiting.isEmpty()) {
      for (MemoryHolder m : waiting) {
        m.wake();
      }
    }
  }

  /** {@code m} waits for memory of the whole server. */
  void await(MemoryHolder m) {
    waiting.add(m);
  }

  void stopWaiting(MemoryHolder m) {
    waiting.remove(m);
  }

  /**
   * How long a frame of {@code frameBytes} may take to arrive while others wait for memory: {@link
   * #STALL_NANOS}, and the time its bytes take at {@link #MIN_ARRIVAL_RATE}. 7 s for 640 KiB.
   */
  static long arrivalNanos(int frameBytes) {
    return STALL_NANOS + frameBytes * TimeUnit.SECONDS.toNanos(1) / MIN_ARRIVAL_RATE;
  }

  /**
   * Others wait for memory: closes the connections that hold memory for a frame that has not
   * advanced for {@link #STALL_NANOS}, or has taken longer than {@link #arrivalNanos} for its
   * size. Runs at most every 100 ms.
   */
  void reclaim() {
    long now = System.nanoTime();
    long next = nextReclaim.get();
    if (now - next < 0 || !nextReclaim.compareAndSet(next, now + RECLAIM_EVERY_NANOS)) {
      return;
    }
    for (MemoryHolder m : connections) {
      long stalled = m.stalledFor(now);
      if (stalled >= STALL_NANOS) {
        m.evict(stalled, limit);
      } else if (m.overdue(now) > 0) {
        m.evictSlow(now, limit);
      }
    }
  }
}
