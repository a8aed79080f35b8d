package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.FrameMemory;
import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.transport.LogSafe;
import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory one connection holds, within its own budget and the server's {@link MemoryBudget}:
 * its frames, reserved by its decoder before they are buffered, and what its calls hold ({@link
 * CallMemory}) until their answers are written. Given back from any thread: the frames by their
 * release, the calls' memory as they end.
 */
final class ConnectionMemory implements FrameMemory, MemoryHolder {
  private static final Logger log = LoggerFactory.getLogger(ConnectionMemory.class);
  private static final LogSafe.Limiter STALLED = LogSafe.Limiter.perSecond();

  /**
   * {@link #take}: taken; over this connection's budget; over the server's; and for a new frame,
   * over its host's share while other hosts wait.
   */
  static final int TAKEN = 0;
  static final int OVER_CONNECTION = 1;
  static final int OVER_SERVER = 2;
  static final int OVER_ADDRESS = 3;

  private final MemoryBudget server;
  private final Channel channel;
  private final AddressShare address;
  /** True while the decoder waits for the server's memory and its host held less than its share. */
  private final AtomicBoolean starved = new AtomicBoolean();
  private final AtomicLong used = new AtomicLong();
  /** Of {@link #used}, the bytes of encoded answers not yet written. */
  private final AtomicLong answers = new AtomicLong();
  /** What the answers of its started calls are expected to hold, until they are encoded. */
  private final AtomicLong expectedAnswers = new AtomicLong();
  /** Client streams open on the connection: their methods wait for frames still unread. */
  private final java.util.concurrent.atomic.AtomicInteger inputStreams =
      new java.util.concurrent.atomic.AtomicInteger();
  /** Whether the last REQUEST refused was refused beside open client streams; decoder only. */
  private boolean refusedBeside;
  /** True while the decoder waits for memory: the next release wakes it. */
  private final AtomicBoolean waiting = new AtomicBoolean();
  private volatile Runnable wake;
  /** When the frame the decoder holds memory for last advanced; 0 when none is arriving. */
  private volatile long stalledSince;
  /** When the frame the decoder holds memory for began to arrive; 0 when none is arriving. */
  private volatile long frameStarted;
  /** The size of that frame. */
  private volatile int frameBytes;
  private volatile boolean closed;

  private ConnectionMemory(MemoryBudget server, Channel channel, AddressShare address) {
    this.server = server;
    this.channel = channel;
    this.address = address;
  }

  /** The connection's channel, whose event loop a waiting client stream retries on. */
  Channel channel() {
    return channel;
  }

  /** The memory of a new connection, within {@code server}'s budget and its host's share. */
  static ConnectionMemory open(MemoryBudget server, Channel channel) {
    ConnectionMemory m = new ConnectionMemory(server, channel, server.join(channel));
    server.opened(m);
    return m;
  }

  @Override
  public void attach(Runnable resume) {
    this.wake = resume;
  }

  @Override
  public long reserve(FrameType type, int frameBytes) {
    long charge = type == FrameType.REQUEST
        ? (long) frameBytes * MemoryBudget.REQUEST_FACTOR + MemoryBudget.CALL_BYTES : frameBytes;
    if (charge > server.perConnection()) {
      return NEVER;
    }
    if (type == FrameType.ITEM) {
      hold(charge); // its credit paid for it (and closes a connection that overdraws): no wait
      return charge;
    }
    int taken = takeForFrame(charge);
    if (taken == TAKEN) {
      return charge;
    }
    if (type == FrameType.REQUEST && inputStreams.get() > 0) {
      // Running methods wait for items that come after this request: waiting for memory that
      // those methods hold could stop them all. Refused, unrun, instead; see tooLarge.
      refusedBeside = true;
      return NEVER;
    }
    // Wait; then look again, so a release between the first look and the wait is not missed.
    waiting.set(true);
    awaitServer(taken);
    taken = takeForFrame(charge);
    if (taken == TAKEN) {
      if (waiting.compareAndSet(true, false)) {
        server.stopWaiting(this);
      }
      return charge;
    }
    awaitServer(taken);
    if (taken == OVER_SERVER) {
      server.reclaim();
    }
    return LATER;
  }

