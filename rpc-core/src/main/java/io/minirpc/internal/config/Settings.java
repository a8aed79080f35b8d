package io.minirpc.internal.config;

import io.minirpc.internal.protocol.Frames;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.BiConsumer;

/**
 * Every setting of a client or a server, with its default, and the one place that maps {@code
 * minirpc.*} Properties keys onto them. The builders of {@code RpcClient} and {@code RpcServer}
 * fill one of these; {@link #copy()} freezes it at {@code build()}.
 *
 * <p>Client and server accept the same keys, so one Properties file can configure both; a key
 * that only matters to the other side is accepted and ignored. An unknown {@code minirpc.*} key is
 * an error, because a misspelt key silently ignored is worse than a failed start.
 */
public final class Settings {
  public static final int DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(10);
  public static final int DEFAULT_SERVER_THREADS = 200;
  public static final int DEFAULT_SERVER_QUEUE = 1000;
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(20);
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_IN_FLIGHT = 4096;
  public static final int DEFAULT_MAX_QUEUED_CALLS = 1_000_000;
  public static final long DEFAULT_CLIENT_MAX_QUEUED_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_MAX_CALLS_PER_CONNECTION = 1000;
  public static final long DEFAULT_MAX_QUEUED_BYTES = 64L * 1024 * 1024;

  public static final String CODEC = "minirpc.codec";
  public static final String ADDRESS = "minirpc.address";
  public static final String HOST = "minirpc.host";
  public static final String PORT = "minirpc.port";
  public static final String TIMEOUT = "minirpc.timeout";
  public static final String CONNECT_TIMEOUT = "minirpc.connectTimeout";
  public static final String MAX_FRAME_SIZE = "minirpc.maxFrameSize";
  public static final String IO_THREADS = "minirpc.ioThreads";
  public static final String ALLOW = "minirpc.codec.allow";
  public static final String SERVER_THREADS = "minirpc.server.threads";
  public static final String SERVER_QUEUE = "minirpc.server.queue";
  public static final String GRACE_PERIOD = "minirpc.server.gracePeriod";
  public static final String SEND_STACK_TRACES = "minirpc.server.sendStackTraces";
  public static final String PROPAGATE_DEADLINE = "minirpc.propagateDeadline";
  public static final String HEARTBEAT_INTERVAL = "minirpc.heartbeatInterval";
  public static final String IDLE_TIMEOUT = "minirpc.idleTimeout";
  public static final String CONNECTIONS = "minirpc.connections";
  public static final String INITIAL_BACKOFF = "minirpc.reconnect.initialBackoff";
  public static final String MAX_BACKOFF = "minirpc.reconnect.maxBackoff";
  public static final String FAIL_FAST = "minirpc.failFast";
  public static final String WAIT_FOR_READY = "minirpc.waitForReady";
  public static final String CLIENT_MAX_QUEUED_BYTES = "minirpc.maxQueuedBytes";
  public static final String MAX_IN_FLIGHT = "minirpc.maxInFlight";
  public static final String FAIL_WHEN_BUSY = "minirpc.failWhenBusy";
  public static final String MAX_QUEUED_CALLS = "minirpc.maxQueuedCalls";
  public static final String MAX_CALLS_PER_CONNECTION = "minirpc.server.maxCallsPerConnection";
  public static final String MAX_QUEUED_BYTES = "minirpc.server.maxQueuedBytes";
  public static final String DIRECT_EXECUTOR = "minirpc.server.directExecutor";
  /**
   * A family of keys: {@code minirpc.server.rateLimit.com.example.Search=500} limits a service,
   * {@code ...Search#query=50} every method of that name, to calls per second.
   */
  public static final String RATE_LIMIT_PREFIX = "minirpc.server.rateLimit.";
  /** A family of keys: {@code minirpc.metadata.tenant=acme} sends metadata {@code tenant=acme}. */
  public static final String METADATA_PREFIX = "minirpc.metadata.";

