package io.minirpc;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A stream that a thread of the application writes into: {@link #send} waits until the
 * receiver has granted room for one more item (several threads may send; their items and the
 * end reach the subscriber one at a time), so a producer can never put more into memory than
 * its receiver asked for. It is a publisher for one subscriber: return it from a service method
 * that streams (and write from another thread), or hand it to a client's method that takes one.
 *
 * <pre>{@code
 * public Flow.Publisher<Tick> ticks(String symbol) {
 *   StreamProducer<Tick> out = new StreamProducer<>();
 *   executor.execute(() -> {
 *     try {
 *       while (true) {
 *         out.send(feed.next(symbol));   // blocks while the client does not read
 *       }
 *     } catch (CancellationException | InterruptedException e) {
 *       // the call ended: cancelled, timed out, or the connection was lost
 *     }
 *   });
 *   return out;
 * }
 * }</pre>
 *
 * @param <T> the items
 */
public final class StreamProducer<T> implements Flow.Publisher<T> {
  /** Held while a signal goes to the subscriber: they go one at a time, in order (rule 1.3). */
  private final Object signals = new Object();
  private Flow.Subscriber<? super T> subscriber;
  /** What {@link #fail} ended the stream with; null if it completed or has not ended. */
  private Throwable failure;
  /** Items the subscriber requested and was not sent. */
  private long demand;
  private boolean cancelled;
  private boolean ended;
  private String invalid;

  /** A producer with no subscriber yet; {@link #send} waits for one. */
  public StreamProducer() {}

  @Override
  public void subscribe(Flow.Subscriber<? super T> s) {
    java.util.Objects.requireNonNull(s, "subscriber == null");
    boolean endedBefore;
    Throwable failedWith;
    synchronized (this) {
      if (subscriber == null) {
        subscriber = s;
        notifyAll();
        endedBefore = ended;
        failedWith = failure;
      } else {
        endedBefore = false;
        failedWith = null;
        s = refuse(s);
      }
    }
    if (s == null) {
      return;
    }
    synchronized (signals) {
      s.onSubscribe(new Subscription());
      if (endedBefore) { // completed or failed before anyone subscribed: told now
        if (failedWith == null) {
          s.onComplete();
        } else {
          s.onError(failedWith);
        }
      }
    }
  }

  /** A second subscriber: refused with onError, as rule 1.9 allows; returns null. */
  private Flow.Subscriber<? super T> refuse(Flow.Subscriber<? super T> s) {
    s.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {}
    });
    s.onError(new IllegalStateException("a StreamProducer has one subscriber, and has one"));
    return null;
  }

  /**
   * Sends {@code item}, waiting as long as the receiver has granted no room for it.
   *
   * @throws CancellationException if the stream has ended: the receiver cancelled, its deadline
   *     passed, or the connection was lost; stop producing
   * @throws InterruptedException if the thread was interrupted while it waited
   * @throws IllegalStateException if {@link #complete} or {@link #fail} was called before
   */
  public void send(T item) throws InterruptedException {
    send(item, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
  }

  /**
   * Sends {@code item} if the receiver grants room for it within {@code timeout}.
   *
   * @return false if no room came within the timeout; the item was not sent
   * @throws CancellationException if the stream has ended, see {@link #send(Object)}
   */
  public boolean send(T item, long timeout, TimeUnit unit) throws InterruptedException {
    java.util.Objects.requireNonNull(item, "item == null: a stream cannot carry null");
    Flow.Subscriber<? super T> s;
    synchronized (this) {
      long deadline = System.nanoTime() + unit.toNanos(timeout);
      for (;;) {
        checkOpen();
        if (subscriber != null && demand > 0) {
          break;
        }
        long left = deadline - System.nanoTime();
        if (timeout != Long.MAX_VALUE && left <= 0) {
          return false;
        }
        if (timeout == Long.MAX_VALUE) {
          wait();
        } else {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      }
      demand--;
      s = subscriber;
    }
    synchronized (signals) {
      synchronized (this) {
        checkOpen(); // completed, failed or cancelled meanwhile: nothing after the end
      }
      s.onNext(item);
    }
    return true;
  }

  /** Ends the stream: the receiver sees its end after the items sent. */
  public void complete() {
    synchronized (signals) {
      Flow.Subscriber<? super T> s = end(null);
      if (s != null) {
        s.onComplete();
      }
    }
  }

  /**
   * Ends the stream with {@code error}: the caller gets it, as an {@link RpcException} passes, or
   * as the exception the method declares.
   */
  public void fail(Throwable error) {
    java.util.Objects.requireNonNull(error, "error == null");
    synchronized (signals) {
      Flow.Subscriber<? super T> s = end(error);
      if (s != null) {
        s.onError(error);
      }
    }
  }

  /** Whether the stream was cancelled by its receiver (or its end): stop producing. */
  public synchronized boolean isCancelled() {
    return cancelled;
  }

  /** Ends the stream, with {@code error} or completely; the subscriber to tell, or null. */
  private synchronized Flow.Subscriber<? super T> end(Throwable error) {
    if (ended || cancelled) {
      return null;
    }
    ended = true;
    failure = error;
    notifyAll();
    return subscriber;
  }

  private void checkOpen() {
    if (invalid != null) {
      throw new IllegalStateException(invalid);
    }
    if (cancelled) {
      throw new CancellationException("the stream has ended: its receiver cancelled it, its"
          + " deadline passed, or the connection was lost");
    }
    if (ended) {
      throw new IllegalStateException("the stream was completed or failed already");
    }
  }

  private final class Subscription implements Flow.Subscription {
    @Override
    public void request(long n) {
      Flow.Subscriber<? super T> failed = null;
      synchronized (StreamProducer.this) {
        if (cancelled || ended) {
          return;
        }
        if (n <= 0) {
          cancelled = true;
          invalid = "the receiver requested " + n + " items (Reactive Streams rule 3.9)";
          failed = subscriber;
        } else {
          demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        StreamProducer.this.notifyAll();
      }
      if (failed != null) {
        synchronized (signals) {
          failed.onError(new IllegalArgumentException("request(" + n + "): a subscriber must"
              + " request a positive number of items (Reactive Streams rule 3.9)"));
        }
      }
    }

    @Override
    public void cancel() {
      synchronized (StreamProducer.this) {
        cancelled = true;
        StreamProducer.this.notifyAll();
      }
    }
  }
}