  /**
   * {@link #take} for a new frame, unless this connection's host holds its share or more while
   * another host waits: then nothing is taken, and it waits with {@link #OVER_ADDRESS}. A
   * connection that waited {@link #starved} stops once it has its memory.
   */
  private int takeForFrame(long charge) {
    int taken = server.mustYield(address) ? OVER_ADDRESS : take(charge);
    if (taken == TAKEN && starved.compareAndSet(true, false)) {
      server.fed(address);
    }
    return taken;
  }

  /**
   * Waits for the server's memory, woken by the next release, unless only this connection's own
   * budget is full (its own releases wake it). Waiting for the server's memory while its host
   * holds less than its share, it makes the hosts over theirs give way.
   */
  private void awaitServer(int taken) {
    if (taken == OVER_CONNECTION) {
      return;
    }
    server.await(this);
    if (taken == OVER_SERVER && address.used() < server.perAddress()
        && starved.compareAndSet(false, true)) {
      server.starve(address);
    }
  }

  /**
   * Takes {@code bytes} from this connection's budget and the server's, if both have room; says
   * which had none otherwise. Nothing is taken then.
   */
  int take(long bytes) {
    if (used.addAndGet(bytes) > server.perConnection()) {
      used.addAndGet(-bytes);
      return OVER_CONNECTION;
    }
    if (!server.tryTake(bytes)) {
      used.addAndGet(-bytes);
      return OVER_SERVER;
    }
    address.add(bytes);
    return TAKEN;
  }

  /** A client stream opened ({@code +1}) or ended ({@code -1}) on this connection. */
  void inputStream(int change) {
    inputStreams.addAndGet(change);
  }

  /** Bytes this connection holds now. */
  long used() {
    return used.get();
  }

  long limit() {
    return server.perConnection();
  }

  long serverLimit() {
    return server.limit();
  }

  @Override
  public String tooLarge(FrameType type, int frameBytes) {
    if (type == FrameType.REQUEST && refusedBeside) {
      refusedBeside = false;
      return "the server refused the call for now, unrun: its connection's memory is full, and"
          + " the client streams open on it wait for items that come after this request. Send it"
          + " again (a fleet does), or send fewer calls at once beside client streams";
    }
    if (type == FrameType.REQUEST) {
      return "the server refused the call: its request of " + frameBytes + " bytes would hold "
          + (long) frameBytes * MemoryBudget.REQUEST_FACTOR + " bytes of the server's memory"
          + " while it waits and is decoded (" + MemoryBudget.REQUEST_FACTOR + " times its"
          + " size), more than one connection may hold (minirpc.server.maxConnectionMemory="
          + server.perConnection() + "). Send less per call, or raise"
          + " minirpc.server.maxConnectionMemory and minirpc.server.maxMemory";
    }
    return "a " + type + " frame of " + frameBytes + " bytes is more than one connection may hold"
        + " (minirpc.server.maxConnectionMemory=" + server.perConnection() + ")";
  }

  /**
   * Counts an encoded answer of {@code bytes} that waits to be written, whatever the budget says:
   * it is in memory already. Given back with {@link #answerWritten} and {@link #release}.
   */
  void holdAnswer(long bytes) {
    answers.addAndGet(bytes);
    hold(bytes);
  }

  /** An answer of {@code bytes} left: it no longer waits. Its memory goes back with release. */
  void answerWritten(long bytes) {
    answers.addAndGet(-bytes);
  }

  /** A call started whose answer is expected to hold {@code bytes}. */
  void expectAnswer(long bytes) {
    expectedAnswers.addAndGet(bytes);
  }

  /** The answer expected to hold {@code bytes} was encoded (and is counted), or never will be. */
  void answerArrived(long bytes) {
    if (bytes != 0) {
      expectedAnswers.addAndGet(-bytes);
    }
  }

  /**
   * Whether one more call, whose answer is expected to hold {@code bytes}, would take this
   * connection's unwritten and expected answers past their half of what it may hold.
   */
  boolean noRoomForAnswer(long bytes) {
    return answers.get() + expectedAnswers.get() + bytes > server.perConnection() / 2;
  }

  /**
   * Whether this connection's unwritten answers hold more than half of what it may hold (the
   * other half is for its requests): then none of its calls is started, so a client that does
   * not read cannot make the server encode answer after answer into memory.
   */
  boolean answersOverShare() {
    return answers.get() > server.perConnection() / 2;
  }

