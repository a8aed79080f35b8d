package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What streams cost a server: a server of {@code -Xmx64m} streams ten million items to a
 * consumer slower than its producer, and lives; a thousand slow streams hold none of its few
 * workers between their items.
 */
@Timeout(120)
class StreamMemoryTest {
  @Test
  void aSmallServerStreamsTenMillionItemsToASlowConsumerAndLives(@TempDir File dir)
      throws Exception {
    File log = new File(dir, "server.log");
    try (ServerProcess server = ServerProcess.startLoggingTo(log, 0, "-Xmx64m");
        RawConnection raw = new RawConnection(server.port())) {
      raw.readTimeout(Duration.ofSeconds(30));
      long total = 10_000_000;
      raw.writeRaw(requestWithoutDeadline(Feed.class.getName(), "count(long)",
          HostileServer.slot(Long.toString(total).getBytes(StandardCharsets.UTF_8))));
      long t0 = System.nanoTime();
      long received = 0;
      long granted = 0;
      while (true) {
        if (received < 100 ? granted == received : granted - received <= 10_000) {
          // One at a time at first, then ten thousand ahead at most; every million, a pause.
          long n = received < 100 ? 1 : 10_000;
          if (received % 1_000_000 == 0 && received > 0) {
            Thread.sleep(300);
          }
          raw.frame(RawConnection.CREDIT, 0, 1, RawConnection.credit(n, 1 << 20), new byte[0]);
          granted += n;
        }
        RawConnection.Reply r = raw.read();
        if (r.type() != RawConnection.ITEM) {
          assertEquals(RawConnection.RESPONSE, r.type(), "the stream ends with its RESPONSE, not "
              + new String(r.header(), StandardCharsets.UTF_8) + " after " + received + " items in "
              + (System.nanoTime() - t0) / 1_000_000 + " ms");
          break;
        }
        assertTrue(received < granted, "item " + received + " came beyond the credit of "
            + granted);
        if (received % 1000 == 0) {
          String item = new String(r.body(), 4, r.body().length - 4, StandardCharsets.UTF_8);
          assertEquals(received, Long.parseLong(item), "items arrive in order");
        }
        received++;
      }
      assertEquals(total, received);
      try (RpcClient client = RpcClient.builder().address("127.0.0.1", server.port()).build()) {
        assertEquals(9, client.proxy(Feed.class).ping(9), "the server lives and serves");
      }
    }
    String text = Files.readString(log.toPath());
    assertFalse(text.contains("OutOfMemoryError"), text);
  }

  @Test
  void aThousandSlowStreamsHoldNoWorkerBetweenTheirItems() throws Exception {
    FeedImpl impl = new FeedImpl();
    ScheduledExecutorService later = Executors.newScheduledThreadPool(2);
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0).threads(4)
            .maxCallsPerConnection(2000).register(Feed.class, impl).build().start();
        RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
            .timeout(Duration.ofSeconds(10)).build()) {
      Feed feed = client.proxy(Feed.class);
      List<StreamingTest.Recorder> streams = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        StreamingTest.Recorder r = new StreamingTest.Recorder(1) {
          @Override
          public void onNext(Object item) {
            super.onNext(item);
            // The next item in 50 ms: slow, and on a thread that is not the delivery's.
            later.schedule(() -> subscription.join().request(1), 50, TimeUnit.MILLISECONDS);
          }
        };
        feed.count(20).subscribe(r);
        streams.add(r);
      }
      // Every stream has started and gone on: a thousand at once on four workers, so none
      // holds one while it waits for its credit.
      for (StreamingTest.Recorder r : streams) {
        r.awaitCount(2);
      }
      long started = System.nanoTime();
      assertEquals(5, feed.ping(5), "a worker is free for a unary call");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(millis < 1000, "the unary call took " + millis + " ms");
      for (StreamingTest.Recorder r : streams) {
        assertEquals(null, r.end.get(30, TimeUnit.SECONDS), "each stream completes");
        assertEquals(20, r.items.size());
      }
    } finally {
      later.shutdownNow();
    }
  }

  /**
   * A REQUEST, sequence 1, in JSON, with timeout 0 (no deadline, as a stream's usually has) and
   * {@code body}, its slots.
   */
  static byte[] requestWithoutDeadline(String service, String method, byte[] body)
      throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    for (String s : new String[] {service, method}) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      h.writeShort(b.length);
      h.write(b);
    }
    h.writeLong(0);
    h.writeShort(0);
    return RawConnection.frameBytes(RawConnection.REQUEST, 1, 1, header.toByteArray(), body);
  }

}
