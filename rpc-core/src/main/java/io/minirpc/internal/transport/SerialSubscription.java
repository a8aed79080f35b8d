package io.minirpc.internal.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A publisher's subscription as a server stream calls it: one call at a time (Reactive Streams
 * rule 2.7). Requests and the cancel run on the executor, in a loop that a cancel joins, so that
 * a publisher producing in {@code request} (an iterator, a {@code Stream} over a cursor) or
 * closing something in {@code cancel} never does so on the event loop. A cancel that comes
 * while the publisher emits inside a request is made from its next {@code onNext}, see {@link
 * #cancelFromSignal}, so that an endless emission stops.
 */
final class SerialSubscription implements Runnable {
  /** Told when the publisher's {@code request} or {@code cancel} threw. */
  interface Failures {
    void publisherFailed(Throwable t);
  }

  /** Cancels whatever it subscribes to, for a publisher whose call ended before it began. */
  static final Flow.Subscriber<Object> CANCELLING = new Flow.Subscriber<>() {
    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.cancel();
    }

    @Override
    public void onNext(Object item) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onComplete() {}
  };

  private final Failures failures;
  private Flow.Subscription subscription;
  private long pending;
  private boolean cancel;
  private boolean running;
  private boolean cancelled;
  /** Where the loop runs; set by the first request or cancel. */
  private Executor executor;

  SerialSubscription(Failures failures) {
    this.failures = failures;
  }

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

  /**
   * Asks for {@code n} more items (0: those still pending) on {@code executor}. With every worker
   * busy and the queue full, it asks on this thread if it is not the event loop {@code loop},
   * and otherwise again from the loop 10 ms later, until it is cancelled.
   */
  void request(long n, Executor executor, io.netty.channel.EventLoop loop) {
    synchronized (this) {
      this.executor = executor;
      pending = pending + n < 0 ? Long.MAX_VALUE : pending + n;
      if (running || cancel || cancelled || pending == 0) {
        return;
      }
      running = true;
    }
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      if (!loop.inEventLoop()) {
        run();
        return;
      }
      synchronized (this) {
        running = false;
      }
      try {
        loop.schedule(() -> request(0, executor, loop), 10, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        // The server is stopping: its calls, and this stream, are cancelled.
      }
    }
  }

  /** Cancels, on the executor when there is one (inline if it refuses), once. */
  void cancel() {
    Executor e;
    synchronized (this) {
      cancel = true;
      if (running || subscription == null || cancelled) {
        return; // the loop cancels, or a late subscription is cancelled when it comes
      }
      running = true;
      e = executor;
    }
    if (e != null) {
      try {
        e.execute(this);
        return;
      } catch (RejectedExecutionException rejected) {
        // the server is stopping: cancel here
      }
    }
    run();
  }

  /**
   * Cancels from inside one of the publisher's signals, on its thread, if a cancel waits: a
   * publisher emitting inside a long {@code request} would otherwise never let the loop reach
   * it.
   */
  void cancelFromSignal() {
    Flow.Subscription s;
    synchronized (this) {
      if (!cancel || cancelled || subscription == null) {
        return;
      }
      cancelled = true;
      s = subscription;
    }
    try {
      s.cancel();
    } catch (RuntimeException e) {
      failures.publisherFailed(e);
    }
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
        // Rule 3.15/3.16: request and cancel return normally; a publisher that throws is done
        // with, and its stream ends.
        synchronized (this) {
          cancel = true;
          cancelled = true;
          running = false;
        }
        failures.publisherFailed(e);
        return;
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
