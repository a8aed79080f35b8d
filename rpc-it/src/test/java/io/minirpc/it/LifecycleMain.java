package io.minirpc.it;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A program that starts a server and two clients, calls, closes everything and returns from
 * main. It prints the non-daemon threads still alive at the end; the JVM must then exit on its
 * own, which is what {@link ShutdownTest} checks.
 */
public final class LifecycleMain {
  private LifecycleMain() {}

  public static void main(String[] args) throws Exception {
    RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
        .register(Calculator.class, new CalculatorImpl()).build().start();
    for (String codec : List.of("json", "kryo")) {
      try (RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
          .codec(codec).connections(2).timeout(Duration.ofSeconds(5)).build()) {
        Calculator calc = client.proxy(Calculator.class);
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          calls.add(calc.echoLater(1, i));
        }
        for (CompletableFuture<Integer> call : calls) {
          call.join();
        }
        if (calc.add(2, 3) != 5) {
          throw new AssertionError("2 + 3");
        }
        calc.echoLater(60_000, 1); // left pending: close() cancels it
      }
    }
    server.close();
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      // Netty's globalEventExecutor runs listeners of its own futures and stops by itself after
      // a second without work; the test checks that the JVM then exits.
      if (!t.isDaemon() && t != Thread.currentThread() && !t.getName().equals("DestroyJavaVM")
          && !t.getName().startsWith("globalEventExecutor")) {
        alive.add(t.getName());
      }
    }
    System.out.println("NON-DAEMON " + alive);
  }
}
