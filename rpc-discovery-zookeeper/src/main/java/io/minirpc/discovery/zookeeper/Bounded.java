package io.minirpc.discovery.zookeeper;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs what may block on an unreachable ZooKeeper, waiting for it a bounded time. */
final class Bounded {
  private Bounded() {}

  /**
   * Runs {@code task} on a daemon thread of its own and waits at most {@code timeout}; returns
   * whether it ended by then. A task that outlives the wait runs on, and ends when its client is
   * closed.
   */
  static boolean run(String threadName, Duration timeout, Runnable task) {
    Thread t = new Thread(task, threadName);
    t.setDaemon(true);
    t.start();
    try {
      t.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }
}
