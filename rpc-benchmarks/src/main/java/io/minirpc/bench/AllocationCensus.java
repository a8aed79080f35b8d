package io.minirpc.bench;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.bench.model.UserService;
import io.minirpc.bench.model.Users;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What one blocking call allocates, counted object by object: client and server in this JVM, as
 * JMH's {@code CallBenchmark} with {@code -prof gc} measures them, but itemized by class. JMH gives
 * the sum; this says which objects make it up.
 *
 * <p>The JVM runs with the Epsilon collector, which frees nothing, so a class histogram taken after
 * the calls minus one taken before them holds every object the calls made, garbage included. The
 * JIT has compiled the call path by then (a warm-up of the same calls comes first), so objects
 * that escape analysis removes are not counted, as in a real run. Without Epsilon the program
 * starts itself again with it.
 *
 * <pre>
 * java -cp rpc-benchmarks/target/benchmarks.jar io.minirpc.bench.AllocationCensus \
 *     [--codec=kryo] [--method=getUser|listUser] [--calls=100000] [--top=40]
 * </pre>
 */
public final class AllocationCensus {
  private AllocationCensus() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("options are --name=value, got " + a);
      }
      options.put(a.substring(2, eq), a.substring(eq + 1));
    }
    if (!ManagementFactory.getRuntimeMXBean().getInputArguments()
        .contains("-XX:+UseEpsilonGC")) {
      System.exit(again(args));
    }
    String codec = options.getOrDefault("codec", "kryo");
    String method = options.getOrDefault("method", "getUser");
    int calls = Integer.parseInt(options.getOrDefault("calls", "100000"));
    int top = Integer.parseInt(options.getOrDefault("top", "40"));

    RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
        .register(UserService.class, new Users()).build().start();
    try (RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
        .codec(codec).compression("none").build()) {
      UserService users = client.proxy(UserService.class);
      Runnable call = switch (method) {
        case "getUser" -> () -> users.getUser(42);
        case "listUser" -> () -> users.listUser(1);
        default -> throw new IllegalArgumentException("--method is getUser or listUser");
      };
      for (int i = 0; i < calls; i++) {
        call.run(); // warm-up: the JIT compiles the path, classes load, pools fill
      }
      Map<String, long[]> before = histogram();
      for (int i = 0; i < calls; i++) {
        call.run();
      }
      Map<String, long[]> after = histogram();
      print(codec, method, calls, top, before, after);
    } finally {
      server.close();
    }
  }

  /** Runs this program again in a JVM with the Epsilon collector; returns its exit code. */
  private static int again(String[] args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC", "-Xms4g", "-Xmx4g", "-Xlog:disable", "-cp", System.getProperty("java.class.path"),
        AllocationCensus.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).inheritIO().start().waitFor();
  }

  /** Instances and bytes per class, of every object in the heap, reachable or not. */
  private static Map<String, long[]> histogram() throws Exception {
    MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
    String text = (String) beans.invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[] {"-all"}}, new String[] {String[].class.getName()});
    Map<String, long[]> counts = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        counts.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    return counts;
  }

  private static void print(String codec, String method, int calls, int top,
      Map<String, long[]> before, Map<String, long[]> after) {
    record Row(String type, double objects, double bytes) {}
    List<Row> rows = new ArrayList<>();
    double total = 0;
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] was = before.getOrDefault(e.getKey(), new long[2]);
      double bytes = (double) (e.getValue()[1] - was[1]) / calls;
      if (bytes > 0) {
        rows.add(new Row(e.getKey(), (double) (e.getValue()[0] - was[0]) / calls, bytes));
        total += bytes;
      }
    }
    rows.sort((a, b) -> Double.compare(b.bytes(), a.bytes()));
    System.out.printf(Locale.ROOT, "%s %s, %d calls: %.0f bytes a call, client and server%n",
        codec, method, calls, total);
    System.out.printf(Locale.ROOT, "%10s %10s  %s%n", "bytes", "objects", "class");
    for (Row r : rows.subList(0, Math.min(top, rows.size()))) {
      System.out.printf(Locale.ROOT, "%10.1f %10.2f  %s%n", r.bytes(), r.objects(), r.type());
    }
  }
}