  private static final Map<String, BiConsumer<Settings, String>> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put(CODEC, (s, v) -> s.codecs(splitList(v)));
    KEYS.put(ADDRESS, Settings::parseAddress);
    KEYS.put(HOST, (s, v) -> s.host(v.trim()));
    KEYS.put(PORT, (s, v) -> s.port(parseInt(PORT, v)));
    KEYS.put(TIMEOUT, (s, v) -> s.timeout(Durations.parse(TIMEOUT, v)));
    KEYS.put(CONNECT_TIMEOUT, (s, v) -> s.connectTimeout(Durations.parse(CONNECT_TIMEOUT, v)));
    KEYS.put(MAX_FRAME_SIZE, (s, v) -> s.maxFrameSize(Sizes.parse(MAX_FRAME_SIZE, v)));
    KEYS.put(IO_THREADS, (s, v) -> s.ioThreads(parseInt(IO_THREADS, v)));
    KEYS.put(ALLOW, (s, v) -> s.allowedClassNames(splitList(v)));
    KEYS.put(SERVER_THREADS, (s, v) -> s.serverThreads(parseInt(SERVER_THREADS, v)));
    KEYS.put(SERVER_QUEUE, (s, v) -> s.serverQueue(parseInt(SERVER_QUEUE, v)));
    KEYS.put(GRACE_PERIOD, (s, v) -> s.gracePeriod(Durations.parse(GRACE_PERIOD, v)));
    KEYS.put(SEND_STACK_TRACES, (s, v) -> s.sendStackTraces(parseBoolean(SEND_STACK_TRACES, v)));
    KEYS.put(
        PROPAGATE_DEADLINE, (s, v) -> s.propagateDeadline(parseBoolean(PROPAGATE_DEADLINE, v)));
    KEYS.put(HEARTBEAT_INTERVAL,
        (s, v) -> s.heartbeatInterval(Durations.parse(HEARTBEAT_INTERVAL, v)));
    KEYS.put(IDLE_TIMEOUT, (s, v) -> s.idleTimeout(Durations.parse(IDLE_TIMEOUT, v)));
    KEYS.put(CONNECTIONS, (s, v) -> s.connections(parseInt(CONNECTIONS, v)));
    KEYS.put(INITIAL_BACKOFF, (s, v) -> s.reconnectBackoff(
        Durations.parse(INITIAL_BACKOFF, v), s.maxBackoff));
    KEYS.put(MAX_BACKOFF, (s, v) -> s.reconnectBackoff(
        s.initialBackoff, Durations.parse(MAX_BACKOFF, v)));
    KEYS.put(FAIL_FAST, (s, v) -> s.failFast(parseBoolean(FAIL_FAST, v)));
    KEYS.put(WAIT_FOR_READY, (s, v) -> s.waitForReady(parseBoolean(WAIT_FOR_READY, v)));
    KEYS.put(CLIENT_MAX_QUEUED_BYTES,
        (s, v) -> s.maxQueuedRequestBytes(Sizes.parse(CLIENT_MAX_QUEUED_BYTES, v)));
    KEYS.put(MAX_IN_FLIGHT, (s, v) -> s.maxInFlight(parseInt(MAX_IN_FLIGHT, v)));
    KEYS.put(FAIL_WHEN_BUSY, (s, v) -> s.failWhenBusy(parseBoolean(FAIL_WHEN_BUSY, v)));
    KEYS.put(MAX_QUEUED_CALLS, (s, v) -> s.maxQueuedCalls(parseInt(MAX_QUEUED_CALLS, v)));
    KEYS.put(MAX_CALLS_PER_CONNECTION,
        (s, v) -> s.maxCallsPerConnection(parseInt(MAX_CALLS_PER_CONNECTION, v)));
    KEYS.put(MAX_QUEUED_BYTES, (s, v) -> s.maxQueuedBytes(Sizes.parse(MAX_QUEUED_BYTES, v)));
    KEYS.put(DIRECT_EXECUTOR, (s, v) -> s.directExecutor(parseBoolean(DIRECT_EXECUTOR, v)));
  }

  private List<String> codecs = List.of();
  private String host;
  private int port = -1;
  private Duration timeout = DEFAULT_TIMEOUT;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  private int ioThreads;
  private List<String> allowedClassNames = List.of();
  private final List<Class<?>> allowedClasses = new ArrayList<>();
  private int serverThreads = DEFAULT_SERVER_THREADS;
  private int serverQueue = DEFAULT_SERVER_QUEUE;
  private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
  private boolean sendStackTraces = true;
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private boolean propagateDeadline = true;
  private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
  private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
  private int connections = 1;
  private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
  private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
  private boolean failFast = true;
  private long maxQueuedRequestBytes = DEFAULT_CLIENT_MAX_QUEUED_BYTES;
  private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
  private boolean failWhenBusy;
  private int maxQueuedCalls = DEFAULT_MAX_QUEUED_CALLS;
  private int maxCallsPerConnection = DEFAULT_MAX_CALLS_PER_CONNECTION;
  private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
  private final Map<String, Double> rateLimits = new LinkedHashMap<>();
  private boolean directExecutor;

  /** Every key this version understands, in documentation order. */
  public static List<String> keys() {
    return List.copyOf(KEYS.keySet());
  }

  /**
   * Applies every {@code minirpc.*} key found in {@code properties}; other keys are ignored, so
   * {@code System.getProperties()} can be passed as is.
   *
   * @throws IllegalArgumentException for an unknown {@code minirpc.*} key or a bad value, naming
   *     the key
   */
  public void apply(Properties properties) {
    Objects.requireNonNull(properties, "properties == null");
    for (String key : properties.stringPropertyNames()) {
      if (!key.startsWith("minirpc.")) {
        continue;
      }
      if (key.startsWith(RATE_LIMIT_PREFIX)) {
        rateLimit(key.substring(RATE_LIMIT_PREFIX.length()),
            parseRate(key, properties.getProperty(key)));
        continue;
      }
      if (key.startsWith(METADATA_PREFIX)) {
        metadata(key.substring(METADATA_PREFIX.length()), properties.getProperty(key));
        continue;
      }
      BiConsumer<Settings, String> setter = KEYS.get(key);
      if (setter == null) {
        throw new IllegalArgumentException(
            "Unknown setting '" + key + "'. Known settings: " + String.join(", ", KEYS.keySet()));
      }
      setter.accept(this, properties.getProperty(key));
    }
  }

  /** An independent copy, for a built client or server that must not see later builder calls. */
  public Settings copy() {
    Settings c = new Settings();
    c.codecs = codecs;
    c.host = host;
    c.port = port;
    c.timeout = timeout;
    c.connectTimeout = connectTimeout;
    c.maxFrameSize = maxFrameSize;
    c.ioThreads = ioThreads;
    c.allowedClassNames = allowedClassNames;
    c.allowedClasses.addAll(allowedClasses);
    c.serverThreads = serverThreads;
    c.serverQueue = serverQueue;
    c.gracePeriod = gracePeriod;
    c.sendStackTraces = sendStackTraces;
    c.metadata.putAll(metadata);
    c.propagateDeadline = propagateDeadline;
    c.heartbeatInterval = heartbeatInterval;
    c.idleTimeout = idleTimeout;
    c.connections = connections;
    c.initialBackoff = initialBackoff;
    c.maxBackoff = maxBackoff;
    c.failFast = failFast;
    c.maxQueuedRequestBytes = maxQueuedRequestBytes;
    c.maxInFlight = maxInFlight;
    c.failWhenBusy = failWhenBusy;
    c.maxQueuedCalls = maxQueuedCalls;
    c.maxCallsPerConnection = maxCallsPerConnection;
    c.maxQueuedBytes = maxQueuedBytes;
    c.rateLimits.putAll(rateLimits);
    c.directExecutor = directExecutor;
    return c;
  }

  // ---- setters: each checks its argument where it enters, naming it and echoing the value ----

  public void codecs(List<String> names) {
    Objects.requireNonNull(names, "codec == null");
    List<String> normalized = new ArrayList<>();
    for (String name : names) {
      Objects.requireNonNull(name, "codec == null");
      String n = name.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty()) {
        throw new IllegalArgumentException("codec name is empty");
      }
      normalized.add(n);
    }
    this.codecs = List.copyOf(normalized);
  }

  public void host(String host) {
    Objects.requireNonNull(host, "host == null");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host is empty");
    }
    this.host = host;
  }

  public void port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port (" + port + ") must be between 0 and 65535");
    }
    this.port = port;
  }

  public void timeout(Duration timeout) {
    this.timeout = positive(timeout, "timeout");
  }

  public void connectTimeout(Duration connectTimeout) {
    this.connectTimeout = positive(connectTimeout, "connectTimeout");
  }

  public void maxFrameSize(int bytes) {
    // The fixed frame header alone is 22 bytes; anything below 1 KiB cannot carry a useful call.
    if (bytes < 1024) {
      throw new IllegalArgumentException(
          "maxFrameSize (" + bytes + ") must be at least 1024 bytes");
    }
    this.maxFrameSize = bytes;
  }

  public void ioThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("ioThreads (" + threads + ") must be at least 1");
    }
    this.ioThreads = threads;
  }

  public void allowedClassNames(List<String> names) {
    this.allowedClassNames = List.copyOf(names);
  }

  public void allowClasses(Class<?>... classes) {
    Objects.requireNonNull(classes, "classes == null");
    for (Class<?> c : classes) {
      allowedClasses.add(Objects.requireNonNull(c, "class == null"));
    }
  }

  public void serverThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads (" + threads + ") must be at least 1");
    }
    this.serverThreads = threads;
  }

  public void serverQueue(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("queue (" + capacity + ") must not be negative");
    }
    this.serverQueue = capacity;
  }

  public void gracePeriod(Duration gracePeriod) {
    Objects.requireNonNull(gracePeriod, "gracePeriod == null");
    if (gracePeriod.isNegative()) {
      throw new IllegalArgumentException("gracePeriod (" + gracePeriod + ") must not be negative");
    }
    this.gracePeriod = gracePeriod;
  }

  public void sendStackTraces(boolean send) {
    this.sendStackTraces = send;
  }

  public void heartbeatInterval(Duration interval) {
    this.heartbeatInterval = positive(interval, "heartbeatInterval");
  }

  public void idleTimeout(Duration timeout) {
    this.idleTimeout = positive(timeout, "idleTimeout");
  }

  /** A ping interval must leave room for at least one missed ping before the idle timeout. */
  public void checkHeartbeat() {
    if (heartbeatInterval.compareTo(idleTimeout) >= 0) {
      throw new IllegalArgumentException(
          HEARTBEAT_INTERVAL + " (" + heartbeatInterval + ") must be shorter than " + IDLE_TIMEOUT
              + " (" + idleTimeout + "), or a healthy idle connection would be closed");
    }
  }

  public void connections(int connections) {
    if (connections < 1 || connections > 64) {
      throw new IllegalArgumentException(
          "connections (" + connections + ") must be between 1 and 64");
    }
    this.connections = connections;
  }

  public void reconnectBackoff(Duration initial, Duration max) {
    positive(initial, "initial reconnect backoff");
    positive(max, "maximum reconnect backoff");
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("maximum reconnect backoff (" + max
          + ") is shorter than the initial backoff (" + initial + ")");
    }
    this.initialBackoff = initial;
    this.maxBackoff = max;
  }

  public void failFast(boolean failFast) {
    this.failFast = failFast;
  }

  public void maxInFlight(int calls) {
    if (calls < 1) {
      throw new IllegalArgumentException("maxInFlight (" + calls + ") must be at least 1");
    }
    this.maxInFlight = calls;
  }

  public void failWhenBusy(boolean fail) {
    this.failWhenBusy = fail;
  }

  public void maxQueuedCalls(int calls) {
    if (calls < 0) {
      throw new IllegalArgumentException("maxQueuedCalls (" + calls + ") must not be negative");
    }
    this.maxQueuedCalls = calls;
  }

  public void maxCallsPerConnection(int calls) {
    if (calls < 1) {
      throw new IllegalArgumentException(
          "maxCallsPerConnection (" + calls + ") must be at least 1");
    }
    this.maxCallsPerConnection = calls;
  }

  public void maxQueuedBytes(long bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException(
          "maxQueuedBytes (" + bytes + ") must be at least 1024 bytes");
    }
    this.maxQueuedBytes = bytes;
  }

  /**
   * Limits {@code target} to {@code perSecond} calls per second: a service's binary name, or
   * {@code service#method} for the methods of that name (or {@code service#method(int,int)} for
   * one overload).
   */
  public void rateLimit(String target, double perSecond) {
    Objects.requireNonNull(target, "rate limit target == null");
    if (target.isBlank()) {
      throw new IllegalArgumentException("rate limit target is empty");
    }
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException(
          "rate limit of " + target + " (" + perSecond + ") must be a positive number");
    }
    rateLimits.put(target.trim(), perSecond);
  }

  public void directExecutor(boolean direct) {
    this.directExecutor = direct;
  }

  // ---- getters ----

  public boolean directExecutor() {
    return directExecutor;
  }

  /** Rate limits by target (see {@link #rateLimit}), in the order they were set. */
  public Map<String, Double> rateLimits() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(rateLimits));
  }

  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public int connections() {
    return connections;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public boolean failFast() {
    return failFast;
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  public boolean failWhenBusy() {
    return failWhenBusy;
  }

  /** Whether calls wait for a connection within their timeout when none can be made. */
  public boolean waitForReady() {
    return !failFast;
  }

  public void waitForReady(boolean waitForReady) {
    this.failFast = !waitForReady;
  }

  /** Bytes of encoded requests a client holds while they wait for a connection or for room. */
  public long maxQueuedRequestBytes() {
    return maxQueuedRequestBytes;
  }

  public void maxQueuedRequestBytes(long bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException(
          "maxQueuedBytes (" + bytes + ") must be at least 1024 bytes");
    }
    this.maxQueuedRequestBytes = bytes;
  }

  public int maxQueuedCalls() {
    return maxQueuedCalls;
  }

  public int maxCallsPerConnection() {
    return maxCallsPerConnection;
  }

  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /** Adds one metadata entry sent with every call; a later value for the same key replaces it. */
  public void metadata(String key, String value) {
    checkMetadata(key, value);
    metadata.put(key, value);
  }

  /** Checks one metadata entry, wherever it is set. */
  public static void checkMetadata(String key, String value) {
    Objects.requireNonNull(key, "metadata key == null");
    Objects.requireNonNull(value, "metadata value for '" + key + "' == null");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("metadata key must not be empty");
    }
    for (String part : new String[] {key, value}) {
      if (part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Frames.MAX_STRING_BYTES) {
        throw new IllegalArgumentException(
            "metadata '" + Frames.truncate(key, 40) + "' is longer than 65535 UTF-8 bytes");
      }
    }
  }

  public void propagateDeadline(boolean propagate) {
    this.propagateDeadline = propagate;
  }

  public boolean propagateDeadline() {
    return propagateDeadline;
  }

  /** The metadata sent with every call, in insertion order; unmodifiable. */
  public Map<String, String> metadata() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  public List<String> codecs() {
    return codecs;
  }

  /** The configured host, or {@code null} if none was set. */
  public String host() {
    return host;
  }

  /** The configured port, or -1 if none was set. */
  public int port() {
    return port;
  }

  public Duration timeout() {
    return timeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public int maxFrameSize() {
    return maxFrameSize;
  }

  /** The configured number of I/O threads, or 0 for the default. */
  public int ioThreads() {
    return ioThreads;
  }

  public List<String> allowedClassNames() {
    return allowedClassNames;
  }

  public List<Class<?>> allowedClasses() {
    return Collections.unmodifiableList(allowedClasses);
  }

  public int serverThreads() {
    return serverThreads;
  }

  public int serverQueue() {
    return serverQueue;
  }

  public Duration gracePeriod() {
    return gracePeriod;
  }

  public boolean sendStackTraces() {
    return sendStackTraces;
  }

  // ---- parsing helpers ----

  private static void parseAddress(Settings s, String value) {
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    if (colon <= 0 || colon == v.length() - 1) {
      throw new IllegalArgumentException(
          ADDRESS + " = '" + value + "' is not host:port (for example 127.0.0.1:4242)");
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    s.host(host);
    s.port(parseInt(ADDRESS, v.substring(colon + 1)));
  }

  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " = '" + value + "' is not a whole number");
    }
  }

  private static double parseRate(String key, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " = '" + value + "' is not a number of calls per"
          + " second");
    }
  }

  private static boolean parseBoolean(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException(key + " = '" + value + "' is not true or false");
  }

  private static List<String> splitList(String value) {
    List<String> out = new ArrayList<>();
    for (String part : Arrays.asList(value.split(","))) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " (" + d + ") must be positive");
    }
    return d;
  }
}
