package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.StreamProducer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What client streams cost a server: a server of {@code -Xmx64m} takes ten million items from a
 * client that sends as fast as its credit allows, and lives; a thousand slow client streams
 * hold none of its few workers between their items.
 */
@Timeout(120)
class ClientStreamMemoryTest {
  @Test
  void aSmallServerTakesTenMillionItemsFromAFastClientAndLives(@TempDir File dir)
      throws Exception {
    File log = new File(dir, "server.log");
    try (ServerProcess server = ServerProcess.startLoggingTo(log, 0, "-Xmx64m");
        RawConnection raw = new RawConnection(server.port())) {
      raw.readTimeout(Duration.ofSeconds(30));
      long total = 10_000_000;
      raw.writeRaw(StreamMemoryTest.requestWithoutDeadline(Uplink.class.getName(),
          "countInOrder(java.util.concurrent.Flow$Publisher)", RawConnection.NULL_SLOT_BODY));
      long items = 0;
      long bytes = 0;
      long sent = 0;
      long grantedItems = 0;
      while (sent < total) {
        RawConnection.Reply r = raw.read();
        assertEquals(RawConnection.CREDIT, r.type(), "only credit comes while the client sends");
        items += r.creditItems();
        bytes += r.creditBytes();
        grantedItems += r.creditItems();
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        while (items > 0 && bytes > 0 && sent < total) { // as much as the credit allows
          byte[] item = RawConnection.frameBytes(RawConnection.ITEM, 1, 1, new byte[0],
              HostileServer.slot(Long.toString(sent).getBytes(StandardCharsets.UTF_8)));
          batch.write(item);
          items--;
          bytes -= item.length;
          sent++;
        }
        raw.writeRaw(batch.toByteArray());
        // The server never grants more than its window ahead of what the method took.
        assertTrue(grantedItems - sent <= 1024, "granted " + grantedItems + " for " + sent);
      }
      raw.frame(RawConnection.END, 0, 1, new byte[0], new byte[0]);
      RawConnection.Reply answer;
      do {
        answer = raw.read(); // credit may still come before the answer
      } while (answer.type() == RawConnection.CREDIT);
      assertEquals(RawConnection.RESPONSE, answer.type());
      assertEquals(Long.toString(total), answer.slotText(), "every item, in order");
      try (RpcClient client = RpcClient.builder().address("127.0.0.1", server.port()).build()) {
        assertEquals(9, client.proxy(Feed.class).ping(9), "the server lives and serves");
      }
    }
    String text = Files.readString(log.toPath());
    assertFalse(text.contains("OutOfMemoryError"), text);
  }

  @Test
  void aThousandSlowClientStreamsHoldNoWorkerBetweenTheirItems() throws Exception {
    ScheduledExecutorService later = Executors.newScheduledThreadPool(2);
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0).threads(4)
            .maxCallsPerConnection(2000).register(Uplink.class, new UplinkImpl())
            .register(Feed.class, new FeedImpl()).build().start();
        RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
            .timeout(Duration.ofSeconds(30)).build()) {
      Uplink uplink = client.proxy(Uplink.class);
      List<CompletableFuture<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        StreamProducer<Long> out = new StreamProducer<>();
        calls.add(uplink.countInOrder(out));
        long[] next = {0};
        // An item every 50 ms, twenty in all: slow, and from a thread of the caller's.
        later.schedule(new Runnable() {
          @Override
          public void run() {
            try {
              if (next[0] == 20) {
                out.complete();
                return;
              }
              if (out.send(next[0], 0, TimeUnit.MILLISECONDS)) { // never blocks the scheduler
                next[0]++;
              }
              later.schedule(this, 50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException | java.util.concurrent.CancellationException e) {
              // the call ended
            }
          }
        }, 50, TimeUnit.MILLISECONDS);
      }
      Thread.sleep(300); // every stream has begun: a thousand at once on four workers
      long started = System.nanoTime();
      assertEquals(5, client.proxy(Feed.class).ping(5), "a worker is free for a unary call");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(millis < 1000, "the unary call took " + millis + " ms");
      for (CompletableFuture<Long> call : calls) {
        assertEquals(20L, call.get(30, TimeUnit.SECONDS), "each stream completes");
      }
    } finally {
      later.shutdownNow();
    }
  }
}
