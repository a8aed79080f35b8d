package io.minirpc.bench;

import io.minirpc.bench.netty.RawNetty;
import java.util.Locale;

/**
 * One measured run in a JVM of its own. Arguments: system, host, port, method, mode ({@code
 * async} or {@code blocking}), concurrency, warm-up ms, measurement ms, and for {@code netty} the
 * request size. Prints one {@code RESULT} line.
 */
public final class ClientMain {
  private ClientMain() {}

  static Driver driver(String system, String host, int port, int requestSize) throws Exception {
    switch (system) {
      case "minirpc-json":
      case "minirpc-json-direct":
      case "minirpc-json-tls":
        return MinirpcSystem.client(host, port, "json", system.endsWith("-tls"), false);
      case "minirpc-kryo":
      case "minirpc-kryo-direct":
      case "minirpc-kryo-tls":
        return MinirpcSystem.client(host, port, "kryo", system.endsWith("-tls"), false);
      case "minirpc-json-fleet":
        return MinirpcSystem.client(host, port, "json", false, true);
      case "minirpc-kryo-fleet":
        return MinirpcSystem.client(host, port, "kryo", false, true);
      case "grpc-default":
        return new GrpcDriver(host, port, false);
      case "grpc-direct":
        return new GrpcDriver(host, port, true);
      case "netty":
        RawNetty.Client c = new RawNetty.Client(host, port, requestSize);
        return new Driver() {
          @Override
          public void callAsync(Workload method, long seq, Callback callback) {
            c.call(seq, callback::done);
          }

          @Override
          public void callBlocking(Workload method, long seq) throws Exception {
            c.callAndWait(seq);
          }

          @Override
          public void close() {
            c.close();
          }
        };
      default:
        throw new IllegalArgumentException("unknown system " + system);
    }
  }

  public static void main(String[] args) throws Exception {
    String system = args[0];
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    Workload method = Workload.of(args[3]);
    boolean async = args[4].equals("async");
    int concurrency = Integer.parseInt(args[5]);
    long warmup = Long.parseLong(args[6]);
    long measure = Long.parseLong(args[7]);
    int requestSize = args.length > 8 ? Integer.parseInt(args[8]) : 0;
    LoadRunner.Result r;
    try (Driver driver = driver(system, host, port, requestSize)) {
      r = new LoadRunner(driver, method, concurrency).run(async, warmup, measure);
    }
    System.out.println(String.format(Locale.ROOT,
        "RESULT system=%s method=%s mode=%s conc=%d calls_per_s=%.0f p50_us=%.1f p99_us=%.1f"
            + " p999_us=%.1f client_cpu=%.2f errors=%d",
        system, method, args[4], concurrency, r.callsPerSecond(), r.p50Micros(), r.p99Micros(),
        r.p999Micros(), r.clientCpuCores(), r.errors()));
    System.exit(0);
  }
}
