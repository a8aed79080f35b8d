package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import io.minirpc.StreamIterator;
import io.minirpc.Streams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams against peers that break their rules: a server that sends beyond the credit it was
 * granted is cut off; a client that floods CREDIT frames, lies in them, abandons its streams or
 * grants credit and stops reading is refused or bounded, while a well-behaved client is served.
 */
@Timeout(60)
class HostileStreamTest {
  private static final String FEED = Feed.class.getName();

  @Test
  void aServerThatSendsBeyondTheCreditIsCutOff() throws Exception {
    try (HostileServer bad = HostileServer.streaming(50,
            HostileServer.slot("7".getBytes(StandardCharsets.UTF_8)));
        RpcClient client = RpcClient.builder().address("127.0.0.1", bad.port()).codec("json")
            .build()) {
      StreamingTest.Recorder r = new StreamingTest.Recorder(2);
      client.proxy(Feed.class).count(10).subscribe(r);
      Throwable end = r.end.get(10, TimeUnit.SECONDS);
      RpcException e = assertInstanceOf(RpcException.class, end);
      assertEquals(RpcException.Code.INTERNAL, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("beyond the credit the client granted"), e.getMessage());
      assertTrue(r.items.size() <= 2, "got " + r.items.size() + " items, granted 2");
    }
  }

  @Test
  void anEndForACallThatSendsNoStreamOrOneThatIsNotEmptyClosesTheConnection() throws Exception {
    for (byte[] body : new byte[][] {new byte[0], {1, 2, 3}}) {
      try (HostileServer bad = HostileServer.ending(body);
          RpcClient client = RpcClient.builder().address("127.0.0.1", bad.port()).codec("json")
              .build()) {
        RpcException e = assertThrows(RpcException.class,
            () -> client.proxy(Feed.class).ping(1));
        assertTrue(e.getMessage().contains(body.length == 0 ? "which sends no stream"
            : "END frame that is not empty"), e.getMessage());
      }
    }
  }

  @Test
  void creditThatLiesClosesThatConnectionOnly() throws Exception {
    FeedImpl impl = new FeedImpl();
    try (RpcServer server = server(impl);
        RpcClient good = client(server)) {
      try (RawConnection raw = new RawConnection(server.port())) {
        raw.request(1, 1, FEED, "count(long)", "5".getBytes(StandardCharsets.UTF_8));
        raw.frame(RawConnection.CREDIT, 0, 1, RawConnection.credit(-1, 100), new byte[0]);
        assertThrows(IOException.class, () -> {
          for (;;) {
            raw.read(); // until the server closes the connection
          }
        });
      }
      assertEquals(3, good.proxy(Feed.class).ping(3));
      assertEquals(100, count(good.proxy(Feed.class), 100));
    }
  }

  @Test
  void aFloodOfCreditAndAbandonedStreamsCostTheServerOnlyWhatWasSent() throws Exception {
    FeedImpl impl = new FeedImpl();
    try (RpcServer server = server(impl);
        RpcClient good = client(server);
        RawConnection raw = new RawConnection(server.port())) {
      // Streams opened and abandoned: never granted anything, never cancelled.
      for (long seq = 1; seq <= 200; seq++) {
        raw.request(1, seq, FEED, "produce()");
      }
      // Credit for streams that do not exist, and a lot of it for one that does.
      byte[] grant = RawConnection.frameBytes(RawConnection.CREDIT, 0, 1_000_000,
          RawConnection.credit(Long.MAX_VALUE, Long.MAX_VALUE), new byte[0]);
      ByteArrayOutputStream flood = new ByteArrayOutputStream();
      for (int i = 0; i < 20_000; i++) {
        flood.write(grant);
      }
      raw.writeRaw(flood.toByteArray());
      Feed feed = good.proxy(Feed.class);
      assertEquals(1000, count(feed, 1000));
      assertEquals(0, impl.produced.get(), "no producer of an abandoned stream sent anything");
    }
  }

  @Test
  void aClientThatGrantsCreditAndStopsReadingHoldsOnlyWhatTheSocketHolds() throws Exception {
    FeedImpl impl = new FeedImpl();
    try (RpcServer server = server(impl);
        RpcClient good = client(server);
        RawConnection raw = new RawConnection(server.port())) {
      raw.request(1, 1, FEED, "produce()");
      raw.frame(RawConnection.CREDIT, 0, 1, RawConnection.credit(Long.MAX_VALUE, Long.MAX_VALUE), new byte[0]);
      // It never reads: the socket's buffers fill, then the server stops asking its producer.
      long before;
      long after = impl.produced.get();
      do {
        before = after;
        Thread.sleep(300);
        after = impl.produced.get();
      } while (after != before);
      assertTrue(after > 0, "the producer sent while the socket took it");
      assertTrue(after < 2_000_000, "the producer ran on: " + after + " items");
      Feed feed = good.proxy(Feed.class);
      assertEquals(1000, count(feed, 1000));
      assertEquals(5, feed.ping(5));
    }
  }

  @Test
  void aClientWhoseHelloDoesNotSpeakStreamsIsRefusedAStreamUnrunAndKeepsItsConnection()
      throws Exception {
    try (RpcServer server = server(new FeedImpl());
        RawConnection old = new RawConnection(server.port(), false)) {
      // The older HELLO layout, without the flags: a client of an older minirpc.
      old.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1, "json"), new byte[0]);
      assertEquals(RawConnection.HELLO, old.read().type());
      old.request(1, 1, FEED, "count(long)", "5".getBytes(StandardCharsets.UTF_8));
      RawConnection.Reply refused = old.read();
      assertEquals(RawConnection.ERROR, refused.type());
      assertTrue(refused.notRun(), "refused before it ran");
      assertEquals(5, refused.errorCode(), "NOT_FOUND");
      old.request(1, 2, FEED, "ping(int)", "4".getBytes(StandardCharsets.UTF_8));
      RawConnection.Reply answer = old.read();
      assertEquals(RawConnection.RESPONSE, answer.type(), "its unary calls go on");
    }
  }

  private static long count(Feed feed, long n) {
    long got = 0;
    try (StreamIterator<Long> it = Streams.iterate(feed.count(n), 64)) {
      while (it.hasNext()) {
        assertEquals(got++, it.next());
      }
    }
    return got;
  }

  private static RpcServer server(FeedImpl impl) {
    return RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofMillis(200))
        .register(Feed.class, impl).build().start();
  }

  private static RpcClient client(RpcServer server) {
    return RpcClient.builder().address("127.0.0.1", server.port()).codec("json")
        .timeout(Duration.ofSeconds(10)).build();
  }

}
