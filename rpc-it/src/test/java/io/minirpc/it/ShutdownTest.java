package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Servers that stop and restart under traffic, and programs that end. */
@Isolated("looks for server threads in the whole JVM")
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class ShutdownTest {
  @Parameter String codec;

  private static RpcServer start(int port, Duration grace) {
    return RpcServer.builder().host("127.0.0.1").port(port).gracePeriod(grace)
        .register(Calculator.class, new CalculatorImpl()).build().start();
  }

  /** Callers that call until stopped, counting how each call ended and how long it took. */
  private static final class Traffic implements AutoCloseable {
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    /** The first message of each failed outcome, to say why. */
    final Map<String, String> examples = new ConcurrentHashMap<>();
    final AtomicLong slowestMillis = new AtomicLong();
    final AtomicBoolean stop = new AtomicBoolean();
    final ExecutorService threads;
    final List<Future<?>> callers = new ArrayList<>();

    Traffic(Calculator calc, int callers, int sleepMillis) {
      threads = Executors.newFixedThreadPool(callers);
      for (int t = 0; t < callers; t++) {
        int id = t;
        this.callers.add(threads.submit(() -> {
          int i = 0;
          while (!stop.get()) {
            long start = System.nanoTime();
            String outcome;
            try {
              int v = id * 1_000_000 + i++;
              int r = sleepMillis > 0 && i % 4 == 0 ? calc.sleepThenEcho(sleepMillis, v)
                  : calc.add(v, 0);
              outcome = r == v ? "OK" : "WRONG";
            } catch (RpcException e) {
              outcome = e.code().name();
              examples.putIfAbsent(outcome, e.getMessage());
            }
            slowestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
            outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
          }
          return null;
        }));
      }
    }

    long count(String outcome) {
      LongAdder a = outcomes.get(outcome);
      return a == null ? 0 : a.sum();
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      for (Future<?> f : callers) {
        f.get(30, TimeUnit.SECONDS); // a caller that hangs fails the test here
      }
      threads.shutdown();
    }
  }

  @Test
  void aServerRestartedOnTheSamePortDuringTrafficCostsUnavailableCallsOnly() throws Exception {
    RpcServer first = start(0, Duration.ofMillis(500));
    int port = first.port();
    RpcServer second = null;
    try (RpcClient client = RpcClient.builder().address("127.0.0.1", port).codec(codec)
        .connections(2).timeout(Duration.ofMillis(800))
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build()) {
      Traffic traffic = new Traffic(client.proxy(Calculator.class), 8, 0);
      long okBefore;
      try (traffic) {
        Thread.sleep(500);
        first.close();
        okBefore = traffic.count("OK");
        Thread.sleep(1000); // the gap: nothing listens
        long unavailableInGap = traffic.count("UNAVAILABLE");
        second = start(port, Duration.ofMillis(500));
        Thread.sleep(1500);
        assertTrue(unavailableInGap > 0, "calls in the gap fail: " + traffic.outcomes);
      }
      assertTrue(okBefore > 0, "calls before the restart succeed");
      assertTrue(traffic.count("OK") > okBefore, "calls after the restart succeed: "
          + traffic.outcomes);
      assertEquals(traffic.count("OK") + traffic.count("UNAVAILABLE"),
          traffic.outcomes.values().stream().mapToLong(LongAdder::sum).sum(),
          "nothing but OK and UNAVAILABLE: " + traffic.outcomes);
      assertTrue(traffic.slowestMillis.get() < 2000,
          "no call hung: the slowest took " + traffic.slowestMillis + " ms");
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void callsThatRaceTheGoAwayOfARestartAreSentAgainAndNoneFails() throws Exception {
    RpcServer first = start(0, Duration.ofSeconds(2));
    int port = first.port();
    RpcServer second = null;
    ExecutorService closer = Executors.newSingleThreadExecutor();
    try (RpcClient client = RpcClient.builder().address("127.0.0.1", port).codec(codec)
        .connections(2).timeout(Duration.ofSeconds(5)).waitForReady(true)
        .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build()) {
      Traffic traffic = new Traffic(client.proxy(Calculator.class), 8, 20);
      try (traffic) {
        Thread.sleep(300);
        Future<?> closing = closer.submit(first::close); // drains while the next one starts
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (second == null) {
          try {
            second = start(port, Duration.ofSeconds(2));
          } catch (RpcException stillBound) {
            if (System.nanoTime() > end) {
              throw stillBound;
            }
            Thread.sleep(1);
          }
        }
        closing.get(10, TimeUnit.SECONDS);
        Thread.sleep(300);
      }
      assertEquals(traffic.count("OK"),
          traffic.outcomes.values().stream().mapToLong(LongAdder::sum).sum(),
          "every call succeeds across the restart: " + traffic.outcomes + " " + traffic.examples);
    } finally {
      closer.shutdownNow();
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void aShutdownDuringTrafficEndsEveryCallWithAClearCodeAndLeavesNoThread() throws Exception {
    RpcServer server = start(0, Duration.ofMillis(300));
    try (RpcClient client = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(5)).build()) {
      Traffic traffic = new Traffic(client.proxy(Calculator.class), 8, 1000);
      try (traffic) {
        Thread.sleep(500);
        long start = System.nanoTime();
        server.close();
        long took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(took < 3000, "close() took " + took + " ms with a 300 ms grace period");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
          assertTrue(!t.getName().startsWith("minirpc-server") || !t.isAlive(),
              "close() returned while " + t.getName() + " lives");
        }
        Thread.sleep(300);
      }
      assertTrue(traffic.count("OK") > 0);
      assertTrue(traffic.count("UNAVAILABLE") > 0, traffic.outcomes.toString());
      assertEquals(traffic.count("OK") + traffic.count("UNAVAILABLE"),
          traffic.outcomes.values().stream().mapToLong(LongAdder::sum).sum(),
          "nothing but OK and UNAVAILABLE: " + traffic.outcomes);
      assertTrue(traffic.slowestMillis.get() < 2500,
          "no call hung: the slowest took " + traffic.slowestMillis + " ms");
    } finally {
      server.close();
    }
  }

  @Test
  void aProgramThatClosesItsClientsAndServerExitsWithoutLeftoverThreads() throws Exception {
    if (!codec.equals("json")) {
      return; // the program uses both codecs itself
    }
    String java = ProcessHandle.current().info().command().orElse(
        System.getProperty("java.home") + "/bin/java");
    Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        LifecycleMain.class.getName()).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    long mainReturned = 0;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("NON-DAEMON")) {
          mainReturned = System.nanoTime();
        }
      }
    }
    boolean exited = p.waitFor(30, TimeUnit.SECONDS);
    long exitMillis = (System.nanoTime() - mainReturned) / 1_000_000;
    if (!exited) {
      p.destroyForcibly();
    }
    assertTrue(exited, "the JVM did not exit: " + lines);
    assertEquals(0, p.exitValue(), String.join("\n", lines));
    assertTrue(lines.contains("NON-DAEMON []"), String.join("\n", lines));
    assertTrue(lines.stream().noneMatch(l -> l.contains("reconnecting") || l.contains("WARN")),
        "a clean close logs no reconnect and no warning:\n" + String.join("\n", lines));
    assertTrue(exitMillis < 5000, "the JVM took " + exitMillis + " ms to exit after main");
  }
}
