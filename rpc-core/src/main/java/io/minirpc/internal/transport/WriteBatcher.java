package io.minirpc.internal.transport;

import io.netty.channel.Channel;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;

/**
 * Gathers the frames that many threads send on one channel and writes them in batches, with one
 * wake-up of the event loop and one flush (one system call) per batch instead of per frame. Under
 * load, the frames of hundreds of calls leave in a handful of writes; at rest, a frame waits for
 * nothing but the event loop.
 *
 * <p>Frames sent by the event loop itself (a server that runs its methods there, a client whose
 * callbacks send the next call) would wait for the end of everything the loop is doing: with 64
 * calls read at once, the other side got nothing until all 64 were answered, then sat idle while
 * this side waited for the next 64. So a batch that the loop has been filling for {@link
 * #EARLY_NANOS} leaves at once, and both sides work at the same time: that more than doubled
 * the calls a second of a 64-call load on two cores.
 *
 * @param <T> what is queued: a frame, or a call that knows its frame
 */
public final class WriteBatcher<T> {
  /** At most this many items per batch, so a busy channel still lets the loop read. */
  private static final int MAX_BATCH = 512;
  /**
   * How long the event loop adds to one batch before it flushes the batch itself. Measured: 20
   * µs costs the worker-pool mode more flushes than it gains, 150 µs leaves small calls in one
   * batch.
   */
  private static final long EARLY_NANOS = 50_000;

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<WriteBatcher> SCHEDULED =
      AtomicIntegerFieldUpdater.newUpdater(WriteBatcher.class, "scheduled");

  private final Channel channel;
  private final Consumer<T> write;
  private final Consumer<T> reject;
  private final Queue<T> queue = PlatformDependent.newMpscQueue();
  private final Runnable drain = this::drain;
  private volatile int scheduled;
  /** When the event loop began to add to the batch waiting now. Event loop. */
  private long batchBegan;
  /** Whether a batch is being written now. Event loop. */
  private boolean writing;

  /**
   * @param write writes one item on the event loop, without flushing
   * @param reject disposes of an item that can no longer be written (the event loop is gone)
   */
  public WriteBatcher(Channel channel, Consumer<T> write, Consumer<T> reject) {
    this.channel = channel;
    this.write = write;
    this.reject = reject;
  }

  /** Queues {@code item} from any thread; it is written and flushed soon, in order. */
  public void add(T item) {
    queue.offer(item);
    if (channel.eventLoop().inEventLoop()) {
      long now = System.nanoTime();
      if (scheduled == 0) {
        batchBegan = now;
      } else if (now - batchBegan > EARLY_NANOS && !writing) {
        batchBegan = now;
        writeBatch(); // the drain already planned finds what is added from now on
        return;
      }
    }
    if (SCHEDULED.compareAndSet(this, 0, 1)) {
      try {
        channel.eventLoop().execute(drain);
      } catch (RejectedExecutionException e) {
        T dropped;
        while ((dropped = queue.poll()) != null) {
          reject.accept(dropped);
        }
      }
    }
  }

  /**
   * Writes what is queued, up to a batch, and flushes it. Event loop. A write that completes at
   * once runs its listeners here, and they may add (a call that ends lets the next run): those
   * wait for the drain, so a batch is never written from inside another.
   */
  private void writeBatch() {
    writing = true;
    try {
      int n = 0;
      T item;
      while (n < MAX_BATCH && (item = queue.poll()) != null) {
        write.accept(item);
        n++;
      }
      channel.flush();
    } finally {
      writing = false;
    }
  }

  private void drain() {
    writeBatch();
    scheduled = 0;
    if (!queue.isEmpty() && SCHEDULED.compareAndSet(this, 0, 1)) {
      channel.eventLoop().execute(drain);
    }
  }
}
