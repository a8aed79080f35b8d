package io.minirpc.internal.client;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of every client in the JVM: call deadlines, hedges, resends and ejections. Netty
 * asks for a {@link HashedWheelTimer} to be shared (it logs an ERROR past 64 instances), and one
 * thread serves any number of clients. The thread starts with the first client and ends when the
 * last one closes (its close waits for it), so that a program that closes its clients leaves no
 * minirpc thread behind; the next client starts another.
 */
final class SharedTimer {
  /** What every client holds: the timer of the moment, while any client is open. */
  private static final Timer HANDLE = new Handle();
  private static volatile HashedWheelTimer current;
  /** Guarded by SharedTimer.class. */
  private static int users;

  private SharedTimer() {}

  /** The timer, for a client being built; {@link #release} it when the client closes. */
  static synchronized Timer acquire() {
    if (users++ == 0) {
      // 10 ms ticks: deadlines are met within a tick, and a 512-slot wheel turns every 5 s.
      current = new HashedWheelTimer(new DefaultThreadFactory("minirpc-client-timer", true), 10,
          TimeUnit.MILLISECONDS, 512);
    }
    return HANDLE;
  }

  /**
   * A client closed, every call of it ended: the last one stops the timer and waits for its
   * thread, unless it runs on that thread (a task that closes a client), which then ends by
   * itself once the task returns.
   */
  static void release() {
    HashedWheelTimer stopping;
    synchronized (SharedTimer.class) {
      if (--users > 0) {
        return;
      }
      stopping = current;
      current = null;
    }
    try {
      stopping.stop();
    } catch (IllegalStateException onTheTimersThread) {
      Thread stopper = new Thread(stopping::stop, "minirpc-client-timer-stop");
      stopper.setDaemon(true);
      stopper.start();
    }
  }

  /**
   * The timer of the moment. A task scheduled after the last client closed (by a component still
   * winding down) never runs, as a task of a closed client must not.
   */
  private static final class Handle implements Timer {
    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
      HashedWheelTimer t = current;
      if (t != null) {
        try {
          return t.newTimeout(task, delay, unit);
        } catch (IllegalStateException stopped) {
          // stopped between the read and the call: as if after it
        }
      }
      return new Dropped(task);
    }

    /**
     * Stops nothing: the timer is every client's, and stops with the last one's close ({@link
     * SharedTimer#release}). No client calls this.
     */
    @Override
    public Set<Timeout> stop() {
      return Set.of();
    }
  }

  /** A task that was scheduled on a stopped timer: already cancelled, it never runs. */
  private record Dropped(TimerTask task) implements Timeout {
    @Override
    public Timer timer() {
      return HANDLE;
    }

    @Override
    public boolean isExpired() {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return true;
    }

    @Override
    public boolean cancel() {
      return false;
    }
  }
}
