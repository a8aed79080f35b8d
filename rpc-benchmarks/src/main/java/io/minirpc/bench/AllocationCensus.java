package io.minirpc.bench;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.bench.model.UserService;
import io.minirpc.bench.model.Users;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.management.ObjectName;

/**
 * What one blocking call allocates, counted object by object: client and server in this JVM, as
 * JMH's {@code CallBenchmark} with {@code -prof gc} measures them, but itemized by class. JMH gives
 * the sum; this says which objects make it up.
 *
 * <p>The JVM runs with the Epsilon collector, which frees nothing, so a class histogram taken after
 * the calls minus one taken before them holds every object the calls made, garbage included. The
 * JIT has compiled the call path by then (a warm-up of the same calls comes first), so objects
 * that escape analysis removes are not counted, as in a real run. The program starts itself again
 * in such a JVM, without thread-local allocation buffers (whose unused ends a histogram would fill
 * with arrays), and takes off what the histograms themselves allocate (measured by two taken
 * back to back).
 *
 * <pre>
 * java -cp rpc-benchmarks/target/benchmarks.jar io.minirpc.bench.AllocationCensus \
 *     [--codec=kryo] [--method=getUser|listUser] [--calls=100000] [--top=40] [--heap=4g]
 * </pre>
 *
 * <p>The heap must hold everything twice {@code --calls} calls allocate, since nothing is freed:
 * raise {@code --heap} for large answers.
 */
public final class AllocationCensus {
  /** Set in the JVM this program starts itself in. */
  private static final String CHILD = "minirpc.census.child";

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
    if (!Boolean.getBoolean(CHILD)) {
      System.exit(again(args, options.getOrDefault("heap", "4g")));
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
      // A histogram's own text lands in the window after it: the first two, with no call
      // between them, measure that, and it is taken off the calls' window.
      String idleBefore = histogram();
      String before = histogram();
      for (int i = 0; i < calls; i++) {
        call.run();
      }
      String after = histogram();
      print(codec, method, calls, top,
          minus(minus(parse(after), parse(before)), minus(parse(before), parse(idleBefore))));
    } finally {
      server.close();
    }
  }

  /**
   * Runs this program again in a JVM with the Epsilon collector, this JVM's options first;
   * returns its exit code. Without thread-local allocation buffers: a histogram fills each
   * buffer's unused end with filler arrays, which would be counted as allocated.
   */
  private static int again(String[] args, String heap) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!option.matches("-XX:[+-]Use\\w*GC|-Xm[sx].*")) { // the collector and heap are ours
        cmd.add(option);
      }
    }
    cmd.addAll(List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC", "-XX:-UseTLAB",
        "-Xms" + heap, "-Xmx" + heap, "-Xlog:disable", "-Xlog:all=error:stderr",
        "-D" + CHILD + "=true",
        "-cp", System.getProperty("java.class.path"), AllocationCensus.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).inheritIO().start().waitFor();
  }

  /** The class histogram of every object in the heap, reachable or not, as jcmd prints it. */
  private static String histogram() throws Exception {
    return (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[] {"-all"}}, new String[] {String[].class.getName()});
  }

  /** Instances and bytes per class name (summed over class loaders) of a histogram. */
  private static Map<String, long[]> parse(String histogram) {
    Map<String, long[]> counts = new HashMap<>();
    for (String line : histogram.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        counts.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      }
    }
    return counts;
  }

  /** {@code a - b}, class by class. */
  private static Map<String, long[]> minus(Map<String, long[]> a, Map<String, long[]> b) {
    Map<String, long[]> d = new HashMap<>();
    Set<String> names = new HashSet<>(a.keySet());
    names.addAll(b.keySet());
    for (String name : names) {
      long[] x = a.getOrDefault(name, new long[2]);
      long[] y = b.getOrDefault(name, new long[2]);
      d.put(name, new long[] {x[0] - y[0], x[1] - y[1]});
    }
    return d;
  }

  private static void print(String codec, String method, int calls, int top,
      Map<String, long[]> made) {
    record Row(String type, double objects, double bytes) {}
    List<Row> rows = new ArrayList<>();
    double total = 0;
    for (Map.Entry<String, long[]> e : made.entrySet()) {
      double bytes = (double) e.getValue()[1] / calls;
      total += bytes;
      if (bytes > 0) {
        rows.add(new Row(e.getKey(), (double) e.getValue()[0] / calls, bytes));
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
