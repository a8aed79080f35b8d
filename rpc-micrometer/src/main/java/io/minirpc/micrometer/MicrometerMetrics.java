package io.minirpc.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.minirpc.RpcException;
import io.minirpc.metrics.CallObserver;
import io.minirpc.metrics.Refusal;
import io.minirpc.metrics.RpcObserver;
import io.minirpc.metrics.ServerGauges;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Micrometer meters for one minirpc server or client: give it to the builder's {@code observer}.
 *
 * <pre>{@code
 * MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * RpcServer server = RpcServer.builder()
 *     .observer(MicrometerMetrics.server(registry))
 *     .register(Calculator.class, new CalculatorImpl())
 *     .build()
 *     .start();
 * RpcClient client = RpcClient.builder()
 *     .observer(MicrometerMetrics.builder(registry).percentiles(0.5, 0.99).client())
 *     .address("127.0.0.1", server.port())
 *     .build();
 * }</pre>
 *
 * <p>The meters, {@code SIDE} being {@code server} or {@code client}:
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code minirpc.SIDE.calls}</td><td>timer</td>
 *     <td>{@code service}, {@code method}, {@code code}, {@code outcome}</td>
 *     <td>calls that ended, and how long they took; {@code code} is {@code OK} or the {@link
 *     RpcException.Code} ({@code APPLICATION} for the application's own exceptions), {@code
 *     outcome} {@code SUCCESS} or {@code ERROR}</td></tr>
 *   <tr><td>{@code minirpc.SIDE.calls.active}</td><td>gauge</td><td>{@code service}, {@code
 *     method}</td><td>calls in flight: on a client waiting for a connection or an answer, on a
 *     server running</td></tr>
 *   <tr><td>{@code minirpc.SIDE.connections}</td><td>gauge</td><td></td><td>open
 *     connections</td></tr>
 *   <tr><td>{@code minirpc.SIDE.received}, {@code minirpc.SIDE.sent}</td><td>counter,
 *     bytes</td><td></td><td>bytes in and out on the wire, TLS included</td></tr>
 *   <tr><td>{@code minirpc.server.refused}</td><td>counter</td><td>{@code service}, {@code
 *     method}, {@code code}, {@code reason}</td><td>requests refused before they ran; {@code
 *     reason} is a {@link Refusal} in lower case ({@code rate_limit}, {@code worker_queue},
 *     {@code memory}, ...), {@code service} and {@code method} are {@code unknown} when the
 *     request named no registered method</td></tr>
 *   <tr><td>{@code minirpc.server.calls.queued}</td><td>gauge</td><td></td><td>calls waiting for
 *     a worker</td></tr>
 *   <tr><td>{@code minirpc.server.memory.used}</td><td>gauge, bytes</td><td></td><td>memory that
 *     requests hold ({@code minirpc.server.maxMemory})</td></tr>
 * </table>
 *
 * <p>{@code service} is the interface's binary name and {@code method} the method's name with
 * its parameter types, {@code add(int,int)}, so overloads are told apart. Latency percentiles and
 * histogram buckets are off by default, as in Micrometer, and set with {@link
 * Builder#percentiles} and {@link Builder#histogram}, or with the registry's {@code MeterFilter}s.
 *
 * <p>One instance serves one client or one server. Two servers (or two clients) of one process
 * that share a registry need {@link Builder#tags} to tell them apart: Micrometer keeps the first
 * gauge registered under a name and tags.
 */
public final class MicrometerMetrics implements RpcObserver {
  private static final RpcException.Code[] CODES = RpcException.Code.values();
  private static final String UNKNOWN = "unknown";

  private final MeterRegistry registry;
  private final String prefix;
  private final Tags tags;
  private final double[] percentiles;
  private final boolean histogram;
  private final AtomicInteger connections = new AtomicInteger();
  private final Counter received;
  private final Counter sent;
  /** Refusal counters by method name, reason and code; few, made on first use. */
  private final Map<String, Counter> refusals = new ConcurrentHashMap<>();

  private MicrometerMetrics(Builder b, String side) {
    this.registry = b.registry;
    this.prefix = "minirpc." + side;
    this.tags = b.tags;
    this.percentiles = b.percentiles.clone();
    this.histogram = b.histogram;
    Gauge.builder(prefix + ".connections", connections, AtomicInteger::get)
        .tags(tags).description("open connections")
        .strongReference(true).register(registry);
    this.received = Counter.builder(prefix + ".received").tags(tags).baseUnit("bytes")
        .description("bytes received, TLS included").register(registry);
    this.sent = Counter.builder(prefix + ".sent").tags(tags).baseUnit("bytes")
        .description("bytes sent, TLS included").register(registry);
  }

  /**
   * Meters for a server, with the defaults of {@link Builder}.
   *
   * @param registry where the meters go; not owned
   * @return the observer for {@code RpcServer.Builder.observer}
   */
  public static MicrometerMetrics server(MeterRegistry registry) {
    return builder(registry).server();
  }

  /**
   * Meters for a client, with the defaults of {@link Builder}.
   *
   * @param registry where the meters go; not owned
   * @return the observer for {@code RpcClient.Builder.observer}
   */
  public static MicrometerMetrics client(MeterRegistry registry) {
    return builder(registry).client();
  }

  /**
   * A builder of meters in {@code registry}, which it does not own.
   *
   * @param registry where the meters go
   * @return a builder with every option at its default
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(Objects.requireNonNull(registry, "registry == null"));
  }

  @Override
  public CallObserver forMethod(String service, String method) {
    return new MethodMeters(tags.and("service", service, "method", method));
  }

  @Override
  public void connectionOpened() {
    connections.incrementAndGet();
  }

  @Override
  public void connectionClosed() {
    connections.decrementAndGet();
  }

  @Override
  public void bytesRead(long bytes) {
    received.increment(bytes);
  }

  @Override
  public void bytesWritten(long bytes) {
    sent.increment(bytes);
  }

  @Override
  public void refused(String service, String method, RpcException.Code code, Refusal reason) {
    String s = service == null ? UNKNOWN : service;
    String m = method == null ? UNKNOWN : method;
    String key = s + '\n' + m + '\n' + code + '\n' + reason;
    Counter c = refusals.get(key);
    if (c == null) {
      c = refusals.computeIfAbsent(key, k -> Counter.builder(prefix + ".refused")
          .tags(tags).tag("service", s).tag("method", m).tag("code", code.name())
          .tag("reason", reason.name().toLowerCase(Locale.ROOT))
          .description("requests refused before they ran").register(registry));
    }
    c.increment();
  }

  @Override
  public void serverStarted(ServerGauges server) {
    Gauge.builder(prefix + ".calls.queued", server, ServerGauges::queuedCalls).tags(tags)
        .description("calls waiting for a worker").register(registry);
    Gauge.builder(prefix + ".memory.used", server, ServerGauges::memoryInUse).tags(tags)
        .description("memory that requests hold").baseUnit("bytes").register(registry);
  }

  /** One method's meters: a gauge of calls in flight, a timer per code, made on first use. */
  private final class MethodMeters implements CallObserver {
    private final Tags methodTags;
    private final AtomicInteger active = new AtomicInteger();
    /** Index 0: succeeded; 1 + ordinal: failed with that code. */
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(CODES.length + 1);
    /** Items of the method's streams; made on the first, so other methods have none. */
    private volatile Counter items;

    MethodMeters(Tags methodTags) {
      this.methodTags = methodTags;
      Gauge.builder(prefix + ".calls.active", active, AtomicInteger::get).tags(methodTags)
          .description("calls in flight").strongReference(true)
          .register(registry);
    }

    @Override
    public void started() {
      active.incrementAndGet();
    }

    @Override
    public void ended(long nanos, RpcException.Code code, Throwable error) {
      active.decrementAndGet();
      timer(code).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void item() {
      Counter c = items;
      if (c == null) {
        // Registering an existing id returns the same counter, so a race makes no second one.
        c = Counter.builder(prefix + ".stream.items").tags(methodTags)
            .description("items of streams: sent by a server, handed to subscribers by a client")
            .register(registry);
        items = c;
      }
      c.increment();
    }

    private Timer timer(RpcException.Code code) {
      int i = code == null ? 0 : code.ordinal() + 1;
      Timer t = timers.get(i);
      if (t == null) {
        // Registering an existing id returns the same timer, so a race makes no second one.
        t = Timer.builder(prefix + ".calls").tags(methodTags)
            .tag("code", code == null ? "OK" : code.name())
            .tag("outcome", code == null ? "SUCCESS" : "ERROR")
            .description("calls that ended, by how")
            .publishPercentiles(percentiles)
            .publishPercentileHistogram(histogram)
            .register(registry);
        timers.set(i, t);
      }
      return t;
    }
  }

  /** How the meters are made: percentiles, histogram, common tags. Not thread-safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private double[] percentiles = new double[0];
    private boolean histogram;

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * Latency percentiles each timer computes in the process, such as {@code 0.5, 0.99}
     * (Micrometer's {@code publishPercentiles}: exact per process, not aggregable). Default none.
     *
     * @param percentiles each between 0 and 1
     * @return this builder
     * @throws IllegalArgumentException for a value outside [0, 1]
     */
    public Builder percentiles(double... percentiles) {
      for (double p : percentiles) {
        if (!(p >= 0 && p <= 1)) {
          throw new IllegalArgumentException("percentile (" + p + ") must be between 0 and 1");
        }
      }
      this.percentiles = percentiles.clone();
      return this;
    }

    /**
     * Whether each timer publishes histogram buckets (Micrometer's {@code
     * publishPercentileHistogram}), from which Prometheus computes percentiles across
     * processes with {@code histogram_quantile}. Default false.
     *
     * @param histogram whether to publish the buckets
     * @return this builder
     */
    public Builder histogram(boolean histogram) {
      this.histogram = histogram;
      return this;
    }

    /**
     * Tags added to every meter, as key, value pairs: {@code tags("server", "orders")}.
     *
     * @param keyValues an even number of strings: key, value, key, value...
     * @return this builder
     */
    public Builder tags(String... keyValues) {
      this.tags = this.tags.and(keyValues);
      return this;
    }

    /**
     * Tags added to every meter.
     *
     * @param tags the tags
     * @return this builder
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(tags);
      return this;
    }

    /**
     * Meters named {@code minirpc.server.*}.
     *
     * @return the observer for {@code RpcServer.Builder.observer}
     */
    public MicrometerMetrics server() {
      return new MicrometerMetrics(this, "server");
    }

    /**
     * Meters named {@code minirpc.client.*}.
     *
     * @return the observer for {@code RpcClient.Builder.observer}
     */
    public MicrometerMetrics client() {
      return new MicrometerMetrics(this, "client");
    }
  }
}
