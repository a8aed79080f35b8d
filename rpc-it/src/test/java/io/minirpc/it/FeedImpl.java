package io.minirpc.it;

import io.minirpc.StreamProducer;
import io.minirpc.Streams;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/** {@link Feed}, counting what it produces. */
final class FeedImpl implements Feed {
  /** Items pulled from the iterators of {@link #count}, over all calls. */
  final AtomicLong pulled = new AtomicLong();
  /** Items {@link #produce} sent. */
  final AtomicLong produced = new AtomicLong();
  /** When {@link #produce}'s producer saw the stream end (System.nanoTime()), or 0. */
  final AtomicLong producerStopped = new AtomicLong();
  /** What ended the producer. */
  volatile Throwable producerEnd;

  @Override
  public Flow.Publisher<Long> count(long n) {
    return Streams.fromStream(LongStream.range(0, n).boxed().peek(x -> pulled.incrementAndGet()));
  }

  @Override
  public Flow.Publisher<Tick> ticks(int n) {
    return Streams.fromStream(Stream.iterate(0L, i -> i + 1).limit(n)
        .map(i -> new Tick(i, "S" + (i % 7), i * 0.5, List.of("t" + i))));
  }

  @Override
  public Flow.Publisher<Long> produce() {
    StreamProducer<Long> out = new StreamProducer<>();
    Thread t = new Thread(() -> {
      try {
        for (long i = 0; ; i++) {
          out.send(i);
          produced.incrementAndGet();
        }
      } catch (CancellationException | InterruptedException e) {
        producerStopped.set(System.nanoTime());
        producerEnd = e;
      }
    }, "feed-producer");
    t.setDaemon(true);
    t.start();
    return out;
  }

  @Override
  public Flow.Publisher<String> failAfter(int n) {
    StreamProducer<String> out = new StreamProducer<>();
    Thread t = new Thread(() -> {
      try {
        for (int i = 0; i < n; i++) {
          out.send("item " + i);
        }
        out.fail(new FeedException("the feed broke after " + n + " items"));
      } catch (CancellationException | InterruptedException e) {
        // cancelled
      }
    }, "feed-failing");
    t.setDaemon(true);
    t.start();
    return out;
  }

  @Override
  public Flow.Publisher<Long> endless() {
    return Streams.fromStream(Stream.iterate(0L, i -> i + 1));
  }

  @Override
  public Flow.Publisher<String> whoStreams() {
    StreamProducer<String> out = new StreamProducer<>();
    String pid = "pid-" + ProcessHandle.current().pid() + ":";
    Thread t = new Thread(() -> {
      try {
        for (long i = 0; ; i++) {
          out.send(pid + i);
        }
      } catch (CancellationException | InterruptedException e) {
        // ended
      }
    }, "feed-who");
    t.setDaemon(true);
    t.start();
    return out;
  }

  @Override
  public int ping(int x) {
    return x;
  }
}
