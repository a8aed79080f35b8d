package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.health.Health;
import io.minirpc.health.HealthStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Calls that wait without a thread (an asynchronous result, a health watch) are counted at what
 * they hold, the server caps how many calls it has open, and one connection cannot park more than
 * a few health watches: issue 16, row 1. Against server JVMs of 128 MiB, beside a well-behaved
 * client.
 */
class ParkedCallsTest {
  private static final int JSON = 1;
  private static final String CALC = Calculator.class.getName();
  private static final int RESOURCE_EXHAUSTED = 8;
  private static final int MIB = 1 << 20;

  private static RpcClient client(int port) {
    return RpcClient.builder().address("127.0.0.1", port).codec("json")
        .timeout(Duration.ofSeconds(20)).build();
  }

  /** {@code count} pipelined calls of echoLater(millis, 7): each waits without a thread. */
  private static byte[] parked(int count, int millis) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (long seq = 1; seq <= count; seq++) {
      all.write(RawConnection.requestBytes(JSON, seq, CALC, "echoLater(int,int)",
          Integer.toString(millis).getBytes(UTF_8), "7".getBytes(UTF_8)));
    }
    return all.toByteArray();
  }

  /** {@code count} pipelined Health.await("", SERVING, 2^62): watches with no end of their own. */
  private static byte[] healthWatches(int count) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (long seq = 1; seq <= count; seq++) {
      all.write(RawConnection.requestBytes(JSON, seq, Health.class.getName(),
          "await(java.lang.String,io.minirpc.health.HealthStatus,long)", "\"\"".getBytes(UTF_8),
          "\"SERVING\"".getBytes(UTF_8), Long.toString(1L << 62).getBytes(UTF_8)));
    }
    return all.toByteArray();
  }

  private static void close(List<RawConnection> raws) throws IOException {
    for (RawConnection raw : raws) {
      raw.close();
    }
  }

  @Test
  void parkedCallsHoldNoMoreHeapThanTheMemoryBudgetCountsForThem() throws Exception {
    try (ServerProcess server = ServerProcess.start(0, "-Xmx128m");
        RpcClient good = client(server.port())) {
      ServerInfo info = good.proxy(ServerInfo.class);
      long heapBefore = info.usedHeapAfterGc();
      long countedBefore = info.memoryInUse();
      List<RawConnection> raws = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          RawConnection raw = new RawConnection(server.port());
          raws.add(raw);
          raw.writeRaw(parked(1000, 20_000));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (info.memoryInUse() - countedBefore < 10_000 * 1000L
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        long heap = info.usedHeapAfterGc() - heapBefore;
        long counted = info.memoryInUse() - countedBefore;
        assertTrue(heap > 4 * MIB, "10,000 parked calls hold " + heap + " bytes of heap");
        assertTrue(counted >= heap, "10,000 parked calls hold " + heap + " bytes of heap, and the"
            + " budget counts " + counted);
        assertEquals(5, good.proxy(Calculator.class).add(2, 3));
      } finally {
        close(raws);
      }
    }
  }

  @Test
  void aConnectionMayParkSixteenHealthWatchesAndTheRestAreRefusedWithResourceExhausted()
      throws Exception {
    try (ServerProcess server = ServerProcess.start(0, "-Xmx128m");
        RpcClient good = client(server.port());
        RawConnection hostile = new RawConnection(server.port())) {
      hostile.writeRaw(healthWatches(1000));
      for (int i = 0; i < 1000 - 16; i++) {
        RawConnection.Reply reply = hostile.read();
        assertEquals(RawConnection.ERROR, reply.type(), "answer " + i);
        assertEquals(RESOURCE_EXHAUSTED, reply.errorCode(), reply.errorMessage());
        assertEquals("the server refused the health watch: this connection already has 16"
            + " watches waiting, the most one connection may have. Wait for their answers before"
            + " watching more, or call check() instead", reply.errorMessage());
      }
      Health health = good.proxy(Health.class);
      assertEquals(HealthStatus.SERVING, health.check(Health.SERVER));
      assertEquals(HealthStatus.SERVING,
          health.await(Health.SERVER, HealthStatus.SERVING, 100).get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void callsBeyondTheServersCapAreRefusedWithResourceExhaustedNamingTheSetting()
      throws Exception {
    try (ServerProcess server = ServerProcess.start(0, "-Xmx128m",
            "-Dminirpc.server.maxCalls=1500");
        RpcClient good = client(server.port())) {
      Calculator calc = good.proxy(Calculator.class);
      ServerInfo info = good.proxy(ServerInfo.class);
      List<RawConnection> raws = new ArrayList<>();
      try {
        RawConnection first = new RawConnection(server.port());
        raws.add(first);
        first.writeRaw(parked(1000, 5_000));
        // Every call of the first batch parked: admitted, and run off the queue (on a busy
        // machine the workers may still be taking them), so that only maxCalls can refuse next.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((info.memoryInUse() < 1000 * 1024L || info.queuedCalls() > 0)
            && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        RawConnection second = new RawConnection(server.port());
        raws.add(second);
        second.writeRaw(parked(1000, 5_000));
        String refusal = "the server is overloaded: it already has 1500 calls open, running or"
            + " waiting (minirpc.server.maxCalls). Retry later with backoff, or raise"
            + " minirpc.server.maxCalls if the server has the memory for more";
        for (int i = 0; i < 500; i++) {
          RawConnection.Reply reply = second.read();
          assertEquals(RawConnection.ERROR, reply.type(), "answer " + i);
          assertEquals(RESOURCE_EXHAUSTED, reply.errorCode(), reply.errorMessage());
          assertTrue(reply.notRun());
          assertEquals(refusal, reply.errorMessage());
        }
        RpcException e = assertThrows(RpcException.class, () -> calc.add(1, 2));
        assertEquals(RpcException.Code.RESOURCE_EXHAUSTED, e.code(), e.getMessage());
        assertTrue(e.getMessage().endsWith(refusal), e.getMessage());
        // The parked calls end after 5 s, and the server takes calls again.
        first.readTimeout(Duration.ofSeconds(15));
        for (int i = 0; i < 1000; i++) {
          assertEquals(RawConnection.RESPONSE, first.read().type());
        }
        assertEquals(3, calc.add(1, 2));
      } finally {
        close(raws);
      }
    }
  }
}
