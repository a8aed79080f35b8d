package io.minirpc.it;

import io.minirpc.RpcException;
import io.minirpc.StreamIterator;
import io.minirpc.Streams;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/** {@link Uplink}, recording what each method saw. */
final class UplinkImpl implements Uplink {
  /** Items the methods took from their streams, over all calls. */
  final AtomicLong taken = new AtomicLong();
  /** How the last stream a method read ended: null while it goes on, or for a complete one. */
  final LinkedBlockingQueue<Throwable> ends = new LinkedBlockingQueue<>();
  /** Calls of {@link #countTicks} that have begun, over all calls. */
  final AtomicLong ticksBegun = new AtomicLong();

  @Override
  public CompletableFuture<Long> countInOrder(Flow.Publisher<Long> items) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    items.subscribe(new Flow.Subscriber<>() {
      private Flow.Subscription s;
      private long next;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        this.s = s;
        s.request(256);
      }

      @Override
      public void onNext(Long item) {
        if (item != next) {
          s.cancel();
          result.completeExceptionally(new IllegalStateException("item " + next + " was " + item));
          return;
        }
        next++;
        taken.incrementAndGet();
        if (next % 128 == 0) {
          s.request(128);
        }
      }

      @Override
      public void onError(Throwable t) {
        ends.add(t);
        result.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        result.complete(next);
      }
    });
    return result;
  }

  @Override
  public String countTicks(String label, Flow.Publisher<Feed.Tick> ticks) {
    ticksBegun.incrementAndGet();
    long n = 0;
    try (StreamIterator<Feed.Tick> it = Streams.iterate(ticks, 32)) {
      while (it.hasNext()) {
        Feed.Tick t = it.next();
        if (t.seq() != n) {
          throw new IllegalStateException("tick " + n + " was " + t);
        }
        n++;
      }
    }
    return label + n;
  }

  @Override
  public long readSlowly(int pauseMillis, Flow.Publisher<Long> items) {
    long n = 0;
    try (StreamIterator<Long> it = Streams.iterate(items, 1)) {
      while (it.hasNext()) {
        it.next();
        n++;
        taken.incrementAndGet();
        Thread.sleep(pauseMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return n;
  }

  @Override
  public long holdAfter(int n, Flow.Publisher<Long> items) {
    Throwable end = requestThenWait(items, n);
    ends.add(end == null ? new IllegalStateException("completed") : end);
    return taken.get();
  }

  @Override
  public long stall(Flow.Publisher<Long> items) {
    // One, and no more: the client waits for credit until the deadline.
    Throwable end = requestThenWait(items, 1);
    ends.add(end == null ? new IllegalStateException("completed") : end);
    return -1;
  }

  /**
   * Requests {@code n} of {@code items}, counting them into {@link #taken}, and waits for the
   * end, which it returns (null if complete). Not interruptible: the end is what ends the wait.
   */
  private Throwable requestThenWait(Flow.Publisher<Long> items, int n) {
    CompletableFuture<Throwable> end = new CompletableFuture<>();
    items.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(n);
      }

      @Override
      public void onNext(Long item) {
        taken.incrementAndGet();
      }

      @Override
      public void onError(Throwable t) {
        end.complete(t);
      }

      @Override
      public void onComplete() {
        end.complete(null);
      }
    });
    return end.join();
  }

  @Override
  public long takeFirst(int n, Flow.Publisher<Long> items) {
    StreamIterator<Long> it = Streams.iterate(items, 8);
    long sum = 0;
    for (int i = 0; i < n && it.hasNext(); i++) {
      sum += it.next();
    }
    return sum; // the iterator is left open: the call's end ends the client's stream
  }

  /** When {@link #takeThenLinger} was about to close its iterator, by {@link System#nanoTime}. */
  final java.util.concurrent.atomic.AtomicLong closedAt = new java.util.concurrent.atomic.AtomicLong();

  @Override
  public long takeThenLinger(int n, int lingerMillis, Flow.Publisher<Long> items) {
    long sum = 0;
    try (StreamIterator<Long> it = Streams.iterate(items, 8)) {
      for (int i = 0; i < n && it.hasNext(); i++) {
        sum += it.next();
      }
      closedAt.set(System.nanoTime()); // just before the close: the client may stop at once
    }
    try {
      Thread.sleep(lingerMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return sum;
  }

  @Override
  public long failAfter(int n, Flow.Publisher<Long> items) throws Feed.FeedException {
    try (StreamIterator<Long> it = Streams.iterate(items, 8)) {
      for (int i = 0; i < n; i++) {
        it.next();
      }
    }
    throw new Feed.FeedException("the uplink broke after " + n + " items");
  }

  @Override
  public Flow.Publisher<Long> doubled(Flow.Publisher<Long> items) {
    return Streams.map(items, x -> x * 2); // demand passes straight through, to the client
  }

  @Override
  public Flow.Publisher<Long> runningTotal(Flow.Publisher<Feed.Tick> ticks) {
    long[] total = {0};
    return Streams.map(ticks, t -> total[0] += t.seq());
  }
}
