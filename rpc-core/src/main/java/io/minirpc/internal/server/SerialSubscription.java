package io.minirpc.internal.server;

import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;

/**
 * A publisher's subscription as a server stream calls it: one call at a time (Reactive Streams
 * rule 2.7). Requests run on the executor in a loop that a cancel joins, so that a publisher
 * producing in {@code request} never does so on the event loop.
 */
final class SerialSubscription implements Runnable {
  private Flow.Subscription subscription;
  private long pending;
  private boolean cancel;
  private boolean running;
  private boolean cancelled;

  /** Takes the publisher's subscription; false if one was set before. */
  synchronized boolean set(Flow.Subscription s) {
    if (subscription != null) {
      return false;
    }
    subscription = s;
    return true;
  }

  synchronized boolean subscribed() {
    return subscription != null;
  }

  void request(long n, Executor executor) {
    synchronized (this) {
      pending = pending + n < 0 ? Long.MAX_VALUE : pending + n;
      if (running || cancelled) {
        return;
      }
      running = true;
    }
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        running = false;
      }
    }
  }

  void cancel() {
    synchronized (this) {
      cancel = true;
      if (running || subscription == null) {
        return; // the loop cancels, or a late subscription is cancelled when it comes
      }
      running = true;
    }
    run();
  }

  @Override
  public void run() {
    for (;;) {
      Flow.Subscription s;
      long n;
      boolean stop;
      synchronized (this) {
        s = subscription;
        stop = cancel && !cancelled;
        n = cancel ? 0 : pending;
        pending = 0;
        if (stop) {
          cancelled = true;
        }
        if (!stop && n == 0) {
          running = false;
          return;
        }
      }
      try {
        if (stop) {
          s.cancel();
        } else {
          s.request(n);
        }
      } catch (RuntimeException e) {
        // Rule 3.15/3.16: request and cancel return normally; a publisher that throws is
        // treated as done with.
        synchronized (this) {
          cancel = true;
        }
      }
      if (stop) {
        synchronized (this) {
          running = false;
        }
        return;
      }
    }
  }
}
