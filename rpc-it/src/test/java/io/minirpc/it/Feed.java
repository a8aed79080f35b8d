package io.minirpc.it;

import io.minirpc.Timeout;
import java.util.concurrent.Flow;

/** Server streams, to test flow control, cancels, deadlines and errors mid-stream. */
public interface Feed {
  /** 0, 1, ..., n-1, pulled from an iterator. */
  Flow.Publisher<Long> count(long n);

  /** n ticks, records with a few fields. */
  Flow.Publisher<Tick> ticks(int n);

  /** Endless, written by a producer thread with StreamProducer.send; see FeedImpl.produced. */
  Flow.Publisher<Long> produce();

  /** {@code n} items, then the declared exception. */
  Flow.Publisher<String> failAfter(int n) throws FeedException;

  /** Endless, under a deadline of 300 ms. */
  @Timeout(millis = 300)
  Flow.Publisher<Long> endless();

  /**
   * Endless, "pid-N:i", so the caller knows which server streams; idempotent, so that a fleet
   * could send it again elsewhere: only before its first item.
   */
  @io.minirpc.Idempotent
  Flow.Publisher<String> whoStreams();

  /** A unary call beside the streams. */
  int ping(int x);

  /** A tick. */
  record Tick(long seq, String symbol, double price, java.util.List<String> tags) {}

  /** What failAfter throws. */
  final class FeedException extends Exception {
    private static final long serialVersionUID = 1L;

    public FeedException(String message) {
      super(message);
    }
  }
}
