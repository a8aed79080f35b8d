package io.minirpc.bench;

import java.io.BufferedReader;
import io.minirpc.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The comparison: minirpc (each codec), gRPC-java (default and direct executor) and a raw-Netty
 * limit on the UserService workload. Every run has a fresh server JVM and a fresh client JVM;
 * the systems of one cell run back to back (A B C A B C ...) so they share the same background
 * noise, and the median of the repetitions is reported.
 *
 * <pre>
 * java -cp rpc-benchmarks/target/benchmarks.jar io.minirpc.bench.Compare \
 *     --methods=getUser,listUser --modes=async,blocking --concurrency=1,16,64,256 \
 *     --warmup=10 --measure=15 --reps=3
 * </pre>
 *
 * Prints one {@code RESULT} line per system and cell (machine-readable), then a table.
 */
public final class Compare {
  private static final List<String> ALL_SYSTEMS =
      List.of("minirpc-kryo", "minirpc-json", "grpc-default", "minirpc-kryo-direct",
          "minirpc-json-direct", "grpc-direct", "netty", "minirpc-kryo-tls", "minirpc-json-tls");

  private final Map<String, String> options;
  private final String java;
  private final List<String> jvmOptions;

  private Compare(Map<String, String> options) {
    this.options = options;
    this.java = ProcessHandle.current().info().command()
        .orElse(System.getProperty("java.home") + "/bin/java");
    this.jvmOptions = new ArrayList<>(
        Arrays.asList(option("jvm", "-Xms1g -Xmx1g").trim().split("\\s+")));
  }

  private String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  private List<String> list(String name, String fallback) {
    return Arrays.asList(option(name, fallback).split(","));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("options look like --name=value, not " + a);
      }
      options.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    new Compare(options).run();
  }

  /** One cell of the comparison: a method, a mode and a number of outstanding calls. */
  record Cell(String method, String mode, int concurrency) {
    @Override
    public String toString() {
      return method + " " + mode + " x" + concurrency;
    }
  }

  private void run() throws Exception {
    List<String> systems = list("systems", String.join(",", ALL_SYSTEMS));
    if (systems.stream().anyMatch(sys -> sys.endsWith("-tls"))) {
      // One CA and one server certificate for the whole comparison, made now, passed by path.
      Path dir = Files.createTempDirectory("minirpc-bench-tls");
      TestCertificates.Ca ca = TestCertificates.ca(dir, "benchmark CA");
      TestCertificates.Pem server = ca.issue("server", "localhost", "127.0.0.1");
      jvmOptions.add("-D" + MinirpcSystem.TLS_CHAIN + "=" + server.chain());
      jvmOptions.add("-D" + MinirpcSystem.TLS_KEY + "=" + server.key());
      jvmOptions.add("-D" + MinirpcSystem.TLS_CA + "=" + ca.certificate());
    }
    List<String> methods = list("methods", "getUser,listUser");
    List<String> modes = list("modes", "async,blocking");
    List<String> concurrencies = list("concurrency", "1,16,64,256");
    int reps = Integer.parseInt(option("reps", "3"));
    long warmupMs = TimeUnit.SECONDS.toMillis(Long.parseLong(option("warmup", "10")));
    long measureMs = TimeUnit.SECONDS.toMillis(Long.parseLong(option("measure", "15")));
    int requestSize = FrameSizes.getUserRequest("kryo");
    int responseSize = FrameSizes.getUserResponse("kryo");
    System.out.printf(Locale.ROOT, "# %d cores, %s %s; raw Netty moves %d-byte requests and %d-byte"
            + " responses (a minirpc kryo getUser call); %d s warm-up, %d s measured, %d"
            + " repetition(s), median reported%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), requestSize, responseSize, warmupMs / 1000,
        measureMs / 1000, reps);

    Map<Cell, Map<String, List<Map<String, String>>>> results = new LinkedHashMap<>();
    for (String method : methods) {
      for (String mode : modes) {
        for (String c : concurrencies) {
          Cell cell = new Cell(method, mode, Integer.parseInt(c));
          Map<String, List<Map<String, String>>> bySystem = new LinkedHashMap<>();
          results.put(cell, bySystem);
          for (int rep = 0; rep < reps; rep++) {
            for (String system : systems) {
              if (system.equals("netty") && !method.equals("getUser")) {
                continue; // the baseline mirrors getUser's bytes only
              }
              Map<String, String> r = runOnce(system, cell, warmupMs, measureMs, requestSize,
                  responseSize);
              System.out.println("# run " + (rep + 1) + ": " + line(r));
              bySystem.computeIfAbsent(system, k -> new ArrayList<>()).add(r);
            }
          }
          for (Map.Entry<String, List<Map<String, String>>> e : bySystem.entrySet()) {
            System.out.println(line(median(e.getValue())));
          }
        }
      }
    }
    Report.print(results, System.out);
  }

  private Map<String, String> runOnce(String system, Cell cell, long warmupMs, long measureMs,
      int requestSize, int responseSize) throws IOException, InterruptedException {
    String serverSystem = !system.startsWith("minirpc") ? system
        : system.endsWith("-direct") ? "minirpc-direct"
        : system.endsWith("-tls") ? "minirpc-tls" : "minirpc";
    List<String> serverCmd = command(ServerMain.class, option("server-jvm", ""), serverSystem,
        Integer.toString(responseSize));
    Process server = new ProcessBuilder(serverCmd)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String portLine = out.readLine();
      while (portLine != null && !portLine.startsWith("PORT ")) {
        portLine = out.readLine(); // e.g. a JFR or GC log line
      }
      if (portLine == null) {
        throw new IOException(system + " server did not start: " + portLine);
      }
      String port = portLine.substring(5).trim();
      List<String> clientCmd = command(ClientMain.class, option("client-jvm", ""), system,
          "127.0.0.1", port,
          cell.method(), cell.mode(), Integer.toString(cell.concurrency()),
          Long.toString(warmupMs), Long.toString(measureMs), Integer.toString(requestSize));
      Process client = new ProcessBuilder(clientCmd)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String result = null;
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = lines.readLine()) != null) {
          if (l.startsWith("RESULT ")) {
            result = l;
          }
        }
      }
      if (!client.waitFor(60, TimeUnit.SECONDS)) {
        client.destroyForcibly();
      }
      if (result == null) {
        throw new IOException(system + " client printed no result for " + cell);
      }
      return parse(result);
    } finally {
      server.getOutputStream().close();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  /** {@code extraJvm}: options for this JVM only (--server-jvm, --client-jvm), e.g. profiling. */
  private List<String> command(Class<?> main, String extraJvm, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    if (!extraJvm.isBlank()) {
      cmd.addAll(Arrays.asList(extraJvm.trim().split("\\s+")));
    }
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  static Map<String, String> parse(String resultLine) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : resultLine.substring("RESULT ".length()).split(" ")) {
      int eq = part.indexOf('=');
      m.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return m;
  }

  static String line(Map<String, String> r) {
    StringBuilder b = new StringBuilder("RESULT");
    r.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    return b.toString();
  }

  /** The repetition with the median throughput (its latencies come with it). */
  static Map<String, String> median(List<Map<String, String>> runs) {
    List<Map<String, String>> sorted = new ArrayList<>(runs);
    sorted.sort((a, b) -> Double.compare(
        Double.parseDouble(a.get("calls_per_s")), Double.parseDouble(b.get("calls_per_s"))));
    return sorted.get(sorted.size() / 2);
  }
}
