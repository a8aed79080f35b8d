package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A server process killed with SIGKILL in the middle of calls. */
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

      RpcException down = assertThrows(RpcException.class, () -> calc.add(1, 1));
      assertEquals(RpcException.Code.UNAVAILABLE, down.code());

      try (ServerProcess second = ServerProcess.start(port)) {
        assertEquals(7, calc.add(3, 4), "the next call after a restart reconnects");
      }
    } finally {
      first.close();
    }
  }
}
