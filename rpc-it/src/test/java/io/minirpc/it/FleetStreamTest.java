package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream in a fleet stays on the server it started on: when that server dies mid-stream the
 * stream ends with UNAVAILABLE, even for an idempotent method, rather than start again elsewhere
 * and deliver its first items twice; the fleet's other server serves the next stream.
 */
@Timeout(60)
class FleetStreamTest {
  @Test
  void aStreamWhoseServerDiesEndsWithUnavailableAndIsNotStartedAgainElsewhere() throws Exception {
    try (ServerProcess a = ServerProcess.start(0);
        ServerProcess b = ServerProcess.start(0);
        RpcClient client = RpcClient.builder()
            .address("127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port())
            .timeout(Duration.ofSeconds(10)).build()) {
      Feed feed = client.proxy(Feed.class);
      StreamingTest.Recorder r = new StreamingTest.Recorder(Long.MAX_VALUE);
      feed.whoStreams().subscribe(r);
      r.awaitCount(100);
      String first = (String) r.items.get(0);
      String pid = first.substring(0, first.indexOf(':'));
      ServerProcess streaming = pid.equals("pid-" + a.pid()) ? a : b;
      streaming.kill();
      Throwable end = r.end.get(10, TimeUnit.SECONDS);
      RpcException e = assertInstanceOf(RpcException.class, end);
      assertEquals(RpcException.Code.UNAVAILABLE, e.code(), e.getMessage());
      for (int i = 0; i < r.items.size(); i++) {
        assertEquals(pid + ":" + i, r.items.get(i), "one server's items, in order, once");
      }
      StreamingTest.Recorder next = new StreamingTest.Recorder(10);
      feed.whoStreams().subscribe(next);
      next.awaitCount(10);
      assertTrue(!((String) next.items.get(0)).startsWith(pid + ":"),
          "the next stream goes to the server that lives");
      next.subscription.get().cancel();
    }
  }

  @Test
  void aClientStreamWhoseServerDiesFailsWithUnavailableAndIsNotSentAgain() throws Exception {
    try (ServerProcess a = ServerProcess.start(0);
        ServerProcess b = ServerProcess.start(0);
        RpcClient client = RpcClient.builder()
            .address("127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port())
            .timeout(Duration.ofSeconds(10)).build()) {
      Uplink uplink = client.proxy(Uplink.class);
      io.minirpc.StreamProducer<Long> out = new io.minirpc.StreamProducer<>();
      java.util.concurrent.atomic.AtomicInteger subscriptions =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.CompletableFuture<Throwable> producerEnd =
          new java.util.concurrent.CompletableFuture<>();
      Thread producer = new Thread(() -> {
        try {
          for (long i = 0; ; i++) {
            out.send(i);
            sent.incrementAndGet();
          }
        } catch (java.util.concurrent.CancellationException | InterruptedException e) {
          producerEnd.complete(e);
        }
      });
      producer.setDaemon(true);
      producer.start();
      java.util.concurrent.CompletableFuture<Long> call = uplink.countInOrder(s -> {
        subscriptions.incrementAndGet();
        out.subscribe(s);
      });
      while (sent.get() < 1000) {
        Thread.sleep(5);
      }
      ServerProcess streaming = busiest(a, b);
      streaming.kill();
      java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
      RpcException cause = assertInstanceOf(RpcException.class, e.getCause());
      assertEquals(RpcException.Code.UNAVAILABLE, cause.code(), cause.getMessage());
      assertInstanceOf(java.util.concurrent.CancellationException.class,
          producerEnd.get(5, TimeUnit.SECONDS), "the producer stops");
      assertEquals(1, subscriptions.get(), "its publisher was subscribed once: not sent again");
      assertEquals(100L, uplink.countInOrder(ClientStreamingTest.range(100,
          new java.util.concurrent.atomic.AtomicLong())).get(10, TimeUnit.SECONDS),
          "the next call goes to the server that lives");
    }
  }

  /** The server that takes the client's stream: its stream delivery threads have started. */
  private static ServerProcess busiest(ServerProcess a, ServerProcess b) {
    try (RpcClient direct = RpcClient.builder().address("127.0.0.1", a.port()).build()) {
      return direct.proxy(ServerInfo.class).threads("minirpc-stream-server") > 0 ? a : b;
    }
  }
}
