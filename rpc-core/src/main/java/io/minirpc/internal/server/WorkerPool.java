package io.minirpc.internal.server;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 * <p>It counts the tasks handed to it that no thread has begun yet, for {@link WorkerShares}: the
 * event loop reads that for every call that waits for its connection's worker, and an
 * ArrayBlockingQueue's own size takes the queue's lock, the one every idle worker parks on (the
 * loop parked on it some 80 times a second at 185,000 calls a second). The count is an atomic.
 * It also counts, for the moment between the hand-off and its start, a task that a thread takes
 * at once: at most one per thread being woken or made, against a queue of hundreds.
 */
final class WorkerPool extends ThreadPoolExecutor {
  /** Tasks handed to {@link #execute} that have not begun: queued, or about to be. */
  private final AtomicInteger waiting = new AtomicInteger();
  /** Whether tasks can wait at all: without a queue, none does. */
  private final boolean queues;

  /**
   * @param threads at most this many workers
   * @param queue tasks that may wait for a worker; 0 for none
   * @param threadsMade every worker made is added here, and those that ended are removed
   */
  WorkerPool(int threads, int queue, Set<Thread> threadsMade) {
    super(threads, threads, 60, TimeUnit.SECONDS, workQueue(queue), new Factory(threadsMade),
        new ThreadPoolExecutor.AbortPolicy());
    this.queues = queue > 0;
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
    boolean handed = false;
    try {
      super.execute(task);
      handed = true;
    } finally {
      if (!handed) {
        waiting.decrementAndGet(); // refused, or no thread could be made for it
      }
    }
  }

  @Override
  protected void beforeExecute(Thread t, Runnable r) {
    waiting.decrementAndGet();
  }

  /** Tasks no worker will begin, taken from the queue: they count no more. */
  @Override
  public List<Runnable> shutdownNow() {
    List<Runnable> unrun = super.shutdownNow();
    waiting.addAndGet(-unrun.size());
    return unrun;
  }

  /** The tasks handed to the pool that no worker has begun; without a lock. */
  int queued() {
    return queues ? Math.max(0, waiting.get()) : 0;
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
