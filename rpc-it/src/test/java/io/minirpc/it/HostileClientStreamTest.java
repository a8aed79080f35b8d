package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client streams against clients that break their rules: items beyond the server's credit, an
 * argument where the stream's slot must be empty, frames for calls that do not exist, and
 * streams opened and never sent. Each is refused or bounded, and a well-behaved client beside
 * it is served.
 */
@Timeout(60)
class HostileClientStreamTest {
  private static final String UPLINK = Uplink.class.getName();
  private static final String COUNT = "countInOrder(java.util.concurrent.Flow$Publisher)";

  @Test
  void theServerOpensAClientsStreamWithACreditOfNothing() throws Exception {
    try (RpcServer server = server(new UplinkImpl());
        RawConnection raw = new RawConnection(server.port())) {
      raw.requestWithBody(1, 1, UPLINK, COUNT, RawConnection.NULL_SLOT_BODY);
      RawConnection.Reply open = raw.read();
      assertEquals(RawConnection.CREDIT, open.type());
      assertEquals(0, open.creditItems());
      assertEquals(0, open.creditBytes());
      RawConnection.Reply grant = raw.read(); // the method requested 256
      assertEquals(RawConnection.CREDIT, grant.type());
      assertEquals(256, grant.creditItems());
      assertTrue(grant.creditBytes() > 0, "bytes are granted with the items");
      for (int i = 0; i < 3; i++) {
        raw.frame(RawConnection.ITEM, 1, 1, new byte[0], HostileServer.slot(
            Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
      }
      raw.frame(RawConnection.END, 0, 1, new byte[0], new byte[0]);
      RawConnection.Reply answer = raw.read();
      assertEquals(RawConnection.RESPONSE, answer.type());
      assertEquals("3", answer.slotText());
    }
  }

  @Test
  void aClientThatSendsItemsBeyondTheCreditIsCutOff() throws Exception {
    UplinkImpl impl = new UplinkImpl();
    try (RpcServer server = server(impl);
        RpcClient good = client(server);
        RawConnection raw = new RawConnection(server.port())) {
      raw.requestWithBody(1, 1, UPLINK, "holdAfter(int,java.util.concurrent.Flow$Publisher)",
          slots("2", null));
      assertEquals(RawConnection.CREDIT, raw.read().type()); // the opening, of nothing
      assertEquals(2, raw.read().creditItems());
      ByteArrayOutputStream flood = new ByteArrayOutputStream();
      for (int i = 0; i < 1000; i++) {
        flood.write(RawConnection.frameBytes(RawConnection.ITEM, 1, 1, new byte[0],
            HostileServer.slot(Integer.toString(i).getBytes(StandardCharsets.UTF_8))));
      }
      raw.writeRaw(flood.toByteArray());
      assertThrows(IOException.class, () -> {
        for (;;) {
          raw.read(); // until the server closes the connection
        }
      });
      assertTrue(impl.taken.get() <= 2, "the method got " + impl.taken.get() + " items");
      assertEquals(500L, good.proxy(Uplink.class)
          .countInOrder(ClientStreamingTest.range(500, new AtomicLong())).get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void anArgumentWhereTheStreamsSlotMustBeEmptyIsRefusedAndTheConnectionKept()
      throws Exception {
    try (RpcServer server = server(new UplinkImpl());
        RawConnection raw = new RawConnection(server.port())) {
      raw.request(1, 1, UPLINK, COUNT, "[1,2,3]".getBytes(StandardCharsets.UTF_8));
      RawConnection.Reply refused = raw.read();
      assertEquals(RawConnection.ERROR, refused.type());
      assertTrue(refused.errorMessage().contains("must be empty"), refused.errorMessage());
      raw.requestWithBody(1, 2, UPLINK, COUNT, RawConnection.NULL_SLOT_BODY);
      assertEquals(RawConnection.CREDIT, raw.read().type(), "the connection serves on");
    }
  }

  @Test
  void itemsAndEndsForCallsThatDoNotStreamOrDoNotExist() throws Exception {
    try (RpcServer server = server(new UplinkImpl());
        RpcClient good = client(server)) {
      try (RawConnection raw = new RawConnection(server.port())) {
        // For calls that ended or never were: dropped, and the connection serves on.
        for (long seq = 100; seq < 5100; seq++) {
          raw.frame(RawConnection.ITEM, 1, seq, new byte[0], HostileServer.slot(new byte[] {'1'}));
          raw.frame(RawConnection.END, 0, seq, new byte[0], new byte[0]);
        }
        raw.requestWithBody(1, 1, UPLINK, COUNT, RawConnection.NULL_SLOT_BODY);
        assertEquals(RawConnection.CREDIT, raw.read().type(), "the connection serves on");
      }
      try (RawConnection raw = new RawConnection(server.port())) {
        // For a call that takes no stream from the client: a protocol error.
        raw.request(1, 2, Feed.class.getName(), "produce()");
        raw.frame(RawConnection.ITEM, 1, 2, new byte[0], HostileServer.slot(new byte[] {'1'}));
        assertThrows(IOException.class, () -> {
          for (;;) {
            raw.read();
          }
        });
      }
      assertEquals(100L, good.proxy(Uplink.class)
          .countInOrder(ClientStreamingTest.range(100, new AtomicLong())).get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void streamsOpenedAndNeverSentHoldAQuarterOfTheConnectionsMemoryAtMost() throws Exception {
    long connectionMemory = 8 << 20;
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
            .maxConnectionMemory(connectionMemory).maxCallsPerConnection(500)
            .gracePeriod(Duration.ofMillis(200)).register(Uplink.class, new UplinkImpl())
            .register(Feed.class, new FeedImpl()).build().start();
        RpcClient good = client(server);
        RawConnection raw = new RawConnection(server.port())) {
      long before = server.memoryInUse();
      for (long seq = 1; seq <= 200; seq++) {
        raw.requestWithBody(1, seq, UPLINK, COUNT, RawConnection.NULL_SLOT_BODY);
      }
      long granted = 0;
      raw.readTimeout(Duration.ofMillis(1500));
      try {
        for (;;) {
          RawConnection.Reply r = raw.read();
          assertEquals(RawConnection.CREDIT, r.type());
          granted += r.creditBytes();
        }
      } catch (java.net.SocketTimeoutException e) {
        // no more credit comes
      }
      assertTrue(granted <= connectionMemory / 4, "granted " + granted + " bytes");
      assertTrue(granted > 0, "some streams were granted");
      long held = server.memoryInUse() - before;
      assertTrue(held < connectionMemory, "the server holds " + held + " bytes");
      assertEquals(1000L, good.proxy(Uplink.class)
          .countInOrder(ClientStreamingTest.range(1000, new AtomicLong())).get(10, TimeUnit.SECONDS),
          "a client on another connection is served");
    }
  }

  @Test
  void aRequestThatFindsTheMemoryFullBesideOpenClientStreamsIsRefusedNotWaitedFor()
      throws Exception {
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
            .maxConnectionMemory(1 << 20).gracePeriod(Duration.ofMillis(200))
            .register(Uplink.class, new UplinkImpl()).build().start();
        RawConnection raw = new RawConnection(server.port())) {
      String ticks = "countTicks(java.lang.String,java.util.concurrent.Flow$Publisher)";
      String label = "\"" + "x".repeat(120_000) + "\"";
      // A method that blocks on its stream, its request's memory held while it waits for items.
      raw.requestWithBody(1, 1, UPLINK, ticks, slots(label, null));
      assertEquals(RawConnection.CREDIT, raw.read().type());
      // A second such request no longer fits: waiting for memory would stop reading, and with
      // it the items and the END the first method waits for.
      raw.requestWithBody(1, 2, UPLINK, ticks, slots(label, null));
      RawConnection.Reply r;
      do {
        r = raw.read();
      } while (r.type() == RawConnection.CREDIT);
      assertEquals(RawConnection.ERROR, r.type());
      assertEquals(2, r.seq());
      assertTrue(r.notRun(), "refused unrun, so that it may go again");
      assertTrue(r.errorMessage().contains("client streams"), r.errorMessage());
      raw.frame(RawConnection.END, 0, 1, new byte[0], new byte[0]);
      do {
        r = raw.read();
      } while (r.type() == RawConnection.CREDIT);
      assertEquals(RawConnection.RESPONSE, r.type(), "the first method got its END and answered");
      assertEquals(1, r.seq());
    }
  }

  @Test
  void streamsThatSendNothingFreeTheWorkersOfMethodsBlockedOnThemAfterTheIdleLimit()
      throws Exception {
    UplinkImpl impl = new UplinkImpl();
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0).threads(2).maxRunningPerConnection(2)
            .maxStreamIdle(Duration.ofMillis(400)).gracePeriod(Duration.ofMillis(200))
            .register(Uplink.class, impl).build().start();
        RpcClient good = client(server);
        RawConnection raw = new RawConnection(server.port())) {
      String ticks = "countTicks(java.lang.String,java.util.concurrent.Flow$Publisher)";
      // Both workers block in methods that iterate over streams the client never sends.
      raw.requestWithBody(1, 1, UPLINK, ticks, slots("\"a\"", null));
      raw.requestWithBody(1, 2, UPLINK, ticks, slots("\"b\"", null));
      long start = System.nanoTime();
      // Until both methods hold their workers, the good call below could take one first.
      while (impl.ticksBegun.get() < 2) {
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "the raw calls began");
        Thread.sleep(1);
      }
      // A good client's call waits for a worker, and gets one once the limit frees them.
      assertEquals(100L, good.proxy(Uplink.class)
          .countInOrder(ClientStreamingTest.range(100, new AtomicLong())).get(10, TimeUnit.SECONDS));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs >= 300 && tookMs < 3_000, "served after " + tookMs + " ms");
      java.util.Set<Long> ended = new java.util.HashSet<>();
      while (ended.size() < 2) {
        RawConnection.Reply r = raw.read();
        if (r.type() == RawConnection.CREDIT) {
          continue;
        }
        assertEquals(RawConnection.ERROR, r.type());
        assertEquals(io.minirpc.RpcException.Code.TIMEOUT.wireNumber(), r.errorCode());
        assertTrue(r.errorMessage().contains("minirpc.server.maxStreamIdle"), r.errorMessage());
        ended.add(r.seq());
      }
      assertEquals(java.util.Set.of(1L, 2L), ended);
    }
  }

  @Test
  void aClientWhoseHelloTakesNoEndIsNotSentOneWhenTheMethodCancelsItsStream() throws Exception {
    try (RpcServer server = server(new UplinkImpl());
        RawConnection raw = new RawConnection(server.port())) { // its HELLO's flags: 0x04 only
      raw.requestWithBody(1, 1, UPLINK,
          "takeThenLinger(int,int,java.util.concurrent.Flow$Publisher)", slots("2", "200", null));
      assertEquals(RawConnection.CREDIT, raw.read().type());
      assertEquals(RawConnection.CREDIT, raw.read().type()); // the method asked for 8
      for (int i = 0; i < 2; i++) {
        raw.frame(RawConnection.ITEM, 1, 1, new byte[0], HostileServer.slot(
            Integer.toString(i + 1).getBytes(StandardCharsets.UTF_8)));
      }
      RawConnection.Reply r;
      do {
        r = raw.read();
        assertTrue(r.type() != RawConnection.END, "an older client was sent an END");
      } while (r.type() == RawConnection.CREDIT);
      assertEquals(RawConnection.RESPONSE, r.type());
      assertEquals("3", r.slotText());
    }
  }

  @Test
  void aMethodThatReadsItsStreamAsynchronouslyIsNotCutByTheIdleLimit() throws Exception {
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
            .maxStreamIdle(Duration.ofMillis(200)).gracePeriod(Duration.ofMillis(200))
            .register(Uplink.class, new UplinkImpl()).build().start();
        RpcClient client = client(server)) {
      io.minirpc.StreamProducer<Long> producer = new io.minirpc.StreamProducer<>();
      java.util.concurrent.CompletableFuture<Long> count =
          client.proxy(Uplink.class).countInOrder(producer);
      producer.send(0L);
      Thread.sleep(800); // four times the limit, with credit granted and nothing sent
      producer.send(1L);
      producer.complete();
      assertEquals(2L, count.get(10, TimeUnit.SECONDS));
    }
  }

  /** A REQUEST body of JSON slots; null for an empty slot. */
  private static byte[] slots(String... values) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (String v : values) {
      body.write(v == null ? RawConnection.NULL_SLOT_BODY
          : HostileServer.slot(v.getBytes(StandardCharsets.UTF_8)));
    }
    return body.toByteArray();
  }

  private static RpcServer server(UplinkImpl impl) {
    return RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofMillis(200))
        .register(Uplink.class, impl).register(Feed.class, new FeedImpl()).build().start();
  }

  private static RpcClient client(RpcServer server) {
    return RpcClient.builder().address("127.0.0.1", server.port()).codec("json")
        .timeout(Duration.ofSeconds(10)).build();
  }
}
