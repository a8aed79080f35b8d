package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import io.minirpc.StreamIterator;
import io.minirpc.Streams;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Server streams over a real connection, with each codec: items arrive in order, the server
 * produces no more than the client granted, and a cancel, a deadline or an error ends the
 * stream on both sides.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class StreamingTest {
  @Parameter String codec;

  private FeedImpl impl;
  private RpcServer server;
  private RpcClient client;
  private Feed feed;

  @BeforeEach
  void start() {
    impl = new FeedImpl();
    server = RpcServer.builder().host("127.0.0.1").port(0).codecs(codec)
        .gracePeriod(Duration.ofSeconds(1)).register(Feed.class, impl).build().start();
    client = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(10)).build();
    feed = client.proxy(Feed.class);
  }

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  @Test
  void aMillionItemsArriveInOrder() {
    long expected = 0;
    try (StreamIterator<Long> it = Streams.iterate(feed.count(1_000_000), 512)) {
      while (it.hasNext()) {
        assertEquals(expected, it.next());
        expected++;
      }
    }
    assertEquals(1_000_000, expected);
  }

  @Test
  void recordsArriveWhole() {
    try (StreamIterator<Feed.Tick> it = Streams.iterate(feed.ticks(1000), 16)) {
      for (long i = 0; i < 1000; i++) {
        assertTrue(it.hasNext());
        Feed.Tick t = it.next();
        assertEquals(new Feed.Tick(i, "S" + (i % 7), i * 0.5, java.util.List.of("t" + i)), t);
      }
      assertTrue(!it.hasNext(), "the stream ends after the last tick");
    }
  }

  @Test
  void aConsumerThatRequestsOneAtATimeGetsNoMoreThanItAsked() throws Exception {
    Recorder r = new Recorder(0);
    feed.produce().subscribe(r);
    Flow.Subscription s = r.subscription.get(5, TimeUnit.SECONDS);
    for (int i = 1; i <= 20; i++) {
      s.request(1);
      r.awaitCount(i);
      Thread.sleep(i % 5 == 0 ? 100 : 5);
      assertTrue(impl.produced.get() <= i, "the producer sent " + impl.produced.get()
          + " items when " + i + " were requested");
    }
    s.cancel();
    assertEquals(20, r.items.size());
  }

  @Test
  void aPausedConsumerHoldsItsProducer() throws Exception {
    Recorder r = new Recorder(10);
    feed.produce().subscribe(r);
    r.awaitCount(10);
    Thread.sleep(300);
    assertEquals(10, impl.produced.get(), "the producer waits for credit");
    assertEquals(10, r.items.size());
    r.subscription.get().cancel();
  }

  @Test
  void aCancelStopsTheProducerWithin100Milliseconds() throws Exception {
    Recorder r = new Recorder(Long.MAX_VALUE);
    feed.produce().subscribe(r);
    r.awaitCount(1000);
    long cancelled = System.nanoTime();
    r.subscription.get().cancel();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (impl.producerStopped.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    long stopped = impl.producerStopped.get();
    assertTrue(stopped != 0, "the producer never saw the cancel");
    long millis = TimeUnit.NANOSECONDS.toMillis(stopped - cancelled);
    assertTrue(millis < 100, "the producer stopped " + millis + " ms after the cancel");
    assertInstanceOf(java.util.concurrent.CancellationException.class, impl.producerEnd);
    assertNull(r.end.getNow(null), "a cancelled subscriber is told nothing more");
  }

  @Test
  void theDeadlineEndsTheStreamWithTimeout() throws Exception {
    Recorder r = new Recorder(Long.MAX_VALUE);
    feed.endless().subscribe(r);
    Throwable end = r.end.get(5, TimeUnit.SECONDS);
    RpcException e = assertInstanceOf(RpcException.class, end);
    assertEquals(RpcException.Code.TIMEOUT, e.code(), e.getMessage());
    assertTrue(r.items.size() > 0, "items flowed until the deadline");
  }

  @Test
  void anErrorMidStreamReachesTheSubscriberAsTheDeclaredException() throws Exception {
    StreamIterator<String> it = Streams.iterate(feed.failAfter(5), 2);
    for (int i = 0; i < 5; i++) {
      assertEquals("item " + i, it.next());
    }
    Feed.FeedException e = assertThrows(Feed.FeedException.class, it::hasNext);
    assertEquals("the feed broke after 5 items", e.getMessage());
  }

  @Test
  void unaryCallsGoOnBesideStreams() throws Exception {
    Recorder r = new Recorder(3);
    feed.produce().subscribe(r);
    r.awaitCount(3);
    assertEquals(7, feed.ping(7));
    r.subscription.get().cancel();
  }

  @Test
  void interceptorsOnBothSidesSeeTheWholeStreamAsTheCall() throws Exception {
    java.util.List<String> events = java.util.Collections.synchronizedList(
        new java.util.ArrayList<>());
    io.minirpc.ServerInterceptor serverSide = (call, next) -> {
      events.add("server " + call.metadata().get("tenant"));
      return next.proceed().whenComplete((value, error) -> events.add("server ended"));
    };
    io.minirpc.ClientInterceptor clientSide = (call, next) -> {
      call.metadata().put("tenant", "acme");
      return next.proceed().whenComplete((value, error) -> events.add("client ended"));
    };
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0).codecs(codec)
            .intercept(serverSide).register(Feed.class, new FeedImpl()).build().start();
        RpcClient c = RpcClient.builder().address("127.0.0.1", s.port()).codec(codec)
            .intercept(clientSide).build()) {
      long n = 0;
      try (StreamIterator<Long> it = Streams.iterate(c.proxy(Feed.class).count(500), 8)) {
        while (it.hasNext()) {
          assertEquals(n++, it.next());
          if (n == 250) {
            assertEquals(java.util.List.of("server acme"), java.util.List.copyOf(events),
                "halfway, neither side has seen the call end");
          }
        }
      }
      assertEquals(500, n);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (events.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(java.util.Set.of("server acme", "server ended", "client ended"),
          java.util.Set.copyOf(events));
    }
  }

  @Test
  void observersCountAStreamAsOneCallAndItsItemsOnBothSides() throws Exception {
    io.minirpc.interceptors.MetricsInterceptor serverSide =
        new io.minirpc.interceptors.MetricsInterceptor();
    io.minirpc.interceptors.MetricsInterceptor clientSide =
        new io.minirpc.interceptors.MetricsInterceptor();
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0).codecs(codec)
            .observer(serverSide).register(Feed.class, new FeedImpl()).build().start();
        RpcClient c = RpcClient.builder().address("127.0.0.1", s.port()).codec(codec)
            .observer(clientSide).build()) {
      try (StreamIterator<Long> it = Streams.iterate(c.proxy(Feed.class).count(300), 16)) {
        it.forEachRemaining(x -> { });
      }
      String count = Feed.class.getName() + ".count(long)";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while ((serverSide.snapshot().get(count) == null
          || clientSide.snapshot().get(count) == null) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      for (io.minirpc.interceptors.MetricsInterceptor m : java.util.List.of(serverSide,
          clientSide)) {
        io.minirpc.interceptors.MethodStats stats = m.snapshot().get(count);
        assertEquals(1, stats.calls(), stats.toString());
        assertEquals(300, stats.items(), stats.toString());
        assertEquals(0, stats.failures(), stats.toString());
      }
    }
  }

  @Test
  void theClientGrantsOnlyWhatItsMemoryBudgetHoldsAndEveryStreamEndsOnceItIsRead()
      throws Exception {
    io.minirpc.interceptors.MetricsInterceptor sent =
        new io.minirpc.interceptors.MetricsInterceptor();
    int streams = 40;
    CountDownLatch reading = new CountDownLatch(1);
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0).codecs(codec)
            .observer(sent).register(Feed.class, new FeedImpl()).build().start();
        RpcClient c = RpcClient.builder().address("127.0.0.1", s.port()).codec(codec)
            .maxResponseMemory(1 << 20).timeout(Duration.ofSeconds(30)).build()) {
      java.util.List<Recorder> all = new java.util.ArrayList<>();
      for (int i = 0; i < streams; i++) {
        Recorder r = new Recorder(Long.MAX_VALUE) {
          @Override
          public void onNext(Object item) {
            try {
              reading.await(); // a subscriber that asked for everything, and does not read yet
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.onNext(item);
          }
        };
        c.proxy(Feed.class).ticks(2000).subscribe(r);
        all.add(r);
      }
      String ticks = Feed.class.getName() + ".ticks(int)";
      long before;
      long after = 0;
      do {
        before = after;
        Thread.sleep(300);
        io.minirpc.interceptors.MethodStats stats = sent.snapshot().get(ticks);
        after = stats == null ? 0 : stats.items();
      } while (after != before || after == 0);
      // Each stream would take 1,024 items without a budget: 40,960. A tick is more than 40
      // bytes as a frame, and 1 MiB holds fewer than 26,215 of them, plus one overdraft each.
      assertTrue(after < (1 << 20) / 40 + streams, "the server sent " + after + " ticks");
      reading.countDown();
      for (Recorder r : all) {
        assertNull(r.end.get(30, TimeUnit.SECONDS), "each stream completes");
        assertEquals(2000, r.items.size());
      }
    }
  }

  /** A subscriber that records, requesting {@code initial} at first. */
  static class Recorder implements Flow.Subscriber<Object> {
    final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    final java.util.List<Object> items = java.util.Collections.synchronizedList(
        new java.util.ArrayList<>());
    /** The error it ended with; completed with null on onComplete. */
    final CompletableFuture<Throwable> end = new CompletableFuture<>();
    private final long initial;

    Recorder(long initial) {
      this.initial = initial;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.complete(s);
      if (initial > 0) {
        s.request(initial);
      }
    }

    @Override
    public void onNext(Object item) {
      items.add(item);
      synchronized (this) {
        notifyAll();
      }
    }

    @Override
    public void onError(Throwable t) {
      end.complete(t);
    }

    @Override
    public void onComplete() {
      end.complete(null);
    }

    void awaitCount(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      synchronized (this) {
        while (items.size() < n) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("got " + items.size() + " items of " + n + "; "
                + end.getNow(null));
          }
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      }
    }
  }
}
