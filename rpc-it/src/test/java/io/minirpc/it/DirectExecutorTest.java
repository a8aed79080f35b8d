package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** A server that runs implementations on its I/O threads serves like one with a worker pool. */
@Isolated("looks for worker threads in the whole JVM")
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class DirectExecutorTest {
  @Parameter String codec;

  @Test
  void callsRunOnTheIoThreadAndManyConcurrentCallsAllComplete() throws Exception {
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0).directExecutor(true)
            .register(Calculator.class, new CalculatorImpl())
            .register(SlowService.class, new SlowServiceImpl()).build().start();
        RpcClient c = RpcClient.builder().address("127.0.0.1", s.port()).codec(codec)
            .timeout(Duration.ofSeconds(10)).metadata("tenant", "acme").build()) {
      Calculator calc = c.proxy(Calculator.class);
      List<CompletableFuture<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        calls.add(calc.factorial(i % 20));
      }
      for (int i = 0; i < calls.size(); i++) {
        long expected = 1;
        for (int k = 2; k <= i % 20; k++) {
          expected *= k;
        }
        assertEquals(expected, calls.get(i).get(10, TimeUnit.SECONDS));
      }
      assertEquals(7, calc.add(3, 4));
      assertEquals("acme", c.proxy(SlowService.class).context().get("tenant"),
          "RpcContext works on the I/O thread too");
      assertTrue(Thread.getAllStackTraces().keySet().stream()
          .noneMatch(t -> t.getName().startsWith("minirpc-server-worker")),
          "no worker thread was started");
    }
  }
}
