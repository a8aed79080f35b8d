package io.minirpc.it;

import io.minirpc.StreamProducer;
import io.minirpc.Streams;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.stream.LongStream;
import java.util.stream.Stream;

final class ProbeImpl implements Probe {
  final CountDownLatch slowStartClosed = new CountDownLatch(1);
  final java.util.concurrent.atomic.AtomicLong bigPulled = new java.util.concurrent.atomic.AtomicLong();

  @Override
  public Flow.Publisher<String> big(int n, int size) {
    String s = "x".repeat(size);
    return Streams.fromStream(Stream.generate(() -> s).limit(n).peek(x -> bigPulled.incrementAndGet()));
  }

  @Override
  public Flow.Publisher<String> emptyProducer() {
    StreamProducer<String> out = new StreamProducer<>();
    out.complete(); // as a producer thread that finds nothing to send may do, before subscribe
    return out;
  }

  @Override
  public Flow.Publisher<Long> slowStart(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      Thread.interrupted();
      Thread.onSpinWait();
    }
    Thread.interrupted();
    return Streams.fromStream(LongStream.range(0, 10).boxed()
        .onClose(slowStartClosed::countDown));
  }

  @Override
  public Flow.Publisher<Long> throwingRequest() {
    return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        throw new IllegalStateException("broken publisher");
      }

      @Override
      public void cancel() {}
    });
  }

  @Override
  public Flow.Publisher<Long> count(long n) {
    return Streams.fromStream(LongStream.range(0, n).boxed());
  }

  @Override
  public int sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
