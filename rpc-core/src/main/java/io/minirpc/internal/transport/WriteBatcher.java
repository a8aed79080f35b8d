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
 * @param <T> what is queued: a frame, or a call that knows its frame
 */
public final class WriteBatcher<T> {
  /** At most this many items per batch, so a busy channel still lets the loop read. */
  private static final int MAX_BATCH = 512;

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<WriteBatcher> SCHEDULED =
      AtomicIntegerFieldUpdater.newUpdater(WriteBatcher.class, "scheduled");

  private final Channel channel;
  private final Consumer<T> write;
  private final Consumer<T> reject;
  private final Queue<T> queue = PlatformDependent.newMpscQueue();
  private final Runnable drain = this::drain;
  private volatile int scheduled;

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
  @SuppressWarnings("unchecked")
  public void add(T item) {
    queue.offer(item);
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

  @SuppressWarnings("unchecked")
  private void drain() {
    int n = 0;
    T item;
    while (n < MAX_BATCH && (item = queue.poll()) != null) {
      write.accept(item);
      n++;
    }
    channel.flush();
    scheduled = 0;
    if (!queue.isEmpty() && SCHEDULED.compareAndSet(this, 0, 1)) {
      channel.eventLoop().execute(drain);
    }
  }
}
