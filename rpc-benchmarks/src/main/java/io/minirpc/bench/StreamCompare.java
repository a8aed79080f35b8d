package io.minirpc.bench;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.Streams;
import io.minirpc.bench.grpc.GrpcSystem;
import io.minirpc.bench.grpc.proto.CountRequest;
import io.minirpc.bench.grpc.proto.User;
import io.minirpc.bench.grpc.proto.UserStreamGrpc;
import io.minirpc.bench.model.UserStream;
import io.minirpc.bench.model.Users;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

/**
 * Server streaming (or, with {@code --direction=up}, client streaming: see {@link
 * StreamUploads}), minirpc against gRPC-java, in one run: each system streams the same users
 * (the record of {@code getUser}, built afresh per item) from a server to a client that takes
 * them as fast as it can, in one JVM, the systems taking turns (A B C A B C ...). Both use their
 * defaults and honour flow control: minirpc's publisher is pulled as the client grants credit;
 * gRPC's server writes while {@code isReady()} and resumes in {@code onReadyHandler}, its client
 * takes messages through the async stub's automatic flow control; {@code grpc-direct} runs both
 * sides on their I/O threads ({@code directExecutor()}). Prints items a second and the heap the
 * stream held at its peak: what survived each collection, client and server together, sampled
 * every 5 ms, over what survived the one before it.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp rpc-benchmarks/target/benchmarks.jar io.minirpc.bench.StreamCompare \
 *     --items=1000000 --reps=5 [--direction=up]
 * </pre>
 */
public final class StreamCompare {
  private static final List<String> ALL =
      List.of("minirpc-kryo", "minirpc-json", "grpc", "grpc-direct");

  private StreamCompare() {}

