package io.minirpc.it;

import io.minirpc.Timeout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Client and bidirectional streams, to test flow control, cancels, deadlines and errors. */
public interface Uplink {
  /** Checks that the items are 0, 1, 2, ... and answers how many came; reads in batches. */
  CompletableFuture<Long> countInOrder(Flow.Publisher<Long> items);

  /** The ticks, read with a blocking iterator: how many came, with {@code label} before. */
  String countTicks(String label, Flow.Publisher<Feed.Tick> ticks);

  /** Requests one item at a time, pausing {@code pauseMillis} after each; how many came. */
  long readSlowly(int pauseMillis, Flow.Publisher<Long> items);

  /** Requests {@code n} items, then waits for the call's end: a paused consumer. */
  long holdAfter(int n, Flow.Publisher<Long> items);

  /** Waits for the end of the items, requesting none: ends at its deadline of 300 ms. */
  @Timeout(millis = 300)
  long stall(Flow.Publisher<Long> items);

  /** Reads {@code n} items and answers, before the client's stream has ended. */
  long takeFirst(int n, Flow.Publisher<Long> items);

  /**
   * Reads {@code n} items, closes its iterator (which cancels the client's stream), then answers
   * their sum after {@code lingerMillis}: the call goes on after the stream was cancelled.
   */
  long takeThenLinger(int n, int lingerMillis, Flow.Publisher<Long> items);

  /** Reads {@code n} items, then throws the declared exception. */
  long failAfter(int n, Flow.Publisher<Long> items) throws Feed.FeedException;

  /** Bidirectional: each item doubled, as it comes. */
  Flow.Publisher<Long> doubled(Flow.Publisher<Long> items);

  /** Bidirectional: a running total after each tick's seq. */
  Flow.Publisher<Long> runningTotal(Flow.Publisher<Feed.Tick> ticks);
}
