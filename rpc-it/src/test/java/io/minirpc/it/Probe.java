package io.minirpc.it;

import java.util.concurrent.Flow;

/** Server streams at their edges, for {@link StreamEdgesTest}. */
public interface Probe {
  /** {@code n} strings of {@code size} characters. */
  Flow.Publisher<String> big(int n, int size);

  /** A StreamProducer completed before the method returns (an empty stream). */
  Flow.Publisher<String> emptyProducer();

  /** Waits {@code millis} ignoring interrupts, then returns a stream that counts its close. */
  Flow.Publisher<Long> slowStart(long millis);

  /** A publisher whose Subscription.request throws (breaks rule 3.16). */
  Flow.Publisher<Long> throwingRequest();

  /** 0..n-1 from an iterator. */
  Flow.Publisher<Long> count(long n);

  /** Blocks a worker for {@code millis}. */
  int sleep(long millis);
}
