package io.minirpc.internal.server;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's worker threads ({@code minirpc.server.threads}) and their queue ({@code
 * minirpc.server.queue}): a fixed pool whose idle threads end after a minute, and which refuses a
 * task when its queue is full.
 *
 * <p>It counts the tasks handed to it that no thread has taken yet, for {@link WorkerShares}: the
 * event loop reads that for every call that waits for its connection's worker, and an
 * ArrayBlockingQueue's own size takes the queue's lock, the one every idle worker parks on (the
 * loop parked on it some 80 times a second at 185,000 calls a second). The count is an atomic.
 */
final class WorkerPool extends ThreadPoolExecutor {
  /** Tasks handed to {@link #execute} that have not begun: queued, or about to be. */
  private final AtomicInteger waiting = new AtomicInteger();

  /**
   * @param threads at most this many workers
   * @param queue tasks that may wait for a worker; 0 for none
   * @param threadsMade every worker made is added here, and those that ended are removed
   */
  WorkerPool(int threads, int queue, Set<Thread> threadsMade) {
    super(threads, threads, 60, TimeUnit.SECONDS, workQueue(queue), new Factory(threadsMade),
        new ThreadPoolExecutor.AbortPolicy());
    // Idle workers go away, so a quiet server holds few threads.
    allowCoreThreadTimeOut(true);
  }

  /** An array, not links: a queued task makes no garbage. */
  private static BlockingQueue<Runnable> workQueue(int queue) {
    return queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
  }

  @Override
  public void execute(Runnable task) {
    waiting.incrementAndGet();
    try {
      super.execute(task);
    } catch (RejectedExecutionException e) {
      waiting.decrementAndGet();
      throw e;
    }
  }

  @Override
  protected void beforeExecute(Thread t, Runnable r) {
    waiting.decrementAndGet();
  }

  /** The tasks handed to the pool that no worker has begun; without a lock. */
  int queued() {
    return Math.max(0, waiting.get());
  }

  /** Names the workers and keeps track of them, for the server's close to wait for. */
  private static final class Factory implements ThreadFactory {
    private final AtomicInteger counter = new AtomicInteger();
    private final Set<Thread> threadsMade;

    Factory(Set<Thread> threadsMade) {
      this.threadsMade = threadsMade;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "minirpc-server-worker-" + counter.incrementAndGet());
      t.setDaemon(false);
      // Idle workers time out and end; forget those (a new thread is NEW, not TERMINATED).
      threadsMade.removeIf(old -> old.getState() == Thread.State.TERMINATED);
      threadsMade.add(t);
      return t;
    }
  }
}
