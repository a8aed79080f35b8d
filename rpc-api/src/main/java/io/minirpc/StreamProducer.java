package io.minirpc;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A stream that a thread of the application writes into: {@link #send} waits until the
 * receiver has granted room for one more item, so a producer can never put more into memory than
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
  private Flow.Subscriber<? super T> subscriber;
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
    synchronized (this) {
      if (subscriber == null) {
        subscriber = s;
        notifyAll();
        s.onSubscribe(new Subscription());
        return;
      }
    }
    s.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {}
    });
    s.onError(new IllegalStateException("a StreamProducer has one subscriber, and has one"));
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
    s.onNext(item); // one sender at a time keeps the signals in order (rule 1.3)
    return true;
  }

  /** Ends the stream: the receiver sees its end after the items sent. */
  public void complete() {
    Flow.Subscriber<? super T> s = end();
    if (s != null) {
      s.onComplete();
    }
  }

  /**
   * Ends the stream with {@code error}: the caller gets it, as an {@link RpcException} passes, or
   * as the exception the method declares.
   */
  public void fail(Throwable error) {
    java.util.Objects.requireNonNull(error, "error == null");
    Flow.Subscriber<? super T> s = end();
    if (s != null) {
      s.onError(error);
    }
  }

  /** Whether the stream was cancelled by its receiver (or its end): stop producing. */
  public synchronized boolean isCancelled() {
    return cancelled;
  }

  private synchronized Flow.Subscriber<? super T> end() {
    if (ended || cancelled) {
      return null;
    }
    ended = true;
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
        failed.onError(new IllegalArgumentException("request(" + n + "): a subscriber must"
            + " request a positive number of items (Reactive Streams rule 3.9)"));
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
