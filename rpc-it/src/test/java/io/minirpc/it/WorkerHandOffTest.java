package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a connection's calls reach the workers: quick calls run one after another on a worker that
 * runs already, and none of them waits long behind a call of the same method that blocks.
 */
@Timeout(60)
class WorkerHandOffTest {
  @Test
  void aCallThatBlocksDoesNotHoldUpTheQuickCallsQueuedBehindIt() throws Exception {
    java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
    Pace impl = millis -> {
      if (millis > 0) {
        started.incrementAndGet();
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return CompletableFuture.completedFuture(millis);
    };
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0).threads(16)
            .gracePeriod(Duration.ofMillis(200)).register(Pace.class, impl).build()
            .start();
        RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
            .timeout(Duration.ofSeconds(20)).build()) {
      Pace pace = client.proxy(Pace.class);
      for (int round = 0; round < 3; round++) {
        // The method's calls are quick (again: the last round's blocked call was slow), so its
        // next calls may wait for a worker that runs already.
        for (int batch = 0; batch < 30; batch++) {
          List<CompletableFuture<Integer>> calls = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            calls.add(pace.hold(0));
          }
          CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
              .get(10, TimeUnit.SECONDS);
        }
        int before = started.get();
        CompletableFuture<Integer> blocked = pace.hold(3000);
        while (started.get() == before) {
          Thread.sleep(1); // until it runs
        }
        // One at a time: each finds the worker that blocks running what was a quick method, and
        // would wait behind it if no other worker started.
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
          pace.hold(0).get(10, TimeUnit.SECONDS);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(blocked.isDone(), "the blocking call is still running");
        assertTrue(millis < 1000, "round " + round + ": 20 quick calls took " + millis
            + " ms beside a call of the same method that blocks for 3 s");
        blocked.cancel(true);
      }
    }
  }
}
