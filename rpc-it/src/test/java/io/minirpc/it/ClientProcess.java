package io.minirpc.it;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minirpc client in a JVM of its own (a small heap, say), calling {@code
 * TypesService.echoStrings} from a few threads for a while, as {@link ServerProcess} runs a
 * server. It prints what happened to its calls: one {@code MESSAGE code text} line for the first
 * error of each code, then {@code RESULT key=value ...}: {@code ok} calls, {@code maxOkMillis}
 * (the slowest of them), {@code maxGapMillis} (the longest time no call succeeded), {@code
 * maxHeap} (the JVM's maximum heap, in bytes), and the count of each error code.
 */
final class ClientProcess {
  /** What the client JVM printed, its log and how it ended. */
  record Outcome(int exitCode, Map<String, Long> result, Map<String, String> messages,
      String log) {
    long get(String key) {
      return result.getOrDefault(key, 0L);
    }
  }

  private ClientProcess() {}

  /**
   * Runs a client of {@code address} for {@code duration} in a JVM with {@code jvmOptions}
   * (such as {@code -Xmx128m} or {@code -Dminirpc.timeout=2s}), and waits for it to end.
   */
  static Outcome run(String address, Duration duration, String... jvmOptions)
      throws IOException, InterruptedException {
    String javaBin = ProcessHandle.current().info().command().orElse(
        System.getProperty("java.home") + "/bin/java");
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    command.add("-Dio.netty.leakDetection.level=paranoid");
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        ClientProcess.class.getName(), address, Long.toString(duration.toMillis())));
    File log = File.createTempFile("client-process", ".log");
    File out = File.createTempFile("client-process", ".out");
    try {
      Process p = new ProcessBuilder(command)
          .redirectError(log)
          .redirectOutput(out)
          .start();
      if (!p.waitFor(duration.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor();
      }
      Map<String, Long> result = new TreeMap<>();
      Map<String, String> messages = new TreeMap<>();
      for (String line : Files.readAllLines(out.toPath(), StandardCharsets.UTF_8)) {
        if (line.startsWith("MESSAGE ")) {
          String[] parts = line.split(" ", 3);
          messages.put(parts[1], parts[2]);
        } else if (line.startsWith("RESULT ")) {
          for (String pair : line.substring(7).trim().split(" ")) {
            String[] kv = pair.split("=");
            result.put(kv[0], Long.parseLong(kv[1]));
          }
        }
      }
      return new Outcome(p.exitValue(), result, messages,
          Files.readString(log.toPath(), StandardCharsets.UTF_8));
    } finally {
      log.delete();
      out.delete();
    }
  }

  public static void main(String[] args) throws Exception {
    String address = args[0];
    long durationNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[1]));
    AtomicLong ok = new AtomicLong();
    AtomicLong maxOkNanos = new AtomicLong();
    AtomicLong maxGapNanos = new AtomicLong();
    AtomicLong lastOk = new AtomicLong();
    Map<RpcException.Code, AtomicLong> codes = new ConcurrentHashMap<>();
    Map<RpcException.Code, String> messages = new ConcurrentHashMap<>();
    try (RpcClient client = RpcClient.builder()
        .configure(System.getProperties())
        .address(address)
        .codec("json")
        .timeout(Duration.ofSeconds(10))
        .build()) {
      TypesService types = client.proxy(TypesService.class);
      long end = System.nanoTime() + durationNanos;
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Thread t = new Thread(() -> {
          while (System.nanoTime() < end) {
            long start = System.nanoTime();
            try {
              types.echoStrings(new String[] {"x"});
              long now = System.nanoTime();
              ok.incrementAndGet();
              maxOkNanos.accumulateAndGet(now - start, Math::max);
              long previous = lastOk.getAndSet(now);
              if (previous != 0) {
                maxGapNanos.accumulateAndGet(now - previous, Math::max);
              }
            } catch (RpcException e) {
              codes.computeIfAbsent(e.code(), c -> new AtomicLong()).incrementAndGet();
              messages.putIfAbsent(e.code(), e.getMessage());
            }
          }
        });
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      long previous = lastOk.get();
      maxGapNanos.accumulateAndGet(previous == 0 ? durationNanos : System.nanoTime() - previous,
          Math::max);
    }
    StringBuilder result = new StringBuilder("RESULT ok=").append(ok.get())
        .append(" maxHeap=").append(Runtime.getRuntime().maxMemory())
        .append(" maxOkMillis=").append(maxOkNanos.get() / 1_000_000)
        .append(" maxGapMillis=").append(maxGapNanos.get() / 1_000_000);
    for (Map.Entry<RpcException.Code, AtomicLong> e : codes.entrySet()) {
      result.append(' ').append(e.getKey()).append('=').append(e.getValue().get());
    }
    for (Map.Entry<RpcException.Code, String> e : messages.entrySet()) {
      System.out.println("MESSAGE " + e.getKey() + " " + e.getValue().replace('\n', ' '));
    }
    System.out.println(result);
    System.out.flush();
  }
}
