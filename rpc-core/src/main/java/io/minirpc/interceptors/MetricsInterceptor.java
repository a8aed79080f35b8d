package io.minirpc.interceptors;

import io.minirpc.ClientCall;
import io.minirpc.ClientInterceptor;
import io.minirpc.RpcException;
import io.minirpc.ServerCall;
import io.minirpc.ServerInterceptor;
import io.minirpc.metrics.CallObserver;
import io.minirpc.metrics.RpcObserver;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts calls, failures by {@link RpcException.Code}, and latency per method, lock-free. Install
 * one instance on a client or a server (or one per side; one instance on both sides of the same
 * process would add them up) and read it with {@link #snapshot()}:
 *
 * <pre>{@code
 * MetricsInterceptor metrics = new MetricsInterceptor();
 * RpcServer server = RpcServer.builder().intercept(metrics)...;
 * ...
 * MethodStats add = metrics.snapshot().get("com.example.Calculator.add(int,int)");
 * add.calls(); add.errors(RpcException.Code.TIMEOUT); add.p99();
 * log.info("calls:\n{}", metrics);   // one line per method
 * }</pre>
 *
 * <p>Latency is kept in a log-linear histogram (eight buckets per power of two of microseconds),
 * so percentiles are within 12.5%; the maximum is exact.
 *
 * <p>It is an {@link RpcObserver} that keeps its counts in memory: calls are measured by the same
 * code that measures them for any observer (such as {@code io.minirpc:rpc-micrometer}'s), so
 * {@code builder.observer(metrics)} counts the same as {@code builder.intercept(metrics)}.
 */
public final class MetricsInterceptor
    implements ClientInterceptor, ServerInterceptor, RpcObserver {
  private final Map<String, Meter> meters = new ConcurrentHashMap<>();
  private final ObservingInterceptor measuring = new ObservingInterceptor(this);

  @Override
  public CompletionStage<Object> intercept(ClientCall call, ClientInterceptor.Next next) {
    return measuring.intercept(call, next);
  }

  @Override
  public CompletionStage<Object> intercept(ServerCall call, ServerInterceptor.Next next) {
    return measuring.intercept(call, next);
  }

  /** The counters of a method; asked once per method by the measuring interceptor. */
  @Override
  public CallObserver forMethod(String service, String method) {
    String name = service + "." + method;
    return meters.computeIfAbsent(name, Meter::new);
  }

  /** What was measured so far, by method name, sorted. */
  public Map<String, MethodStats> snapshot() {
    Map<String, MethodStats> out = new TreeMap<>();
    for (Meter m : meters.values()) {
      out.put(m.name, m.stats());
    }
    return Collections.unmodifiableMap(out);
  }

  /** One line per method, as {@link MethodStats#toString()}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (MethodStats s : snapshot().values()) {
      b.append(s).append('\n');
    }
    return b.toString();
  }

  /** The counters of one method. */
  private static final class Meter implements CallObserver {
    private static final RpcException.Code[] CODES = RpcException.Code.values();
    private static final int SUB_BUCKETS = 8;
    private static final int LINEAR = 16;
    private static final int BUCKETS = LINEAR + (64 - 4) * SUB_BUCKETS;

    final String name;
    private final LongAdder calls = new LongAdder();
    private final LongAdder[] errors = new LongAdder[CODES.length];
    private final LongAdder totalNanos = new LongAdder();
    private final LongAdder items = new LongAdder();
    private final AtomicLong maxNanos = new AtomicLong();
    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);

    Meter(String name) {
      this.name = name;
      for (int i = 0; i < errors.length; i++) {
        errors[i] = new LongAdder();
      }
    }

    @Override
    public void started() {}

    @Override
    public void item() {
      items.increment();
    }

    @Override
    public void ended(long nanos, RpcException.Code code, Throwable error) {
      calls.increment();
      if (code != null) {
        errors[code.ordinal()].increment();
      }
      totalNanos.add(nanos);
      maxNanos.accumulateAndGet(nanos, Math::max);
      histogram.incrementAndGet(bucket(Math.max(0, nanos / 1000)));
    }

    /** Values below 16 us have a bucket each; above, eight buckets per power of two. */
    static int bucket(long micros) {
      if (micros < LINEAR) {
        return (int) micros;
      }
      int exponent = 63 - Long.numberOfLeadingZeros(micros); // >= 4
      int sub = (int) (micros >>> (exponent - 3)) & (SUB_BUCKETS - 1);
      return LINEAR + (exponent - 4) * SUB_BUCKETS + sub;
    }

    /** The largest value in a bucket, in microseconds. */
    static long upperBound(int bucket) {
      if (bucket < LINEAR) {
        return bucket;
      }
      int exponent = (bucket - LINEAR) / SUB_BUCKETS + 4;
      int sub = (bucket - LINEAR) % SUB_BUCKETS;
      long base = 1L << exponent;
      long width = base / SUB_BUCKETS;
      return base + (sub + 1) * width - 1;
    }

    MethodStats stats() {
      long[] counts = new long[BUCKETS];
      long total = 0;
      for (int i = 0; i < BUCKETS; i++) {
        counts[i] = histogram.get(i);
        total += counts[i];
      }
      Map<RpcException.Code, Long> byCode = new EnumMap<>(RpcException.Code.class);
      for (int i = 0; i < CODES.length; i++) {
        long n = errors[i].sum();
        if (n > 0) {
          byCode.put(CODES[i], n);
        }
      }
      long n = calls.sum();
      long max = maxNanos.get();
      return new MethodStats(name, n, Collections.unmodifiableMap(byCode),
          percentile(counts, total, 0.50, max), percentile(counts, total, 0.99, max),
          Duration.ofNanos(max), Duration.ofNanos(n == 0 ? 0 : totalNanos.sum() / n),
          items.sum());
    }

    private static Duration percentile(long[] counts, long total, double q, long maxNanos) {
      if (total == 0) {
        return Duration.ZERO;
      }
      long rank = (long) Math.ceil(q * total);
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return Duration.ofNanos(Math.min(maxNanos, upperBound(i) * 1000 + 999));
        }
      }
      return Duration.ofNanos(maxNanos);
    }
  }
}
