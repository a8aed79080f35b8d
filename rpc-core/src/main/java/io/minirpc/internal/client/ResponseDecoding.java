package io.minirpc.internal.client;

import io.minirpc.internal.transport.ThreadAllocation;
import io.minirpc.internal.transport.TrackedThreads;
import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What decoding responses may cost one client: large responses are decoded on threads of their
 * own, so that one server's huge answers do not hold up the I/O thread that reads every other
 * server's; and what their decoding allocates is measured (with the JVM's per-thread counter, as
 * the server measures requests) against one budget, {@code minirpc.maxResponseMemory}, so that
 * answers which expand far beyond their bytes (millions of one-character strings) cannot run the
 * client out of memory.
 */
final class ResponseDecoding {
  /** Responses from this size, in bytes, are decoded off the I/O thread, measured. */
  static final int LARGE = 64 * 1024;
  /** Memory a measured decoding takes from the budget at a time, so few take it often. */
  private static final long GROWTH = 1024 * 1024;
  /** The time decoding may take per byte of the response, and at least, as on the server. */
  private static final long NANOS_PER_BYTE = 1_000;
  private static final long MIN_NANOS = 1_000_000_000L;

  private final long limit;
  private final ClientCompression compression;
  private final AtomicLong inUse = new AtomicLong();
  private final TrackedThreads threadFactory = new TrackedThreads("minirpc-client-decode", true);
  private final ThreadPoolExecutor executor;

  /**
   * @param limit bytes decoding may allocate at once; 0 for a quarter of the maximum heap
   * @param threads decoding threads, started when a large response first arrives
   * @param compression how compressed responses are inflated
   */
  ResponseDecoding(long limit, int threads, ClientCompression compression) {
    this.limit = limit > 0 ? limit : defaultLimit();
    this.compression = compression;
    this.executor = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), threadFactory);
    executor.allowCoreThreadTimeOut(true);
  }

  /** A quarter of the maximum heap: what a client may spend on the answers it is decoding. */
  static long defaultLimit() {
    return Math.max(1024 * 1024, Runtime.getRuntime().maxMemory() / 4);
  }

  long limit() {
    return limit;
  }

  ClientCompression compression() {
    return compression;
  }

  /**
   * The bytes decoding {@code frame} starts from: its size, or, compressed, the size it declares
   * inflated (its own if it declares too much: it then fails as it is read).
   */
  int decodedSize(io.minirpc.internal.protocol.Frame frame) {
    try {
      return compression.decodedSize(frame);
    } catch (IOException e) {
      return frame.size();
    }
  }

  /** Bytes measured decodings hold now. */
  long inUse() {
    return inUse.get();
  }

  /** A decoding to run on a decoding thread, or to drop unrun when the client closes. */
  interface Task extends Runnable {
    /** The client closed before it ran: end its call and free its frame, decoding nothing. */
    void discard();
  }

  /**
   * Runs {@code decode} on a decoding thread.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the client is closing
   */
  void execute(Task decode) {
    executor.execute(decode);
  }

  /** Starts measuring the decoding of a {@code frameBytes}-byte response on this thread. */
  Measure measure(int frameBytes) {
    return new Measure(frameBytes);
  }

  /**
   * Stops the decoding threads, waiting up to {@code timeoutNanos} for them to end. Decodings
   * still queued are dropped: their calls end CANCELLED and their frames are freed, as for every
   * other call of a closing client, without decoding what may take seconds.
   */
  void close(long timeoutNanos) {
    for (Runnable queued : executor.shutdownNow()) {
      ((Task) queued).discard();
    }
    threadFactory.joinAll(timeoutNanos);
  }

  /** One response's decoding: its time and the memory it took from the budget. */
  final class Measure {
    private final int frameBytes;
    private final long since = System.nanoTime();
    /** What the thread had allocated when decoding began; 0 when nothing is measured. */
    private final long allocatedBefore;
    private long taken;
    /** Why decoding stopped for memory, or null. */
    private String refusal;

    private Measure(int frameBytes) {
      this.frameBytes = frameBytes;
      this.allocatedBefore = ThreadAllocation.supported() ? ThreadAllocation.current() : 0;
    }

    /**
     * Throws if decoding has taken longer than its bytes allow, or allocated more than the
     * budget has room for; codecs call it every thousand elements or so.
     */
    void check() throws IOException {
      long took = System.nanoTime() - since;
      long allowed = Math.max(MIN_NANOS, frameBytes * NANOS_PER_BYTE);
      if (took > allowed) {
        throw new IOException("decoding took more than the " + allowed / 1_000_000 + " ms the"
            + " client gives " + frameBytes + " bytes (" + NANOS_PER_BYTE + " ns a byte, at least "
            + MIN_NANOS / 1_000_000 + " ms): the values are built to be slow to decode");
      }
      if (allocatedBefore == 0) {
        return;
      }
      long allocated = ThreadAllocation.current() - allocatedBefore;
      long over = allocated - taken;
      if (over <= 0) {
        return;
      }
      long more = Math.max(over, GROWTH);
      for (;;) {
        long used = inUse.get();
        if (used + more > limit) {
          refusal = "decoding the " + frameBytes + "-byte response took more than the " + limit
              + " bytes of memory the client's responses may take while they decode"
              + " (minirpc.maxResponseMemory): the server's values expand far beyond their"
              + " bytes. Return less data per call, or raise minirpc.maxResponseMemory";
          throw new IOException(refusal);
        }
        if (inUse.compareAndSet(used, used + more)) {
          taken += more;
          return;
        }
      }
    }

    /**
     * Takes {@code bytes} from the budget for a body about to be inflated, before it is.
     *
     * @throws IOException if the budget has no room for them; {@link #refusal} says why
     */
    void take(long bytes) throws IOException {
      for (;;) {
        long used = inUse.get();
        if (used + bytes > limit) {
          refusal = "the response inflates to " + bytes + " bytes, more than the " + (limit - used)
              + " left of the " + limit + " bytes the client's responses may take while they"
              + " decode (minirpc.maxResponseMemory). Return less data per call, or raise"
              + " minirpc.maxResponseMemory";
          throw new IOException(refusal);
        }
        if (inUse.compareAndSet(used, used + bytes)) {
          taken += bytes;
          return;
        }
      }
    }

    /** Why decoding was stopped for memory, or {@code null}. */
    String refusal() {
      return refusal;
    }

    /** Decoding ended: what it took goes back to the budget. */
    void end() {
      if (taken > 0) {
        inUse.addAndGet(-taken);
        taken = 0;
      }
    }
  }
}
