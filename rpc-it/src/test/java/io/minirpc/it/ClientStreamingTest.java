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
import io.minirpc.StreamProducer;
import io.minirpc.Streams;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Client and bidirectional streams over a real connection, with each codec: items arrive in
 * order, the client produces no more than the server granted, and a cancel, a deadline, an early
 * answer or an error ends the stream on both sides.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class ClientStreamingTest {
  @Parameter String codec;

  private UplinkImpl impl;
  private RpcServer server;
  private RpcClient client;
  private Uplink uplink;

  @BeforeEach
  void start() {
    impl = new UplinkImpl();
    server = RpcServer.builder().host("127.0.0.1").port(0).codecs(codec)
        .gracePeriod(Duration.ofSeconds(1)).register(Uplink.class, impl).build().start();
    client = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(10)).build();
    uplink = client.proxy(Uplink.class);
  }

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  @Test
  void aMillionItemsArriveInOrder() throws Exception {
    CompletableFuture<Long> n = uplink.countInOrder(range(1_000_000, new AtomicLong()));
    assertEquals(1_000_000L, n.get(60, TimeUnit.SECONDS));
  }

  @Test
  void aMillionItemsGoBothWaysInOrder() {
    long expected = 0;
    try (StreamIterator<Long> it = Streams.iterate(
        uplink.doubled(range(1_000_000, new AtomicLong())), 512)) {
      while (it.hasNext()) {
        assertEquals(expected * 2, it.next());
        expected++;
      }
    }
    assertEquals(1_000_000, expected);
  }

  @Test
  void aBlockingMethodReadsRecordsAndTheBlockingCallerGetsItsAnswer() {
    assertEquals("ticks: 1000", uplink.countTicks("ticks: ", ticks(1000)));
    assertEquals("none: 0", uplink.countTicks("none: ", Streams.fromIterable(
        java.util.List.of())), "an empty stream completes, and its END goes");
  }

  @Test
  void aBidirectionalStreamOfRecordsRunsBothWays() {
    try (StreamIterator<Long> it = Streams.iterate(uplink.runningTotal(ticks(2000)), 16)) {
      long total = 0;
      for (long i = 0; i < 2000; i++) {
        total += i;
        assertEquals(total, it.next());
      }
      assertTrue(!it.hasNext(), "the answers end once the client's stream has");
    }
  }

  @Test
  void aServerThatReadsOneAtATimeIsSentNoMoreThanItAsked() throws Exception {
    AtomicLong produced = new AtomicLong();
    CompletableFuture<Long> call = CompletableFuture.supplyAsync(
        () -> uplink.readSlowly(5, range(60, produced)));
    for (int i = 0; i < 40; i++) {
      Thread.sleep(7);
      // The server asks for one more after each it read: one granted, one in its hands.
      long taken = impl.taken.get();
      assertTrue(produced.get() <= taken + 2, "the client produced " + produced.get()
          + " items when the server had read " + taken);
    }
    assertEquals(60L, call.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aPausedServerHoldsTheClientsProducer() throws Exception {
    AtomicLong produced = new AtomicLong();
    Thread caller = new Thread(() -> uplink.holdAfter(10, range(Long.MAX_VALUE, produced)));
    caller.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (impl.taken.get() < 10 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(300);
    assertEquals(10, impl.taken.get());
    assertEquals(10, produced.get(), "the producer waits for the server's credit");
    caller.interrupt(); // cancels the blocking call
    RpcException end = assertInstanceOf(RpcException.class, impl.ends.poll(5, TimeUnit.SECONDS));
    assertEquals(RpcException.Code.CANCELLED, end.code(), "the server's subscriber is told");
    caller.join(5000);
  }

  @Test
  void aCancelStopsTheClientsProducerWithin100Milliseconds() throws Exception {
    StreamProducer<Long> out = new StreamProducer<>();
    AtomicLong stopped = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    Thread producer = new Thread(() -> {
      try {
        for (long i = 0; ; i++) {
          out.send(i);
          sent.incrementAndGet();
        }
      } catch (CancellationException | InterruptedException e) {
        stopped.set(System.nanoTime());
      }
    }, "uplink-producer");
    producer.start();
    CompletableFuture<Long> call = uplink.countInOrder(out);
    while (sent.get() < 5000) {
      Thread.sleep(1);
    }
    long cancelled = System.nanoTime();
    call.cancel(true);
    producer.join(5000);
    assertTrue(stopped.get() != 0, "the producer never saw the cancel");
    long millis = TimeUnit.NANOSECONDS.toMillis(stopped.get() - cancelled);
    assertTrue(millis < 100, "the producer stopped " + millis + " ms after the cancel");
    RpcException end = assertInstanceOf(RpcException.class, impl.ends.poll(5, TimeUnit.SECONDS));
    assertEquals(RpcException.Code.CANCELLED, end.code(), end.getMessage());
  }

  @Test
  void theMethodCancellingTheStreamStopsTheClientsProducerWithin100MillisecondsAndTheCallGoesOn()
      throws Exception {
    StreamProducer<Long> out = new StreamProducer<>();
    AtomicLong stopped = new AtomicLong();
    Thread producer = new Thread(() -> {
      try {
        for (long i = 0; ; i++) {
          out.send(i);
        }
      } catch (CancellationException | InterruptedException e) {
        stopped.set(System.nanoTime());
      }
    }, "uplink-producer");
    producer.start();
    CompletableFuture<Long> call = CompletableFuture.supplyAsync(
        () -> uplink.takeThenLinger(10, 1000, out));
    producer.join(5000);
    assertTrue(stopped.get() != 0, "the producer was never stopped");
    assertTrue(!call.isDone(), "the producer stopped before the call's end");
    long millis = TimeUnit.NANOSECONDS.toMillis(stopped.get() - impl.closedAt.get());
    assertTrue(impl.closedAt.get() != 0 && millis < 100,
        "the producer stopped " + millis + " ms after the method cancelled the stream");
    assertEquals(45L, call.get(10, TimeUnit.SECONDS));
  }

  @Test
  void theDeadlineEndsTheStreamWithTimeoutOnBothSides() throws Exception {
    AtomicLong produced = new AtomicLong();
    RpcException e = assertThrows(RpcException.class,
        () -> uplink.stall(range(Long.MAX_VALUE, produced)));
    assertEquals(RpcException.Code.TIMEOUT, e.code(), e.getMessage());
    RpcException server = assertInstanceOf(RpcException.class,
        impl.ends.poll(5, TimeUnit.SECONDS));
    assertEquals(RpcException.Code.TIMEOUT, server.code(), server.getMessage());
    assertTrue(produced.get() <= 2, "produced " + produced.get() + " of the 1 granted");
  }

  @Test
  void anAnswerBeforeTheEndOfTheClientsStreamStopsItsProducer() throws Exception {
    AtomicLong produced = new AtomicLong();
    assertEquals(45L, uplink.takeFirst(10, range(Long.MAX_VALUE, produced)));
    long before = produced.get();
    Thread.sleep(200);
    assertEquals(before, produced.get(), "the producer was cancelled with the call's end");
    assertTrue(before < 10 + 2 * 1024, "produced " + before);
  }

  @Test
  void aDeclaredExceptionReachesTheCaller() {
    Feed.FeedException e = assertThrows(Feed.FeedException.class,
        () -> uplink.failAfter(5, range(Long.MAX_VALUE, new AtomicLong())));
    assertEquals("the uplink broke after 5 items", e.getMessage());
  }

  @Test
  void aFailingClientStreamCancelsTheCallAndTellsTheServer() throws Exception {
    Iterator<Long> failing = Stream.iterate(0L, i -> {
      if (i == 99) {
        throw new IllegalStateException("the client's source broke");
      }
      return i + 1;
    }).iterator();
    CompletableFuture<Long> call = uplink.countInOrder(Streams.fromIterator(failing));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> call.get(5, TimeUnit.SECONDS));
    RpcException cause = assertInstanceOf(RpcException.class, e.getCause());
    assertEquals(RpcException.Code.CANCELLED, cause.code());
    assertTrue(cause.getMessage().contains("the client's source broke"), cause.getMessage());
    RpcException server = assertInstanceOf(RpcException.class,
        impl.ends.poll(5, TimeUnit.SECONDS));
    assertEquals(RpcException.Code.CANCELLED, server.code(), server.getMessage());
  }

  @Test
  void aCallThatEndsBeforeTheServerTookTheStreamStillCancelsTheCallersPublisher()
      throws Exception {
    try (RpcServer other = RpcServer.builder().host("127.0.0.1").port(0).codecs(codec)
            .register(Feed.class, new FeedImpl()).build().start();
        RpcClient c = RpcClient.builder().address("127.0.0.1", other.port()).codec(codec)
            .build()) {
      StreamProducer<Long> out = new StreamProducer<>();
      CompletableFuture<Throwable> producerEnd = new CompletableFuture<>();
      Thread producer = new Thread(() -> {
        try {
          out.send(1L); // waits for a subscriber that asks
          producerEnd.complete(null);
        } catch (CancellationException | InterruptedException e) {
          producerEnd.complete(e);
        }
      }, "uplink-unsent");
      producer.setDaemon(true);
      producer.start();
      CompletableFuture<Long> call = c.proxy(Uplink.class).countInOrder(out);
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> call.get(5, TimeUnit.SECONDS));
      assertEquals(RpcException.Code.NOT_FOUND,
          assertInstanceOf(RpcException.class, e.getCause()).code(), "the server has no Uplink");
      assertInstanceOf(CancellationException.class, producerEnd.get(5, TimeUnit.SECONDS),
          "the producer is told the call ended, not left waiting");
    }
  }

  @Test
  void aNullStreamArgumentIsRefusedAtOnce() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> uplink.countInOrder(null));
    assertTrue(e.getMessage().contains("countInOrder"), e.getMessage());
  }

  @Test
  void unaryCallsAndManyStreamsShareTheConnection() throws Exception {
    java.util.List<CompletableFuture<Long>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(uplink.countInOrder(range(2000 + i, new AtomicLong())));
    }
    for (int i = 0; i < 50; i++) {
      assertEquals(2000L + i, calls.get(i).get(30, TimeUnit.SECONDS));
    }
    assertNull(impl.ends.poll(), "no stream ended with an error");
  }

  @Test
  void observersCountTheItemsOfBothStreamsAndInterceptorsSeeTheWholeCall() throws Exception {
    io.minirpc.interceptors.MetricsInterceptor serverSide =
        new io.minirpc.interceptors.MetricsInterceptor();
    io.minirpc.interceptors.MetricsInterceptor clientSide =
        new io.minirpc.interceptors.MetricsInterceptor();
    java.util.List<String> events = java.util.Collections.synchronizedList(
        new java.util.ArrayList<>());
    io.minirpc.ServerInterceptor tenant = (call, next) -> {
      events.add("server " + call.metadata().get("tenant"));
      return next.proceed().whenComplete((value, error) -> events.add("server ended"));
    };
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0).codecs(codec)
            .intercept(tenant).observer(serverSide).register(Uplink.class, new UplinkImpl())
            .build().start();
        RpcClient c = RpcClient.builder().address("127.0.0.1", s.port()).codec(codec)
            .intercept((call, next) -> {
              call.metadata().put("tenant", "acme");
              return next.proceed();
            }).observer(clientSide).build()) {
      Uplink u = c.proxy(Uplink.class);
      assertEquals(300L, u.countInOrder(range(300, new AtomicLong())).get(10, TimeUnit.SECONDS));
      try (StreamIterator<Long> it = Streams.iterate(u.doubled(range(200, new AtomicLong())), 8)) {
        it.forEachRemaining(x -> { });
      }
      String count = Uplink.class.getName() + ".countInOrder(java.util.concurrent.Flow$Publisher)";
      String doubled = Uplink.class.getName() + ".doubled(java.util.concurrent.Flow$Publisher)";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while ((serverSide.snapshot().get(doubled) == null
          || clientSide.snapshot().get(doubled) == null) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      for (io.minirpc.interceptors.MetricsInterceptor m : java.util.List.of(serverSide,
          clientSide)) {
        assertEquals(1, m.snapshot().get(count).calls());
        assertEquals(300, m.snapshot().get(count).items(), "the items the client streamed");
        assertEquals(400, m.snapshot().get(doubled).items(), "200 each way");
      }
      assertEquals(java.util.List.of("server acme", "server ended", "server acme",
          "server ended"), java.util.List.copyOf(events));
    }
  }

  /** 0, 1, ..., n-1 pulled from an iterator, counting each pulled into {@code produced}. */
  static Flow.Publisher<Long> range(long n, AtomicLong produced) {
    return Streams.fromIterator(LongStream.range(0, n).boxed()
        .peek(x -> produced.incrementAndGet()).iterator());
  }

  static Flow.Publisher<Feed.Tick> ticks(int n) {
    return Streams.fromStream(Stream.iterate(0L, i -> i + 1).limit(n)
        .map(i -> new Feed.Tick(i, "S" + (i % 7), i * 0.5, java.util.List.of("t" + i))));
  }
}
