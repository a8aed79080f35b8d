package io.minirpc.internal.transport;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that hand a side's stream items to their subscribers: made on the first stream,
 * as many as subscribers are busy at once (a subscriber that blocks holds one), idle ones leaving
 * after a minute. Never an event loop, so a slow subscriber slows no connection.
 */
public final class StreamDelivery {
  private final String name;
  private final long memoryLimit;
  private ExecutorService executor;
  private StreamMemory memory;
  private boolean closed;

  /**
   * @param name of its threads, "minirpc-stream-NAME-N"
   * @param memoryLimit what the side's streams may hold at once, see {@link StreamMemory}
   */
  public StreamDelivery(String name, long memoryLimit) {
    this.name = name;
    this.memoryLimit = memoryLimit;
  }

  /** The executor, made on first use. */
  public synchronized ExecutorService executor() {
    if (executor == null) {
      AtomicInteger n = new AtomicInteger();
      executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
          new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "minirpc-stream-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      if (closed) {
        executor.shutdown();
      }
    }
    return executor;
  }

  /** The budget of the side's streams, made on first use. */
  public synchronized StreamMemory memory() {
    if (memory == null) {
      memory = new StreamMemory(memoryLimit, ItemReceiver.WINDOW_BYTES / 16, executor());
    }
    return memory;
  }

  /** Stops taking work; what runs finishes on its own. */
  public synchronized void close() {
    closed = true;
    if (executor != null) {
      executor.shutdown();
    }
  }
}
