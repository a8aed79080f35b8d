package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.Streams;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code Streams.map}: items through a function, the subscriber's demand passed to the source. */
class StreamsMapTest {
  @Test
  void aSubscriberGetsWhatItRequestedAndTheSourceGivesNoMore() throws Exception {
    AtomicLong pulled = new AtomicLong();
    StreamingTest.Recorder r = new StreamingTest.Recorder(3);
    Streams.map(Streams.fromStream(Stream.iterate(0L, i -> i + 1)
        .peek(x -> pulled.incrementAndGet())), x -> "#" + x).subscribe(r);
    r.awaitCount(3);
    Thread.sleep(50);
    assertEquals(List.of("#0", "#1", "#2"), List.copyOf(r.items));
    assertEquals(3, pulled.get(), "the source was asked for what the subscriber requested");
    r.subscription.get().request(2);
    r.awaitCount(5);
    r.subscription.get().cancel();
  }

  @Test
  void aMapperThatThrowsCancelsTheSourceAndEndsTheStreamWithItsError() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    StreamingTest.Recorder r = new StreamingTest.Recorder(Long.MAX_VALUE);
    Streams.map(Streams.fromStream(Stream.iterate(0L, i -> i + 1).onClose(() -> closed.set(true))),
        x -> {
          if (x == 4) {
            throw new IllegalStateException("no fours");
          }
          return x;
        }).subscribe(r);
    Throwable end = r.end.get(5, TimeUnit.SECONDS);
    assertEquals("no fours", assertInstanceOf(IllegalStateException.class, end).getMessage());
    assertEquals(List.of(0L, 1L, 2L, 3L), List.copyOf(r.items));
    assertTrue(closed.get(), "the source was cancelled, and closed its stream");
  }

  @Test
  void aMapperThatReturnsNullEndsTheStreamAndACompleteSourceCompletesIt() throws Exception {
    StreamingTest.Recorder nulls = new StreamingTest.Recorder(Long.MAX_VALUE);
    Streams.map(Streams.fromIterable(List.of(1, 2)), x -> x == 2 ? null : x).subscribe(nulls);
    assertInstanceOf(NullPointerException.class, nulls.end.get(5, TimeUnit.SECONDS));
    StreamingTest.Recorder whole = new StreamingTest.Recorder(Long.MAX_VALUE);
    Streams.map(Streams.fromIterable(List.of(1, 2)), x -> x * 10).subscribe(whole);
    assertNull(whole.end.get(5, TimeUnit.SECONDS));
    assertEquals(List.of(10, 20), List.copyOf(whole.items));
  }
}
