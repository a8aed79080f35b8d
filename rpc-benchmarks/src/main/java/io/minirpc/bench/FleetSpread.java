package io.minirpc.bench;

import io.minirpc.HashKey;
import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * How each balancing policy spreads calls over a fleet of three servers, one of them slow, and
 * what callers see: calls per server and latency percentiles. Three servers and the client run in
 * this JVM over loopback. Options: {@code --seconds=10 --threads=16 --slowMillis=5 --codec=kryo}.
 */
public final class FleetSpread {
  private FleetSpread() {}

  /** A server that says its name, after an extra delay on the slow one. */
  public interface Named {
    String name(@HashKey String key);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new java.util.HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(2, eq), a.substring(eq + 1));
    }
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "16"));
    long slowMillis = Long.parseLong(opts.getOrDefault("slowMillis", "5"));
    String codec = opts.getOrDefault("codec", "kryo");
    List<RpcServer> servers = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (String name : List.of("fast-1", "fast-2", "slow")) {
      long delay = name.equals("slow") ? slowMillis : 0;
      RpcServer s = RpcServer.builder().host("127.0.0.1").port(0)
          .register(Named.class, key -> {
            if (delay > 0) {
              sleep(delay);
            }
            return name;
          })
          .build().start();
      servers.add(s);
      addresses.add("127.0.0.1:" + s.port());
    }
    System.out.printf("%-16s %9s %9s %9s %9s %9s %9s%n", "policy", "calls/s", "fast-1",
        "fast-2", "slow", "p50 us", "p99 us");
    try {
      for (String policy : List.of("least-pending", "round-robin", "consistent-hash")) {
        run(policy, String.join(",", addresses), codec, threads, seconds);
      }
    } finally {
      for (RpcServer s : servers) {
        s.close();
      }
    }
  }

  private static void run(String policy, String address, String codec, int threads,
      int seconds) throws Exception {
    try (RpcClient client = RpcClient.builder().address(address).codec(codec)
        .loadBalancer(policy).timeout(Duration.ofSeconds(30)).build()) {
      Named named = client.proxy(Named.class);
      for (int i = 0; i < 2000; i++) {
        named.name("warm-" + i);
      }
      Map<String, LongAdder> byServer = new ConcurrentHashMap<>();
      Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      for (int t = 0; t < threads; t++) {
        int thread = t;
        pool.submit(() -> {
          long i = 0;
          while (!stop.get()) {
            long t0 = System.nanoTime();
            String server = named.name("key-" + thread + "-" + (i++ % 1000));
            latency.recordValue(System.nanoTime() - t0);
            byServer.computeIfAbsent(server, k -> new LongAdder()).increment();
          }
          return null;
        });
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      stop.set(true);
      pool.shutdown();
      pool.awaitTermination(30, TimeUnit.SECONDS);
      long total = latency.getTotalCount();
      System.out.printf("%-16s %9d %8.1f%% %8.1f%% %8.1f%% %9.1f %9.1f%n", policy,
          total / seconds, share(byServer, "fast-1", total), share(byServer, "fast-2", total),
          share(byServer, "slow", total), latency.getValueAtPercentile(50) / 1000.0,
          latency.getValueAtPercentile(99) / 1000.0);
    }
  }

  private static double share(Map<String, LongAdder> byServer, String name, long total) {
    LongAdder n = byServer.get(name);
    return n == null ? 0 : 100.0 * n.sum() / total;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