  @Override
  public void hold(long bytes) {
    used.addAndGet(bytes);
    address.add(bytes);
    server.hold(bytes);
  }

  @Override
  public void release(long bytes) {
    used.addAndGet(-bytes);
    address.add(-bytes);
    server.release(bytes);
    if (waiting.get()) {
      wake();
    }
  }

  /** Memory was given back: a decoder that waits for it tries again, on its event loop. */
  @Override
  public void wake() {
    if (!waiting.compareAndSet(true, false)) {
      return;
    }
    server.stopWaiting(this);
    Runnable w = wake;
    if (w != null && !closed) {
      try {
        w.run();
      } catch (RejectedExecutionException e) {
        // the event loop is shutting down, and the connection with it
      }
    }
  }

  @Override
  public void stalledSince(long sinceNanos) {
    stalledSince = sinceNanos;
    if (sinceNanos == 0) {
      frameStarted = 0;
    }
  }

  @Override
  public void frameStarted(long sinceNanos, int frameBytes) {
    this.frameBytes = frameBytes;
    this.frameStarted = sinceNanos;
  }

  /**
   * How much longer than its size allows ({@link MemoryBudget#arrivalNanos}) the frame this
   * connection holds memory for has been arriving; 0 or less while it is within it, none is
   * arriving, or the server itself does not read.
   */
  @Override
  public long overdue(long nowNanos) {
    long started = frameStarted;
    if (started == 0 || closed || !channel.config().isAutoRead()) {
      return 0;
    }
    return nowNanos - started - MemoryBudget.arrivalNanos(frameBytes);
  }

  /** Closes the connection: it holds memory for a frame that arrives too slowly for its size. */
  @Override
  public void evictSlow(long nowNanos, long serverLimit) {
    STALLED.warn(log, "Closing connection from " + channel.remoteAddress() + ": it holds "
        + used.get() + " bytes of memory for a frame of " + frameBytes + " bytes that it has been"
        + " sending for " + TimeUnit.NANOSECONDS.toMillis(nowNanos - frameStarted) + " ms, slower"
        + " than the " + MemoryBudget.MIN_ARRIVAL_RATE / 1024 + " KiB/s a frame must arrive at"
        + " while other connections wait for memory (minirpc.server.maxMemory=" + serverLimit
        + ")");
    channel.close();
  }

  /**
   * How long the frame this connection holds memory for has not advanced; 0 when none is
   * arriving, or while the server itself does not read (its answers are not being read).
   */
  @Override
  public long stalledFor(long nowNanos) {
    long since = stalledSince;
    if (since == 0 || closed || !channel.config().isAutoRead()) {
      return 0;
    }
    return nowNanos - since;
  }

  /** Closes the connection: it holds memory for a frame it stopped sending. */
  @Override
  public void evict(long stalledNanos, long serverLimit) {
    STALLED.warn(log, "Closing connection from " + channel.remoteAddress() + ": it holds "
        + used.get() + " bytes of memory for a frame it has not sent more of for "
        + TimeUnit.NANOSECONDS.toMillis(stalledNanos) + " ms, while other connections wait for"
        + " memory (minirpc.server.maxMemory=" + serverLimit + ")");
    channel.close();
  }

  @Override
  public void close() {
    closed = true;
    waiting.set(false);
    if (starved.compareAndSet(true, false)) {
      server.fed(address);
    }
    server.closed(this, address);
  }

  /** Refusal of a call whose metadata found no room, after {@link #take} said {@code why}. */
  RpcException noRoomForMetadata(int why, long bytes) {
    String which = why == OVER_CONNECTION
        ? "the calls of this connection already hold what it may (minirpc.server"
            + ".maxConnectionMemory=" + server.perConnection() + ")"
        : "the server's requests already hold what they may (minirpc.server.maxMemory="
            + server.limit() + ")";
    return new RpcException(RpcException.Code.RESOURCE_EXHAUSTED, "the server is short of"
        + " memory: " + which + ", and this call's metadata would take " + bytes + " bytes more."
        + " Retry later with backoff, wait for answers before sending more, or send less"
        + " metadata");
  }
}
