package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A fleet of three server JVMs under steady traffic, and what happens to calls when one of them
 * crashes (SIGKILL) or freezes (SIGSTOP).
 */
@Isolated("counts the calls three server JVMs serve in a second")
@Timeout(120)
class FleetProcessTest {
  private final List<ServerProcess> processes = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (ServerProcess p : processes) {
      try {
        p.resume();
      } catch (Exception ignored) {
        // already dead
      }
      p.close();
    }
  }

  private String startThree() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ServerProcess p = ServerProcess.start(0, "-Xmx128m");
      processes.add(p);
      addresses.add("127.0.0.1:" + p.port());
    }
    return String.join(",", addresses);
  }

  /** Calls until each of the three servers has answered, so that traffic starts on a warm fleet. */
  private static void awaitAllServing(Whoami who) throws InterruptedException {
    java.util.Set<String> seen = new java.util.HashSet<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (seen.size() < 3 && System.nanoTime() < end) {
      try {
        seen.add(who.name());
      } catch (RpcException e) {
        Thread.sleep(20); // still connecting on a busy machine
      }
    }
    assertEquals(3, seen.size(), "every server answered: " + seen);
  }

  /** Traffic from a few threads until stopped; records every failure. */
  private static final class Traffic {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong ok = new AtomicLong();
    final List<RpcException> failures = new CopyOnWriteArrayList<>();
    final ExecutorService pool;

    Traffic(int threads, Runnable call) {
      pool = Executors.newFixedThreadPool(threads);
      for (int t = 0; t < threads; t++) {
        pool.submit(() -> {
          while (!stop.get()) {
            try {
              call.run();
              ok.incrementAndGet();
            } catch (RpcException e) {
              failures.add(e);
            }
          }
        });
      }
    }

    void end() throws InterruptedException {
      stop.set(true);
      pool.shutdown();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void killingOneServerFailsOnlyTheNonIdempotentCallsRunningOnIt() throws Exception {
    String address = startThree();
    try (RpcClient client = RpcClient.builder().address(address).codec("kryo")
        .timeout(Duration.ofSeconds(10)).build()) {
      Whoami who = client.proxy(Whoami.class);
      awaitAllServing(who);
      Traffic idempotent = new Traffic(4, () -> who.workIdempotent(20));
      Traffic plain = new Traffic(4, () -> who.work(20));
      Thread.sleep(1000);
      processes.get(0).kill();
      Thread.sleep(1500);
      long okBefore = idempotent.ok.get() + plain.ok.get();
      Thread.sleep(500);
      idempotent.end();
      plain.end();
      assertEquals(List.of(), idempotent.failures, "idempotent calls are retried elsewhere");
      assertTrue(plain.failures.size() <= 4,
          "at most the 4 non-idempotent calls running on the killed server fail: "
              + plain.failures);
      for (RpcException e : plain.failures) {
        assertEquals(RpcException.Code.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("may or may not have run"), e.getMessage());
      }
      assertTrue(idempotent.ok.get() + plain.ok.get() > okBefore,
          "traffic goes on over the two servers left");
    }
  }

  @Test
  void aFrozenServerIsEjectedAndTrafficGoesOn() throws Exception {
    String address = startThree();
    try (RpcClient client = RpcClient.builder().address(address).codec("json")
        .loadBalancer("round-robin") // so that only ejection keeps calls off the frozen server
        .ejection(3, Duration.ofSeconds(30), 50)
        .timeout(Duration.ofMillis(400)).build()) {
      Whoami who = client.proxy(Whoami.class);
      awaitAllServing(who);
      Traffic traffic = new Traffic(6, () -> who.work(2));
      Thread.sleep(800);
      processes.get(1).pause();
      Thread.sleep(2500);
      long okMid = traffic.ok.get();
      int failedMid = traffic.failures.size();
      Thread.sleep(1000);
      long okLastSecond = traffic.ok.get() - okMid;
      int failedLastSecond = traffic.failures.size() - failedMid;
      traffic.end();
      processes.get(1).resume();
      for (RpcException e : traffic.failures) {
        assertEquals(RpcException.Code.TIMEOUT, e.code(), e.getMessage());
      }
      assertTrue(traffic.failures.size() <= 12, "only calls sent to the frozen server before it"
          + " was ejected time out: " + traffic.failures.size());
      assertEquals(0, failedLastSecond, "once ejected, the frozen server gets no calls");
      assertTrue(okLastSecond > 50, "traffic goes on: " + okLastSecond + " calls in a second");
    }
  }
}
