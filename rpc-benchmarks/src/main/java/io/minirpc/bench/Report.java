package io.minirpc.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The readable end of a comparison: a table per cell, and the targets as ratios. */
final class Report {
  private Report() {}

  static void print(Map<Compare.Cell, Map<String, List<Map<String, String>>>> results,
      PrintStream out) {
    out.println();
    out.printf(Locale.ROOT, "%-26s %-19s %12s %10s %10s %10s %8s%n", "cell", "system", "calls/s",
        "p50 us", "p99 us", "p99.9 us", "cli cpu");
    for (Map.Entry<Compare.Cell, Map<String, List<Map<String, String>>>> cell
        : results.entrySet()) {
      for (Map.Entry<String, List<Map<String, String>>> system : cell.getValue().entrySet()) {
        Map<String, String> r = Compare.median(system.getValue());
        out.printf(Locale.ROOT, "%-26s %-19s %12s %10s %10s %10s %8s%n", cell.getKey(),
            system.getKey(), r.get("calls_per_s"), r.get("p50_us"), r.get("p99_us"),
            r.get("p999_us"), r.get("client_cpu"));
      }
    }
    out.println();
    out.println("Targets (ratios of like against like, this run):");
    for (Map.Entry<Compare.Cell, Map<String, List<Map<String, String>>>> cell
        : results.entrySet()) {
      Compare.Cell c = cell.getKey();
      Map<String, List<Map<String, String>>> s = cell.getValue();
      for (String mini : List.of("minirpc-kryo", "minirpc-json", "minirpc-kryo-direct",
          "minirpc-json-direct")) {
        if (!s.containsKey(mini)) {
          continue;
        }
        double m = value(s, mini, "calls_per_s");
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-26s %-19s", c, mini));
        // Like against like: each minirpc mode against the gRPC mode that matches it.
        String grpc = mini.endsWith("-direct") ? "grpc-direct" : "grpc-default";
        for (String peer : List.of(grpc, "netty")) {
          if (s.containsKey(peer)) {
            b.append(String.format(Locale.ROOT, "  %.2fx %s", m / value(s, peer, "calls_per_s"),
                peer));
          }
        }
        if (c.concurrency() == 1 && s.containsKey("netty")) {
          b.append(String.format(Locale.ROOT, "  p99 %.2fx netty's",
              value(s, mini, "p99_us") / value(s, "netty", "p99_us")));
        }
        out.println(b);
      }
    }
  }

  private static double value(Map<String, List<Map<String, String>>> s, String system,
      String key) {
    return Double.parseDouble(Compare.median(s.get(system)).get(key));
  }
}
