package io.minirpc.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worker pool counts what waits for a worker without its queue's lock, and counts it right. */
class WorkerPoolTest {

  @Test
  void countsTheTasksNoWorkerHasBegunAndForgetsThoseItRefuses() throws Exception {
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    WorkerPool pool = new WorkerPool(1, 2, threads);
    try {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(2);
      occupy(pool, release);
      assertEquals(0, pool.queued(), "a task a worker has begun waits no more");

      pool.execute(done::countDown);
      pool.execute(done::countDown);
      assertEquals(2, pool.queued(), "two tasks wait behind the busy worker");

      assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }),
          "a full queue refuses");
      assertEquals(2, pool.queued(), "a refused task is not counted as waiting");

      release.countDown();
      assertTrue(done.await(5, TimeUnit.SECONDS), "the waiting tasks never ran");
      assertEquals(0, pool.queued(), "nothing waits once every task has begun");
      assertEquals(1, threads.size(), "one worker thread, tracked for the server's close");
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void tasksDroppedAtShutdownWaitNoMore() throws Exception {
    WorkerPool pool = new WorkerPool(1, 2, ConcurrentHashMap.newKeySet());
    CountDownLatch release = new CountDownLatch(1);
    occupy(pool, release);
    pool.execute(() -> { });
    pool.execute(() -> { });
    assertEquals(2, pool.queued());
    assertEquals(2, pool.shutdownNow().size(), "the two queued tasks come back unrun");
    assertEquals(0, pool.queued(), "tasks that will never begin are not waiting");
    release.countDown();
    assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
  }

  @Test
  void withoutAQueueNothingWaits() throws Exception {
    WorkerPool pool = new WorkerPool(1, 0, ConcurrentHashMap.newKeySet());
    try {
      CountDownLatch release = new CountDownLatch(1);
      occupy(pool, release);
      assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }),
          "with its one worker busy and no queue, the pool refuses");
      assertEquals(0, pool.queued());
      release.countDown();
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
    }
  }

  /** Gives the pool's one worker a task that holds it until {@code release}, once it has begun. */
  private static void occupy(WorkerPool pool, CountDownLatch release) throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    pool.execute(() -> {
      running.countDown();
      await(release);
    });
    assertTrue(running.await(5, TimeUnit.SECONDS), "the one worker never began its task");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
