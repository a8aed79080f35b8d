package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams at their edges, each once a bug a review found: overdrawn credit, credit without
 * end, a busy executor, a publisher that throws or is cancelled before it began, interceptors
 * and closed clients.
 */
@Timeout(60)
class StreamEdgesTest {
  private static final String FEED = Feed.class.getName();

  private static RpcServer server(Object impl, Class<?> type, RpcServer.Builder b) {
    return registerAny(b.host("127.0.0.1").port(0).gracePeriod(Duration.ofMillis(200)), type,
        impl).build().start();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static RpcServer.Builder registerAny(RpcServer.Builder b, Class type, Object impl) {
    return b.register(type, impl);
  }

  private static RpcClient client(RpcServer s) {
    return RpcClient.builder().address("127.0.0.1", s.port()).codec("json").build();
  }


  /** ItemSender.credit: saturated(bytes + more) turns an overdrawn byte credit into MAX. */
  @Test
  void smallByteCreditAfterAnOverdrawDoesNotGrantUnlimitedBytes() throws Exception {
    try (RpcServer server = server(new FeedImpl(), Feed.class, RpcServer.builder());
        RawConnection raw = new RawConnection(server.port())) {
      raw.request(1, 1, FEED, "count(long)", "1000".getBytes(StandardCharsets.UTF_8));
      raw.frame(RawConnection.CREDIT, 0, 1, RawConnection.credit(1, 1), new byte[0]);
      assertEquals(RawConnection.ITEM, raw.read().type()); // bytes are now 1 - size < 0
      raw.frame(RawConnection.CREDIT, 0, 1, RawConnection.credit(5, 2), new byte[0]); // still below zero
      raw.readTimeout(Duration.ofMillis(1500));
      try {
        RawConnection.Reply r = raw.read();
        fail("the server sent frame type " + r.type() + " with its byte credit below zero");
      } catch (SocketTimeoutException expected) {
        // right: no byte credit
      }
    }
  }

  /** The same bug, end to end: a legitimate client with large items loses its connection. */
  @Test
  void largeItemsAndRequestsFromAnotherThreadDoNotBreakTheProtocol() throws Exception {
    try (RpcServer server = server(new ProbeImpl(), Probe.class,
            RpcServer.builder().maxFrameSize(8 << 20));
        RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
            .codec("json").maxFrameSize(8 << 20).build()) {
      CountDownLatch firstItem = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      StreamingTest.Recorder r = new StreamingTest.Recorder(2) {
        @Override
        public void onNext(Object item) {
          super.onNext(item);
          if (items.size() == 1) {
            firstItem.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }
      };
      client.proxy(Probe.class).big(8, 700_000).subscribe(r);
      Flow.Subscription s = r.subscription.get(5, TimeUnit.SECONDS);
      assertTrue(firstItem.await(10, TimeUnit.SECONDS));
      Thread.sleep(700);
      s.request(1); // from another thread than onNext: allowed
      Thread.sleep(700);
      s.request(1);
      Thread.sleep(700);
      release.countDown();
      s.request(100);
      Throwable end = r.end.get(20, TimeUnit.SECONDS);
      assertNull(end, () -> "the stream failed: " + end);
      assertEquals(8, r.items.size());
    }
  }

  /**
   * ItemSender.pull asks the publisher for credit/largest items, unbounded by memory; and a
   * cancel (disconnect, deadline, shutdown) waits in SerialSubscription until that request(n)
   * returns, which for Streams.fromStream is after n items: never, for n near Long.MAX_VALUE.
   */
  @Test
  void unlimitedCreditNeitherBuffersWithoutBoundNorOutlivesTheConnection() throws Exception {
    FeedImpl impl = new FeedImpl();
    RpcServer server = server(impl, Feed.class, RpcServer.builder());
    long whileConnected;
    try (RawConnection raw = new RawConnection(server.port())) {
      raw.request(1, 1, FEED, "count(long)",
          String.valueOf(Long.MAX_VALUE).getBytes(StandardCharsets.UTF_8));
      raw.frame(RawConnection.CREDIT, 0, 1, RawConnection.credit(Long.MAX_VALUE, Long.MAX_VALUE), new byte[0]);
      Thread.sleep(3000); // reads nothing
      whileConnected = impl.pulled.get();
    }
    Thread.sleep(1000); // the connection is gone: the stream is cancelled
    long afterClose = impl.pulled.get();
    Thread.sleep(2000);
    long later = impl.pulled.get();
    Thread closer = new Thread(server::close);
    closer.setDaemon(true);
    closer.start();
    closer.join(10_000);
    assertEquals(afterClose, later, "the iterator is still pulled after the client left");
    // What the sockets' buffers took (a few MB on loopback), and no more: 30 bytes an item.
    assertTrue(whileConnected < 1_000_000, "the server encoded " + whileConnected
        + " items for a client that reads nothing");
    assertTrue(!closer.isAlive(), "server.close() hangs on the worker that still emits");
  }

  /** With 10 KB items: what the server encodes for a client that reads nothing. */
  @Test
  void unlimitedCreditHoldsNoMoreThanTheSocketTakes() throws Exception {
    ProbeImpl impl = new ProbeImpl();
    RpcServer server = server(impl, Probe.class, RpcServer.builder());
    RawConnection raw = new RawConnection(server.port());
    raw.request(1, 1, Probe.class.getName(), "big(int,int)",
        String.valueOf(Integer.MAX_VALUE).getBytes(StandardCharsets.UTF_8),
        "10000".getBytes(StandardCharsets.UTF_8));
    raw.frame(RawConnection.CREDIT, 0, 1, RawConnection.credit(Long.MAX_VALUE, Long.MAX_VALUE), new byte[0]);
    Thread.sleep(3000); // reads nothing
    long pulled = impl.bigPulled.get();
    assertTrue(pulled < 2_000, pulled + " items of 10 KB (" + pulled / 100 + " MB) encoded and"
        + " held for a client that reads nothing");
    raw.close();
    server.close();
  }

  /** StreamProducer.complete() before subscribe: subscriber never gets onComplete. */
  @Test
  void aProducerCompletedBeforeSubscribeEndsTheStream() throws Exception {
    try (RpcServer server = server(new ProbeImpl(), Probe.class, RpcServer.builder());
        RpcClient client = client(server)) {
      StreamingTest.Recorder r = new StreamingTest.Recorder(10);
      client.proxy(Probe.class).emptyProducer().subscribe(r);
      try {
        Throwable end = r.end.get(5, TimeUnit.SECONDS);
        assertNull(end);
      } catch (TimeoutException e) {
        fail("the stream never ended");
      }
    }
  }

  /** SerialSubscription.request swallows RejectedExecutionException: the stream stalls. */
  @Test
  void aBusyExecutorDoesNotStallAStreamForever() throws Exception {
    try (RpcServer server = server(new ProbeImpl(), Probe.class,
            RpcServer.builder().threads(1).queueCapacity(0));
        RpcClient a = client(server);
        RpcClient b = client(server)) {
      StreamingTest.Recorder r = new StreamingTest.Recorder(1);
      a.proxy(Probe.class).count(100).subscribe(r);
      r.awaitCount(1);
      Thread.sleep(200);
      java.util.concurrent.CompletableFuture<Void> busy =
          java.util.concurrent.CompletableFuture.runAsync(() -> b.proxy(Probe.class).sleep(1500));
      Thread.sleep(300);
      r.subscription.get().request(5); // credit arrives while the only worker is busy
      busy.get(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (r.items.size() < 6 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      // Either the stream went on, or it ended saying the server is overloaded: never a stall.
      Throwable end = r.end.getNow(null);
      assertTrue(r.items.size() == 6 || end instanceof RpcException e
          && e.code() == RpcException.Code.RESOURCE_EXHAUSTED, r.items.size() + " items, end="
          + end);
    }
  }

  /** A cancel before the method returned: its publisher is never subscribed, never closed. */
  @Test
  void aStreamCancelledBeforeItsMethodReturnedClosesThePublisher() throws Exception {
    ProbeImpl impl = new ProbeImpl();
    try (RpcServer server = server(impl, Probe.class, RpcServer.builder());
        RpcClient client = client(server)) {
      StreamingTest.Recorder r = new StreamingTest.Recorder(10);
      client.proxy(Probe.class).slowStart(800).subscribe(r);
      Thread.sleep(200);
      r.subscription.get().cancel();
      assertTrue(impl.slowStartClosed.await(5, TimeUnit.SECONDS),
          "the returned Streams.fromStream publisher was never subscribed or cancelled, so the"
              + " java.util.stream.Stream was never closed");
    }
  }

  /** A server interceptor's stage never completes when the client cancels a stream. */
  @Test
  void aServerInterceptorSeesTheEndOfACancelledStream() throws Exception {
    CountDownLatch ended = new CountDownLatch(1);
    io.minirpc.ServerInterceptor watch = (call, next) ->
        next.proceed().whenComplete((v, e) -> ended.countDown());
    try (RpcServer server = server(new ProbeImpl(), Probe.class,
            RpcServer.builder().intercept(watch));
        RpcClient client = client(server)) {
      StreamingTest.Recorder r = new StreamingTest.Recorder(1);
      client.proxy(Probe.class).count(Long.MAX_VALUE).subscribe(r);
      r.awaitCount(1);
      r.subscription.get().cancel();
      assertTrue(ended.await(5, TimeUnit.SECONDS),
          "the interceptor's stage never ended: spans and in-flight gauges leak");
    }
  }

  /** Subscribing after the client closed: onError must come (rule 1.9 / no hang). */
  @Test
  void subscribingAfterTheClientClosedSignalsAnError() throws Exception {
    try (RpcServer server = server(new ProbeImpl(), Probe.class, RpcServer.builder())) {
      RpcClient client = client(server);
      Probe probe = client.proxy(Probe.class);
      client.close();
      StreamingTest.Recorder r = new StreamingTest.Recorder(1);
      probe.count(5).subscribe(r);
      try {
        Throwable end = r.end.get(5, TimeUnit.SECONDS);
        assertInstanceOf(RpcException.class, end);
      } catch (TimeoutException e) {
        fail("the subscriber of a closed client is never told anything");
      }
    }
  }

  /** A publisher whose request throws: the stream must end (with an error), not hang. */
  @Test
  void aPublisherWhoseRequestThrowsEndsTheStream() throws Exception {
    try (RpcServer server = server(new ProbeImpl(), Probe.class, RpcServer.builder());
        RpcClient client = client(server)) {
      StreamingTest.Recorder r = new StreamingTest.Recorder(1);
      client.proxy(Probe.class).throwingRequest().subscribe(r);
      try {
        r.end.get(5, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        fail("the stream never ended");
      }
    }
  }
}
