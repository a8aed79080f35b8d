package io.minirpc;

import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A publisher pulled from an iterator, for one subscriber: {@code request(n)} adds to the demand,
 * and whoever raises it from nothing emits, on its own thread or on the executor, until the
 * demand or the items run out. Between requests no thread is held.
 */
final class IteratorPublisher<T> implements Flow.Publisher<T> {
  private final Iterator<? extends T> iterator;
  private final Runnable onClose;
  private final Executor executor;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  IteratorPublisher(Iterator<? extends T> iterator, Runnable onClose, Executor executor) {
    this.iterator = iterator;
    this.onClose = onClose;
    this.executor = executor;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    java.util.Objects.requireNonNull(subscriber, "subscriber == null");
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException("this publisher reads one iterator and has"
          + " a subscriber already; use Streams.fromIterable for one that each subscriber reads"));
      return;
    }
    Pull<T> pull = new Pull<>(subscriber, iterator, onClose, executor);
    subscriber.onSubscribe(pull);
  }

  private static final class Pull<T> implements Flow.Subscription, Runnable {
    private final Flow.Subscriber<? super T> subscriber;
    private final Iterator<? extends T> iterator;
    private final Runnable onClose;
    private final Executor executor;
    /** Requested and not emitted; emitting while above zero. */
    private final AtomicLong demand = new AtomicLong();
    private volatile boolean cancelled;
    private volatile long invalid;
    private final AtomicBoolean closed = new AtomicBoolean();

    Pull(Flow.Subscriber<? super T> subscriber, Iterator<? extends T> iterator,
        Runnable onClose, Executor executor) {
      this.subscriber = subscriber;
      this.iterator = iterator;
      this.onClose = onClose;
      this.executor = executor;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        invalid = n;
      }
      long add = n <= 0 ? 1 : n; // an invalid request still wakes the loop, which fails
      for (;;) {
        long d = demand.get();
        long next = d + add < 0 ? Long.MAX_VALUE : d + add;
        if (demand.compareAndSet(d, next)) {
          if (d == 0) {
            if (executor == null) {
              run();
            } else {
              executor.execute(this);
            }
          }
          return;
        }
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      if (demand.getAndIncrement() == 0) {
        close(); // no loop runs to see it
      }
    }

    @Override
    public void run() {
      long emitted = 0;
      long wanted = demand.get();
      for (;;) {
        while (emitted != wanted) {
          if (cancelled) {
            close();
            return;
          }
          if (invalid != 0) {
            cancelled = true;
            close();
            subscriber.onError(new IllegalArgumentException("request(" + invalid + "): a"
                + " subscriber must request a positive number of items (Reactive Streams rule"
                + " 3.9)"));
            return;
          }
          T item;
          boolean more;
          try {
            more = iterator.hasNext();
            item = more ? iterator.next() : null;
          } catch (RuntimeException e) {
            cancelled = true;
            close();
            subscriber.onError(e);
            return;
          }
          if (!more) {
            cancelled = true;
            close();
            subscriber.onComplete();
            return;
          }
          if (item == null) {
            cancelled = true;
            close();
            subscriber.onError(new NullPointerException("the iterator yielded null, which a"
                + " stream cannot carry (Reactive Streams rule 2.13)"));
            return;
          }
          subscriber.onNext(item);
          emitted++;
        }
        if (cancelled) {
          close();
          return;
        }
        wanted = demand.get();
        if (wanted == emitted) {
          wanted = demand.addAndGet(-emitted);
          emitted = 0;
          if (wanted == 0) {
            return;
          }
        }
      }
    }

    private void close() {
      if (onClose != null && closed.compareAndSet(false, true)) {
        try {
          onClose.run();
        } catch (RuntimeException e) {
          // The stream is over either way.
        }
      }
    }
  }
}
