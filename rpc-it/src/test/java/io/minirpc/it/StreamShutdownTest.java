package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that shuts down lets its open streams finish within its grace period, and ends those
 * still open when it is over with UNAVAILABLE.
 */
@Timeout(60)
class StreamShutdownTest {
  @Test
  void openStreamsFinishWithinTheGracePeriodAndTheRestEndUnavailable() throws Exception {
    ScheduledExecutorService later = Executors.newScheduledThreadPool(2);
    RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
        .gracePeriod(Duration.ofSeconds(2)).register(Feed.class, new FeedImpl()).build().start();
    try (RpcClient client = RpcClient.builder().address("127.0.0.1", server.port()).build()) {
      Feed feed = client.proxy(Feed.class);
      // A finite stream read slowly (40 items, one each 20 ms), and an endless one.
      StreamingTest.Recorder finite = slow(later);
      feed.count(40).subscribe(finite);
      StreamingTest.Recorder endless = new StreamingTest.Recorder(Long.MAX_VALUE);
      feed.produce().subscribe(endless);
      finite.awaitCount(5);
      endless.awaitCount(5);
      long closing = System.nanoTime();
      Thread closer = new Thread(server::close, "closer");
      closer.start();
      assertNull(finite.end.get(10, TimeUnit.SECONDS), "the finite stream ends whole");
      assertEquals(40, finite.items.size());
      Throwable end = endless.end.get(10, TimeUnit.SECONDS);
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
      RpcException e = assertInstanceOf(RpcException.class, end);
      assertEquals(RpcException.Code.UNAVAILABLE, e.code(), e.getMessage());
      assertTrue(waited >= 1500, "the endless stream went on through the grace period, not "
          + waited + " ms");
      closer.join(10_000);
    } finally {
      later.shutdownNow();
      server.close();
    }
  }

  /** Requests one item at first, and each next one 20 ms after the last came. */
  private static StreamingTest.Recorder slow(ScheduledExecutorService later) {
    return new StreamingTest.Recorder(1) {
      @Override
      public void onNext(Object item) {
        super.onNext(item);
        later.schedule(() -> subscription.join().request(1), 20, TimeUnit.MILLISECONDS);
      }
    };
  }
}
