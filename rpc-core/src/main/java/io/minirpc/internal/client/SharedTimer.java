package io.minirpc.internal.client;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of every client in the JVM: call deadlines, hedges, resends and ejections. Netty
 * asks for a {@link HashedWheelTimer} to be shared (it logs an ERROR past 64 instances), and one
 * thread serves any number of clients. Its thread is a daemon, started on first use and never
 * stopped: a client's close leaves it to the others, and each client's tasks check whether their
 * client was closed.
 */
final class SharedTimer {
  private SharedTimer() {}

  /** 10 ms ticks: deadlines are met within a tick, and a 512-slot wheel turns every 5 s. */
  private static final class Holder {
    static final Timer TIMER = new HashedWheelTimer(
        new DefaultThreadFactory("minirpc-client-timer", true), 10, TimeUnit.MILLISECONDS, 512);
  }

  static Timer get() {
    return Holder.TIMER;
  }
}
