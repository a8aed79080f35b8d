package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A server process killed with SIGKILL in the middle of calls. */
@Isolated("restarts a server on the port it freed, timed")
class ServerKillTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void pendingCallsFailPromptlyWithUnavailableAndTheNextCallReconnects(String codec)
      throws Exception {
    ServerProcess first = ServerProcess.start(0);
    int port = first.port();
    try (RpcClient client = RpcClient.builder()
        .address("127.0.0.1", port)
        .codec(codec)
        .timeout(Duration.ofSeconds(30))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .waitForReady(true)
        .build()) {
      Calculator calc = client.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));
      List<CompletableFuture<Integer>> pending = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        pending.add(calc.echoLater(20_000, i));
      }
      Thread.sleep(200);
      long killedAt = System.nanoTime();
      first.kill();
      for (CompletableFuture<Integer> call : pending) {
        ExecutionException e =
            assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        assertEquals(RpcException.Code.UNAVAILABLE, ((RpcException) e.getCause()).code());
      }
      long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
      assertTrue(tookMillis < 5000, "pending calls failed " + tookMillis + " ms after the kill");

      // With waitForReady, while the server is down a call waits for a connection, within its
      // own timeout...
      CompletableFuture<Integer> duringGap = calc.echoLater(0, 7);
      Thread.sleep(300);
      assertFalse(duringGap.isDone(), "no server, so no answer yet");
      // ...and the client, reconnecting with backoff, finds the restarted server in time.
      try (ServerProcess second = ServerProcess.start(port)) {
        assertEquals(7, duringGap.get(10, TimeUnit.SECONDS));
        assertEquals(7, calc.add(3, 4));
      }
    } finally {
      first.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void byDefaultCallsToAKilledServerFailWithinASecondAndTheRestartedServerIsFoundAgain(
      String codec) throws Exception {
    ServerProcess first = ServerProcess.start(0);
    int port = first.port();
    try (RpcClient client = RpcClient.builder()
        .address("127.0.0.1", port)
        .codec(codec)
        .timeout(Duration.ofSeconds(60)) // a caller who would otherwise wait a minute
        .build()) {
      Calculator calc = client.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));
      first.kill();
      Thread.sleep(200);
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        RpcException e = assertThrows(RpcException.class, () -> calc.add(1, 2));
        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals(RpcException.Code.UNAVAILABLE, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("It did not run")
            && e.getMessage().contains("minirpc.waitForReady=true"), e.getMessage());
        assertTrue(took < 1500, "call " + i + " failed after " + took + " ms");
      }
      try (ServerProcess second = ServerProcess.start(port)) {
        assertEquals(7, ErrorsTest.eventually(() -> calc.add(3, 4), Duration.ofSeconds(10)));
      }
    } finally {
      first.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void aFrozenServerIsFoundOutByHeartbeatsAndItsCallsFailWithUnavailable(String codec)
      throws Exception {
    try (ServerProcess server = ServerProcess.start(0);
        RpcClient client = RpcClient.builder()
            .address("127.0.0.1", server.port())
            .codec(codec)
            .timeout(Duration.ofSeconds(30))
            .heartbeat(Duration.ofMillis(200), Duration.ofMillis(1000))
            .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
            .build()) {
      Calculator calc = client.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));
      CompletableFuture<Integer> pending = calc.echoLater(5_000, 1);
      Thread.sleep(100);
      server.pause(); // the socket stays open: only silence tells
      long pausedAt = System.nanoTime();
      try {
        ExecutionException e =
            assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
        long took = (System.nanoTime() - pausedAt) / 1_000_000;
        RpcException cause = (RpcException) e.getCause();
        assertEquals(RpcException.Code.UNAVAILABLE, cause.code());
        assertTrue(cause.getMessage().contains("the server sent nothing for"), cause.getMessage());
        assertTrue(took >= 800 && took < 4000, "failed " + took + " ms after the freeze");
      } finally {
        server.resume();
      }
      assertEquals(5, calc.add(2, 3), "the thawed server is reached on a new connection");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void aServerThatStopsReadingMakesTheClientStopWritingRatherThanBufferWithoutBound(String codec)
      throws Exception {
    try (ServerProcess server = ServerProcess.start(0);
        RpcClient client = RpcClient.builder()
            .address("127.0.0.1", server.port())
            .codec(codec)
            .timeout(Duration.ofSeconds(60))
            .failWhenBusy(true)
            .build()) {
      Calculator calc = client.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));
      String megabyte = "x".repeat(1 << 20);
      List<CompletableFuture<String>> accepted = new ArrayList<>();
      RpcException refused = null;
      server.pause();
      try {
        for (int i = 0; i < 500 && refused == null; i++) {
          CompletableFuture<String> call = calc.greet(megabyte).toCompletableFuture();
          if (call.isCompletedExceptionally()) {
            ExecutionException e = assertThrows(ExecutionException.class, call::get);
            refused = (RpcException) e.getCause();
          } else {
            accepted.add(call);
          }
          Thread.sleep(2); // let the I/O thread move each request into the socket
        }
      } finally {
        server.resume();
      }
      assertTrue(refused != null, "500 MB were accepted for a server that reads nothing");
      assertEquals(RpcException.Code.RESOURCE_EXHAUSTED, refused.code());
      assertTrue(refused.getMessage().contains("write buffer full"), refused.getMessage());
      assertTrue(accepted.size() < 100,
          accepted.size() + " MB were accepted before the client stopped writing");
      for (CompletableFuture<String> call : accepted) {
        assertTrue(call.get(60, TimeUnit.SECONDS).endsWith("x"), "accepted calls complete");
      }
    }
  }
}
