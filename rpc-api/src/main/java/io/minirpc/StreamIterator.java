package io.minirpc;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Flow;

/**
 * A stream's items as a blocking iterator, from {@link Streams#iterate}: it requests at most its
 * prefetch ahead of what was taken, and {@link #close()} before the end cancels the stream. Use
 * it in a try-with-resources block. Not for more than one thread at a time.
 *
 * @param <T> the items
 */
public final class StreamIterator<T> implements Iterator<T>, AutoCloseable {
  private static final Object END = new Object();
  private final int prefetch;
  private final ArrayDeque<Object> buffer = new ArrayDeque<>();
  private Flow.Subscription subscription;
  private Throwable failure;
  private boolean ended;
  private boolean closed;
  /** Items taken since the last request. */
  private int taken;

  StreamIterator(int prefetch) {
    if (prefetch <= 0) {
      throw new IllegalArgumentException("prefetch must be positive, not " + prefetch);
    }
    this.prefetch = prefetch;
  }

  Flow.Subscriber<T> subscriber() {
    return new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        boolean cancel;
        synchronized (StreamIterator.this) {
          cancel = subscription != null || closed;
          if (!cancel) {
            subscription = s;
          }
        }
        if (cancel) {
          s.cancel();
        } else {
          s.request(prefetch);
        }
      }

      @Override
      public void onNext(T item) {
        synchronized (StreamIterator.this) {
          buffer.add(item);
          StreamIterator.this.notifyAll();
        }
      }

      @Override
      public void onError(Throwable error) {
        synchronized (StreamIterator.this) {
          failure = error;
          ended = true;
          StreamIterator.this.notifyAll();
        }
      }

      @Override
      public void onComplete() {
        synchronized (StreamIterator.this) {
          ended = true;
          buffer.add(END);
          StreamIterator.this.notifyAll();
        }
      }
    };
  }

  /**
   * Waits for the next item or the end.
   *
   * @throws RpcException (or another unchecked exception) if the stream failed; a checked
   *     exception the method declares is thrown as it is, undeclared
   * @throws IllegalStateException if the iterator was closed, or the wait interrupted
   */
  @Override
  public boolean hasNext() {
    synchronized (this) {
      for (;;) {
        if (closed) {
          throw new IllegalStateException("this StreamIterator is closed");
        }
        Object head = buffer.peek();
        if (head != null) {
          return head != END;
        }
        if (failure != null) {
          throw StreamIterator.<RuntimeException>sneaky(failure);
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the stream's next item",
              e);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the stream has ended");
    }
    Flow.Subscription s;
    int more = 0;
    Object next;
    synchronized (this) {
      Object item = buffer.poll();
      taken++;
      if (taken >= Math.max(1, prefetch / 2) && !ended) {
        more = taken;
        taken = 0;
      }
      s = subscription;
      if (more > 0 && s != null) {
        next = item;
      } else {
        return (T) item;
      }
    }
    s.request(more); // outside the lock: a publisher may deliver on this thread
    return (T) next;
  }

  /** Cancels the stream if it has not ended; the items not taken are dropped. */
  @Override
  public void close() {
    Flow.Subscription s;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      buffer.clear();
      s = ended ? null : subscription;
      notifyAll();
    }
    if (s != null) {
      s.cancel();
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
