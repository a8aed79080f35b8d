package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rapid-reset defence counts only what a rapid reset does: CANCELs that undo a request at once,
 * before it started, or that name no request. A client under overload cancels every call that
 * timed out while it waited, by the thousand a second, and keeps its connection (issue 16, row 7).
 * The flood itself is still refused: see {@code HostileNetworkTest}.
 */
class CancelBudgetTest {
  private static final int JSON = 1;
  private static final String CALC = Calculator.class.getName();

  @Test
  void callsThatTimeOutWhileTheServerIsOverloadedAreCancelledWithoutLosingTheConnection()
      throws Exception {
    SlowServiceImpl impl = new SlowServiceImpl();
    // The budget is scaled down (100 a second, a burst of 500) so that the test's client, which
    // the leak detector slows, outruns it as a real client outruns the default of 1,000.
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0).threads(2)
            .maxCancelsPerSecond(100).maxCallsPerConnection(500)
            .register(SlowService.class, impl).register(Calculator.class, new CalculatorImpl())
            .build().start();
        RpcClient other = RpcClient.builder().address("127.0.0.1", server.port()).build();
        RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
            .timeout(Duration.ofMillis(200)).build()) {
      SlowService slow = client.proxy(SlowService.class);
      Calculator calc = other.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));
      // 1,500 calls a second for 2 s against a server that can do 20: nearly every call waits
      // out its 200 ms and is cancelled, some 3,000 CANCELs, far over the budget.
      List<CompletableFuture<Long>> calls = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 3000; i++) {
        long due = start + TimeUnit.MICROSECONDS.toNanos(666L * i);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        calls.add(slow.workAsync(50));
      }
      Map<String, Integer> outcomes = new TreeMap<>();
      for (CompletableFuture<Long> call : calls) {
        String outcome;
        try {
          call.get(10, TimeUnit.SECONDS);
          outcome = "OK";
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable cause = e.getCause() instanceof CompletionException && e.getCause()
              .getCause() != null ? e.getCause().getCause() : e.getCause();
          outcome = cause instanceof RpcException r ? r.code().name() : cause.toString();
        }
        outcomes.merge(outcome, 1, Integer::sum);
      }
      assertTrue(outcomes.getOrDefault("TIMEOUT", 0) > 2000, "few calls timed out: " + outcomes);
      outcomes.remove("OK");
      outcomes.remove("TIMEOUT");
      outcomes.remove("RESOURCE_EXHAUSTED"); // the server's queue was full: overload, told so
      assertEquals(Map.of(), outcomes, "calls that failed for another reason than overload");
      assertEquals(2, server.connectionCount(), "a client's connection was closed");
      assertEquals(5, calc.add(2, 3));
    }
  }

  @Test
  void cancelsForCallsThatHaveJustEndedAreNotAFlood() throws Exception {
    // Scaled down as above: 100 a second, a burst of 300.
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
            .maxCancelsPerSecond(100).maxCallsPerConnection(300)
            .register(Calculator.class, new CalculatorImpl()).build().start();
        RawConnection raw = new RawConnection(server.port())) {
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      for (int i = 1; i <= 300; i++) {
        requests.write(RawConnection.requestBytes(JSON, i, CALC, "add(int,int)",
            "1".getBytes(UTF_8), "2".getBytes(UTF_8)));
      }
      ByteArrayOutputStream cancels = new ByteArrayOutputStream();
      for (int i = 1; i <= 300; i++) {
        cancels.write(RawConnection.frameBytes(RawConnection.CANCEL, 0, i, new byte[0],
            new byte[0]));
      }
      // Four rounds: 1,200 CANCELs in a few seconds, each for a call answered just before, as a
      // client whose deadlines race its answers sends them.
      for (int round = 0; round < 4; round++) {
        raw.writeRaw(requests.toByteArray());
        for (int i = 0; i < 300; i++) {
          RawConnection.Reply reply = raw.read();
          assertEquals(RawConnection.RESPONSE, reply.type(), "reply " + i + " of round " + round);
        }
        raw.writeRaw(cancels.toByteArray());
      }
      raw.frame(RawConnection.PING, 0, 77, new byte[0], new byte[0]);
      RawConnection.Reply reply = raw.read();
      assertEquals(RawConnection.PONG, reply.type(), "the server refused the connection");
      assertEquals(1, server.connectionCount());
    }
  }
}
