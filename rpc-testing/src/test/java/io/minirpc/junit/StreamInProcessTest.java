package io.minirpc.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.StreamIterator;
import io.minirpc.StreamProducer;
import io.minirpc.Streams;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streams, either way, through the in-process transport, with each codec. */
class StreamInProcessTest {
  /** Counts, as a stream. */
  public interface Counter {
    Flow.Publisher<Long> upTo(long n);

    /** Without end, from a producer thread; see {@link CounterImpl#stopped}. */
    Flow.Publisher<Long> forever();

    /** How many items the client streamed. */
    long count(Flow.Publisher<Long> items);

    /** Each item plus one, both ways. */
    Flow.Publisher<Long> plusOne(Flow.Publisher<Long> items);
  }

  static final class CounterImpl implements Counter {
    final CountDownLatch stopped = new CountDownLatch(1);
    final AtomicLong sent = new AtomicLong();

    @Override
    public Flow.Publisher<Long> upTo(long n) {
      return Streams.fromStream(LongStream.range(0, n).boxed());
    }

    @Override
    public long count(Flow.Publisher<Long> items) {
      long n = 0;
      try (StreamIterator<Long> it = Streams.iterate(items, 32)) {
        while (it.hasNext()) {
          assertEquals(n++, it.next());
        }
      }
      return n;
    }

    @Override
    public Flow.Publisher<Long> plusOne(Flow.Publisher<Long> items) {
      return Streams.map(items, x -> x + 1);
    }

    @Override
    public Flow.Publisher<Long> forever() {
      StreamProducer<Long> out = new StreamProducer<>();
      Thread t = new Thread(() -> {
        try {
          for (long i = 0; ; i++) {
            out.send(i);
            sent.incrementAndGet();
          }
        } catch (CancellationException | InterruptedException e) {
          stopped.countDown();
        }
      }, "counter-forever");
      t.setDaemon(true);
      t.start();
      return out;
    }
  }

  private static final CounterImpl COUNTER = new CounterImpl();

  @RegisterExtension
  static RpcTestServer server = RpcTestServer.builder()
      .register(Counter.class, COUNTER)
      .build();

  @Test
  void itemsArriveInOrderWithEachCodec() {
    for (String codec : new String[] {"json", "kryo"}) {
      RpcClient client = server.newClient(b -> b.codec(codec));
      long n = 0;
      try (StreamIterator<Long> it = Streams.iterate(client.proxy(Counter.class).upTo(20_000),
          64)) {
        while (it.hasNext()) {
          assertEquals(n++, it.next(), codec);
        }
      }
      assertEquals(20_000, n, codec);
    }
  }

  @Test
  void theClientStreamsAndBothStreamAtOnceWithEachCodec() {
    for (String codec : new String[] {"json", "kryo"}) {
      Counter counter = server.newClient(b -> b.codec(codec)).proxy(Counter.class);
      assertEquals(20_000L, counter.count(Streams.fromStream(LongStream.range(0, 20_000)
          .boxed())), codec);
      long n = 0;
      try (StreamIterator<Long> it = Streams.iterate(counter.plusOne(Streams.fromStream(
          LongStream.range(0, 5_000).boxed())), 64)) {
        while (it.hasNext()) {
          assertEquals(++n, it.next(), codec);
        }
      }
      assertEquals(5_000, n, codec);
    }
  }

  @Test
  void closingTheIteratorEarlyStopsTheProducer() throws Exception {
    try (StreamIterator<Long> it = Streams.iterate(server.proxy(Counter.class).forever(), 16)) {
      for (long i = 0; i < 100; i++) {
        assertEquals(i, it.next());
      }
    }
    assertTrue(COUNTER.stopped.await(5, TimeUnit.SECONDS), "the producer saw the cancel");
    assertTrue(COUNTER.sent.get() <= 100 + 16 + 1, "sent " + COUNTER.sent.get()
        + ": no more than taken and prefetched");
  }
}