  /** One system: streams {@code n} items, returns when the last arrived. */
  interface System_ extends AutoCloseable {
    void stream(long n) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      options.put(a.substring(2, eq), a.substring(eq + 1));
    }
    long items = Long.parseLong(options.getOrDefault("items", "1000000"));
    int reps = Integer.parseInt(options.getOrDefault("reps", "5"));
    List<String> names = Arrays.asList(options.getOrDefault("systems", String.join(",", ALL))
        .split(","));
    Map<String, System_> systems = new LinkedHashMap<>();
    boolean up = options.getOrDefault("direction", "down").equals("up");
    for (String name : names) {
      systems.put(name, up ? StreamUploads.start(name) : start(name));
    }
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    try {
      for (int rep = -1; rep < reps; rep++) { // rep -1 warms up
        for (Map.Entry<String, System_> e : systems.entrySet()) {
          double[] r = measure(e.getValue(), items);
          if (rep >= 0) {
            results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
            System.out.printf(Locale.ROOT, "RESULT system=%s rep=%d items_per_s=%.0f"
                + " peak_heap_mb=%.1f%n", e.getKey(), rep, r[0], r[1]);
          }
        }
      }
    } finally {
      for (System_ s : systems.values()) {
        s.close();
      }
    }
    double grpc = results.containsKey("grpc") ? median(results.get("grpc"), 0) : Double.NaN;
    System.out.printf(Locale.ROOT, "%n%d items a stream, median of %d runs (JDK %s, %d cores)%n",
        items, reps, Runtime.version(), Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "| system | items/s | vs gRPC | peak heap held, MB |%n");
    System.out.printf(Locale.ROOT, "|---|---|---|---|%n");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      double rate = median(e.getValue(), 0);
      System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f× | %.1f |%n", e.getKey(), rate,
          rate / grpc, median(e.getValue(), 1));
    }
  }

  private static double median(List<double[]> runs, int column) {
    double[] v = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Items a second, and the peak heap in use over the heap before, in MB. */
  private static double[] measure(System_ system, long items) throws Exception {
    System.gc();
    long before = liveHeap();
    AtomicLong peak = new AtomicLong(before);
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(liveHeap(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    long start = System.nanoTime();
    system.stream(items);
    long nanos = System.nanoTime() - start;
    sampler.interrupt();
    sampler.join();
    return new double[] {items * 1e9 / nanos, (peak.get() - before) / 1048576.0};
  }

  /**
   * The heap in use after the last collection, over all heap pools: what survived it, the
   * memory the streams hold rather than the garbage they made.
   */
  private static long liveHeap() {
    long used = 0;
    for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      java.lang.management.MemoryUsage after = pool.getCollectionUsage();
      if (pool.getType() == java.lang.management.MemoryType.HEAP && after != null) {
        used += after.getUsed();
      }
    }
    return used;
  }

  private static System_ start(String name) throws Exception {
    if (name.startsWith("minirpc-")) {
      return minirpc(name.substring("minirpc-".length()));
    }
    if (name.equals("grpc") || name.equals("grpc-direct")) {
      return grpc(name.equals("grpc-direct"));
    }
    throw new IllegalArgumentException("unknown system " + name + "; known: " + ALL);
  }

  /** The users of the minirpc server: pulled from a stream as the client's credit allows. */
  static final class Served implements UserStream {
    @Override
    public Flow.Publisher<io.minirpc.bench.model.User> users(long count) {
      return Streams.fromStream(LongStream.range(0, count).mapToObj(Users::user));
    }

    @Override
    public java.util.concurrent.CompletableFuture<Long> store(
        Flow.Publisher<io.minirpc.bench.model.User> users) {
      java.util.concurrent.CompletableFuture<Long> stored =
          new java.util.concurrent.CompletableFuture<>();
      users.subscribe(new Flow.Subscriber<>() {
        private long n;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          s.request(Long.MAX_VALUE); // the receiver's window bounds what is in flight
        }

        @Override
        public void onNext(io.minirpc.bench.model.User u) {
          n++;
        }

        @Override
        public void onError(Throwable t) {
          stored.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          stored.complete(n);
        }
      });
      return stored;
    }
  }

  private static System_ minirpc(String codec) {
    RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
        .register(UserStream.class, new Served()).build().start();
    RpcClient client = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(30)).build();
    UserStream users = client.proxy(UserStream.class);
    return new System_() {
      @Override
      public void stream(long n) throws Exception {
        Count count = new Count();
        users.users(n).subscribe(new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(io.minirpc.bench.model.User u) {
            count.item();
          }

          @Override
          public void onError(Throwable t) {
            count.end(t);
          }

          @Override
          public void onComplete() {
            count.end(null);
          }
        });
        count.await(n);
      }

      @Override
      public void close() {
        client.close();
        server.close();
      }
    };
  }

  /** gRPC's server: writes while the transport is ready, resumes when it is again. */
  static class GrpcServed extends UserStreamGrpc.UserStreamImplBase {
    @Override
    public void users(CountRequest request, StreamObserver<User> observer) {
      ServerCallStreamObserver<User> out = (ServerCallStreamObserver<User>) observer;
      long count = request.getCount();
      long[] next = {0};
      Runnable drain = () -> {
        while (out.isReady() && next[0] < count) {
          out.onNext(GrpcSystem.user(next[0]++));
        }
        if (next[0] == count) {
          next[0]++;
          out.onCompleted();
        }
      };
      out.setOnReadyHandler(drain);
      out.setOnCancelHandler(() -> next[0] = count + 1);
    }
  }

  private static System_ grpc(boolean direct) throws Exception {
    io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder b =
        io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
            .forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
            .addService(new GrpcServed());
    if (direct) {
      b.directExecutor();
    }
    Server server = b.build().start();
    ManagedChannel channel = GrpcSystem.channel("127.0.0.1", server.getPort(), direct);
    UserStreamGrpc.UserStreamStub stub = UserStreamGrpc.newStub(channel);
    return new System_() {
      @Override
      public void stream(long n) throws Exception {
        Count count = new Count();
        stub.users(CountRequest.newBuilder().setCount(n).build(), new StreamObserver<>() {
          @Override
          public void onNext(User u) {
            count.item();
          }

          @Override
          public void onError(Throwable t) {
            count.end(t);
          }

          @Override
          public void onCompleted() {
            count.end(null);
          }
        });
        count.await(n);
      }

      @Override
      public void close() throws Exception {
        GrpcSystem.close(channel);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    };
  }

  /** What one stream's consumer saw: its items counted, and how it ended. */
  private static final class Count {
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicLong got = new AtomicLong();
    private final AtomicReference<Throwable> failed = new AtomicReference<>();

    void item() {
      got.incrementAndGet();
    }

    /** The stream ended: with {@code error}, or completely if it is null. */
    void end(Throwable error) {
      failed.set(error);
      done.countDown();
    }

    /** Waits for the end, and checks that all {@code n} items came. */
    void await(long n) throws Exception {
      if (!done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the stream did not end in 10 minutes");
      }
      if (failed.get() != null) {
        throw new IllegalStateException("the stream failed", failed.get());
      }
      if (got.get() != n) {
        throw new IllegalStateException("got " + got.get() + " items of " + n);
      }
    }
  }
}
