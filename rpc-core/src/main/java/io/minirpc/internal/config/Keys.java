package io.minirpc.internal.config;

import static io.minirpc.internal.config.Side.BOTH;
import static io.minirpc.internal.config.Side.CLIENT;
import static io.minirpc.internal.config.Side.SERVER;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every setting of minirpc, declared once, in the order of the configuration table: the one place
 * to add a setting. Adding one takes its declaration here, its use ({@code config.get(Keys.X)} on
 * the {@link ClientConfig} or {@link ServerConfig}, which are views of this table), its builder
 * method (BuildersFollowTheKeyTableTest checks builders and table against each other) and a sample
 * in SettingsTest; docs/configuration.md and the Spring Boot metadata are rendered from here.
 *
 * <p>Both sides accept every key, so one Properties file can configure a client and a server; a
 * key of the other side is checked and ignored. {@code minirpc.codec} is declared twice because
 * it means one codec to a client and a list to a server.
 */
public final class Keys {
  private static final List<Object> TABLE = new ArrayList<>();

  public static final Key<List<String>> CODEC =
      Key.define("minirpc.codec", CLIENT, ValueType.LIST, List.<String>of())
          .defaultText("the only installed codec, else `json`")
          .builder("codec(String)")
          .meaning("the codec the client speaks")
          .check(Keys::codecNames)
          .register(TABLE);

  public static final Key<List<String>> CODECS =
      Key.define("minirpc.codec", SERVER, ValueType.LIST, List.<String>of())
          .defaultText("every installed codec")
          .builder("codecs(String...)")
          .meaning("comma-separated codecs the server lists and accepts, exactly; a client"
              + " offering none of them gets GOAWAY at its handshake")
          .check(Keys::codecNames)
          .register(TABLE);

  public static final Key<Target> ADDRESS =
      Key.define("minirpc.address", CLIENT, ValueType.TARGET, (Target) null)
          .defaultText("required")
          .builder("address(host, port)")
          .meaning("the server, `host:port` (`[::1]:4242` for IPv6); or several,"
              + " `host1:4242,host2:4242`; or a discovery URI, `dns:///name:4242` or"
              + " `zookeeper://zk1:2181/minirpc/orders` (see Fleets); or `local:NAME`, the server"
              + " of that name in this JVM over the local transport (see Testing your services)")
          .check(a -> Objects.requireNonNull(a, "address == null"))
          .register(TABLE);

  public static final Key<String> HOST =
      Key.define("minirpc.host", SERVER, ValueType.STRING, (String) null)
          .defaultText("all interfaces")
          .builder("host(String)")
          .meaning("the address to bind; with `minirpc.transport=local`, the name to bind"
              + " (required)")
          .check(h -> new HostPort(h, 0).host())
          .register(TABLE);

  public static final Key<Integer> PORT =
      Key.define("minirpc.port", SERVER, ValueType.INT, 0)
          .defaultText("`0` (a free port)")
          .builder("port(int)")
          .meaning("the port to listen on")
          .check(p -> new HostPort("-", p).port())
          .register(TABLE);

  public static final Key<Duration> TIMEOUT =
      Key.define("minirpc.timeout", CLIENT, ValueType.DURATION, Duration.ofSeconds(5))
          .builder("timeout(Duration)")
          .meaning("per-call timeout, from the call until its result, connecting included")
          .check(d -> positive(d, "timeout"))
          .register(TABLE);

  public static final Key<Duration> CONNECT_TIMEOUT =
      Key.define("minirpc.connectTimeout", CLIENT, ValueType.DURATION, Duration.ofSeconds(3))
          .builder("connectTimeout(Duration)")
          .meaning("how long opening a connection may take")
          .check(d -> positive(d, "connectTimeout"))
          .register(TABLE);

  public static final Key<Integer> MAX_FRAME_SIZE =
      Key.define("minirpc.maxFrameSize", BOTH, ValueType.INT_SIZE, 16 * 1024 * 1024)
          .builder("maxFrameSize(int)")
          .meaning("largest frame sent or accepted; keep it equal on both sides")
          // The fixed frame header alone is 22 bytes; below 1 KiB no useful call fits.
          .check(n -> atLeast(n, 1024, "maxFrameSize", " bytes"))
          .register(TABLE);

  /** 0 means the side's default: the number of processors on a server, 1 on a client. */
  public static final Key<Integer> IO_THREADS =
      Key.define("minirpc.ioThreads", BOTH, ValueType.INT, 0)
          .defaultText("server: processors; client: 1")
          .builder("ioThreads(int)")
          .meaning("Netty I/O threads")
          .check(n -> atLeast(n, 1, "ioThreads", ""))
          .register(TABLE);

  public static final Key<TransportKind> TRANSPORT =
      Key.define("minirpc.transport", BOTH, ValueType.oneOf(TransportKind.class), TransportKind.AUTO)
          .builder("transport(String)")
          .meaning("`auto`: Netty's native epoll where available (Linux), else Java NIO; `epoll`"
              + " fails `build()` where epoll is unavailable, saying why; `nio`: Java NIO;"
              + " `local`: a server in this JVM without sockets or ports, bound to"
              + " `minirpc.host`, called at `local:NAME`, no TLS (a client with a `local:`"
              + " address always takes it)")
          .register(TABLE);

  public static final Key<List<String>> ALLOW =
      Key.define("minirpc.codec.allow", BOTH, ValueType.LIST, List.<String>of())
          .defaultText("none")
          .builder("allowClasses(Class...)")
          .meaning("extra classes the Kryo codec may decode")
          .check(List::copyOf)
          .register(TABLE);

  public static final Key<String> COMPRESSION =
      Key.define("minirpc.compression", CLIENT, ValueType.STRING, "none")
          .builder("compression(String)")
          .meaning("compresses requests, and asks for answers compressed: `gzip` (built in),"
              + " `lz4` (with `io.minirpc:rpc-compression-lz4`) or `none`; a method's `@Compress`"
              + " overrides it, and a peer without that compressor gets bodies uncompressed")
          .check(Keys::compressorName)
          .register(TABLE);

  public static final Key<Integer> COMPRESSION_MIN_SIZE =
      Key.define("minirpc.compression.minSize", BOTH, ValueType.INT_SIZE, 1024)
          .builder("compressionMinSize(int)")
          .meaning("bodies smaller than this go uncompressed, so small calls never pay for"
              + " compression")
          .check(n -> atLeast(n, 0, "compression.minSize", " bytes"))
          .register(TABLE);

  public static final Key<Integer> SERVER_THREADS =
      Key.define("minirpc.server.threads", SERVER, ValueType.INT, 200)
          .builder("threads(int)")
          .meaning("most implementations running at once")
          .check(n -> atLeast(n, 1, "threads", ""))
          .register(TABLE);

  public static final Key<Integer> SERVER_QUEUE =
      Key.define("minirpc.server.queue", SERVER, ValueType.INT, 1000)
          .builder("queueCapacity(int)")
          .meaning("calls that may wait for a worker; beyond, `RESOURCE_EXHAUSTED`")
          .check(n -> notNegative(n, "queue"))
          .register(TABLE);

  public static final Key<Duration> GRACE_PERIOD =
      Key.define("minirpc.server.gracePeriod", SERVER, ValueType.DURATION, Duration.ofSeconds(10))
          .builder("gracePeriod(Duration)")
          .meaning("how long `close()` waits for calls in flight")
          .check(Keys::gracePeriod)
          .register(TABLE);

  public static final Key<Boolean> SEND_STACK_TRACES =
      Key.define("minirpc.server.sendStackTraces", SERVER, ValueType.BOOLEAN, false)
          .builder("sendStackTraces(boolean)")
          .meaning("whether errors carry the implementation's stack trace to clients (only"
              + " those whose class and message are sent, see `minirpc.server.errorDetails`)")
          .register(TABLE);

  public static final Key<Boolean> ERROR_DETAILS =
      Key.define("minirpc.server.errorDetails", SERVER, ValueType.BOOLEAN, false)
          .builder("errorDetails(boolean)")
          .meaning("whether an exception the method does not declare (in its `throws`) reaches"
              + " callers with its class and message; off, it reaches them as `INTERNAL` with an"
              + " error id that the server logs beside the whole exception")
          .register(TABLE);

  static final Family METADATA =
      new Family("minirpc.metadata.", "<key>", CLIENT, "string", "none", "metadata(key, value)",
          "metadata sent with every call, read on the server with"
              + " `RpcContext.current().metadata()`, and in the HELLO, where an authenticator"
              + " sees it", TABLE);

  public static final Key<Boolean> PROPAGATE_DEADLINE =
      Key.define("minirpc.propagateDeadline", CLIENT, ValueType.BOOLEAN, true)
          .builder("propagateDeadline(boolean)")
          .meaning("a call made inside a server call ends no later than that call's deadline")
          .register(TABLE);

  public static final Key<Integer> CONNECTIONS =
      Key.define("minirpc.connections", CLIENT, ValueType.INT, 1)
          .builder("connections(int)")
          .meaning("connections to the server; calls are spread over them")
          .check(Keys::connections)
          .register(TABLE);

  public static final Key<Duration> HEARTBEAT_INTERVAL =
      Key.define("minirpc.heartbeatInterval", CLIENT, ValueType.DURATION, Duration.ofSeconds(5))
          .builder("heartbeat(interval, idleTimeout)")
          .meaning("a connection that received nothing for this long sends a ping (more often if"
              + " the server's idle timeout asks for it)")
          .check(d -> positive(d, "heartbeatInterval"))
          .register(TABLE);

  public static final Key<Duration> IDLE_TIMEOUT =
      Key.define("minirpc.idleTimeout", BOTH, ValueType.DURATION, Duration.ofSeconds(20))
          .builder("client: `heartbeat(...)`; server: `idleTimeout(Duration)`")
          .meaning("a connection silent for this long, heartbeats included, is closed; on the"
              + " client its pending calls fail with `UNAVAILABLE`")
          .check(d -> positive(d, "idleTimeout"))
          .register(TABLE);

  public static final Key<Duration> INITIAL_BACKOFF =
      Key.define("minirpc.reconnect.initialBackoff", CLIENT, ValueType.DURATION,
              Duration.ofMillis(100))
          .builder("reconnectBackoff(initial, max)")
          .meaning("wait after a failed connection attempt, doubling per failure, ±20% jitter")
          .check(d -> positive(d, "initial reconnect backoff"))
          .register(TABLE);

  public static final Key<Duration> MAX_BACKOFF =
      Key.define("minirpc.reconnect.maxBackoff", CLIENT, ValueType.DURATION, Duration.ofSeconds(5))
          .builder("reconnectBackoff(initial, max)")
          .meaning("the longest wait between attempts")
          .check(d -> positive(d, "maximum reconnect backoff"))
          .register(TABLE);

  public static final Key<Boolean> WAIT_FOR_READY =
      Key.define("minirpc.waitForReady", CLIENT, ValueType.BOOLEAN, false)
          .builder("waitForReady(boolean)")
          .meaning("with no connection: `false` fails calls with `UNAVAILABLE` once a connection"
              + " attempt has failed (within about a second); `true` waits for a connection within"
              + " the call's timeout")
          .register(TABLE);

  /** Deprecated: {@code minirpc.failFast=true} is {@code minirpc.waitForReady=false}. */
  static final Alias FAIL_FAST =
      new Alias("minirpc.failFast", WAIT_FOR_READY, true, "failFast(boolean)",
          "deprecated: use `minirpc.waitForReady`; `failFast=true` means `waitForReady=false`,"
              + " and the other way round", TABLE);

  public static final Key<Integer> MAX_IN_FLIGHT =
      Key.define("minirpc.maxInFlight", CLIENT, ValueType.INT, 4096)
          .builder("maxInFlight(int)")
          .meaning("calls in flight per connection (the server may ask for fewer); beyond, or"
              + " while the write buffer is full, calls wait for room")
          .check(n -> atLeast(n, 1, "maxInFlight", ""))
          .register(TABLE);

  public static final Key<Boolean> FAIL_WHEN_BUSY =
      Key.define("minirpc.failWhenBusy", CLIENT, ValueType.BOOLEAN, false)
          .builder("failWhenBusy(boolean)")
          .meaning("when every connection is full: `false` waits within the call's timeout,"
              + " `true` fails at once with `RESOURCE_EXHAUSTED`")
          .register(TABLE);

  public static final Key<Integer> MAX_QUEUED_CALLS =
      Key.define("minirpc.maxQueuedCalls", CLIENT, ValueType.INT, 1_000_000)
          .builder("maxQueuedCalls(int)")
          .meaning("calls that may wait for a connection or for room, a safety net behind"
              + " `minirpc.maxQueuedBytes`; beyond, `RESOURCE_EXHAUSTED` at once")
          .check(n -> notNegative(n, "maxQueuedCalls"))
          .register(TABLE);

  public static final Key<Long> MAX_QUEUED_BYTES =
      Key.define("minirpc.maxQueuedBytes", CLIENT, ValueType.SIZE, 64L * 1024 * 1024)
          .builder("maxQueuedBytes(long)")
          .meaning("bytes of encoded requests the client holds while they wait for a connection"
              + " or for room; beyond, `RESOURCE_EXHAUSTED` at once")
          .check(n -> atLeast(n, 1024, "maxQueuedBytes", " bytes"))
          .register(TABLE);

  /** 0 means a quarter of the JVM's maximum heap. */
  public static final Key<Long> MAX_RESPONSE_MEMORY =
      Key.define("minirpc.maxResponseMemory", CLIENT, ValueType.SIZE, 0L)
          .defaultText("a quarter of the maximum heap (`32MiB` at `-Xmx128m`)")
          .builder("maxResponseMemory(long)")
          .meaning("memory that decoding responses may allocate at once, measured as they"
              + " decode; a response past it fails its call with `RESOURCE_EXHAUSTED` and closes"
              + " the connection to its server, so one server's answers cannot run the client"
              + " out of memory")
          .check(n -> atLeast(n, 1024 * 1024, "maxResponseMemory", " bytes"))
          .register(TABLE);

  public static final Key<Integer> MAX_SERVER_HELLO_SIZE =
      Key.define("minirpc.maxServerHelloSize", CLIENT, ValueType.INT_SIZE, 1024 * 1024)
          .builder("maxServerHelloSize(int)")
          .meaning("largest handshake a server may answer with (its services, methods and class"
              + " shapes), refused from its first bytes; the client also takes at most 4,096"
              + " services, 65,536 methods and 65,536 class shapes from it")
          .check(n -> atLeast(n, 1024, "maxServerHelloSize", " bytes"))
          .register(TABLE);

  public static final Key<BalancerKind> LOAD_BALANCER =
      Key.define("minirpc.loadBalancer", CLIENT, ValueType.oneOf(BalancerKind.class),
              BalancerKind.LEAST_PENDING)
          .builder("loadBalancer(String)")
          .meaning("with several servers, how each call picks one: `least-pending` (of two picked"
              + " at random, the one with fewer pending calls per weight), `round-robin`, or"
              + " `consistent-hash` (by the `@HashKey` argument, with bounded load)")
          .register(TABLE);

  public static final Key<Integer> SUBSET_SIZE =
      Key.define("minirpc.subsetSize", CLIENT, ValueType.INT, 10)
          .builder("subsetSize(int)")
          .meaning("how many servers of a fleet the client connects to, a stable random subset;"
              + " servers that fail or are ejected are replaced from the rest")
          .check(n -> atLeast(n, 1, "subsetSize", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_ATTEMPTS =
      Key.define("minirpc.maxAttempts", CLIENT, ValueType.INT, 3)
          .builder("maxAttempts(int)")
          .meaning("most attempts of an `@Idempotent` call that may have run (the first"
              + " included); `1` turns such retries off")
          .check(n -> atLeast(n, 1, "maxAttempts", ""))
          .register(TABLE);

  public static final Key<Duration> RETRY_BACKOFF =
      Key.define("minirpc.retryBackoff", CLIENT, ValueType.DURATION, Duration.ofMillis(50))
          .builder("retryBackoff(Duration)")
          .meaning("wait before the first retry of an `@Idempotent` call, doubling per attempt"
              + " up to 1 s, with jitter; calls that did not run go again at once")
          .check(d -> positive(d, "retryBackoff"))
          .register(TABLE);

  public static final Key<Double> RETRY_BUDGET =
      Key.define("minirpc.retryBudget", CLIENT, ValueType.FRACTION, 0.2)
          .builder("retryBudget(double)")
          .meaning("retries and hedges of `@Idempotent` calls allowed, as a share of calls (plus"
              + " 10 a second), so that retries cannot multiply an outage")
          .check(r -> {
            if (!(r >= 0 && r <= 1)) {
              throw new IllegalArgumentException("retryBudget (" + r + ") must be between 0 and 1");
            }
            return r;
          })
          .register(TABLE);

  public static final Key<Integer> EJECTION_FAILURES =
      Key.define("minirpc.ejection.failures", CLIENT, ValueType.INT, 5)
          .builder("ejection(int, Duration, int)")
          .meaning("a server whose calls fail (`UNAVAILABLE`, lost connections) or time out this"
              + " many times in a row is ejected; so is one where half of 20 or more calls in"
              + " 10 s fail that way or with `INTERNAL`, at least twice the share of the other"
              + " servers; `0` turns ejection off")
          .check(n -> notNegative(n, "ejection.failures"))
          .register(TABLE);

  public static final Key<Duration> EJECTION_TIME =
      Key.define("minirpc.ejection.time", CLIENT, ValueType.DURATION, Duration.ofSeconds(10))
          .builder("ejection(int, Duration, int)")
          .meaning("how long the first ejection of a server lasts; each ejection in a row lasts"
              + " one more such interval, up to ten")
          .check(d -> positive(d, "ejection.time"))
          .register(TABLE);

  public static final Key<Integer> EJECTION_MAX_PERCENT =
      Key.define("minirpc.ejection.maxPercent", CLIENT, ValueType.INT, 50)
          .builder("ejection(int, Duration, int)")
          .meaning("most servers ejected at once, in percent of the fleet; never all")
          .check(n -> {
            if (n < 0 || n > 100) {
              throw new IllegalArgumentException(
                  "ejection.maxPercent (" + n + ") must be between 0 and 100");
            }
            return n;
          })
          .register(TABLE);

  public static final Key<Integer> MAX_CALLS_PER_CONNECTION =
      Key.define("minirpc.server.maxCallsPerConnection", SERVER, ValueType.INT, 1000)
          .builder("maxCallsPerConnection(int)")
          .meaning("calls one connection may have running or queued; told to clients in the"
              + " handshake; beyond, `RESOURCE_EXHAUSTED`")
          .check(n -> atLeast(n, 1, "maxCallsPerConnection", ""))
          .register(TABLE);

  /**
   * 0 means one call for every 2 KiB of {@link #MAX_MEMORY}: each open call is counted in that
   * budget at 1 KiB or more, so the budget, not this cap, binds first unless set lower.
   */
  public static final Key<Integer> MAX_CALLS =
      Key.define("minirpc.server.maxCalls", SERVER, ValueType.INT, 0)
          .defaultText("one per 2KiB of `minirpc.server.maxMemory` (43008 at `-Xmx128m`)")
          .builder("maxCalls(int)")
          .meaning("calls the whole server may have open at once (running, queued, or waiting for"
              + " an asynchronous result, as health watches do); beyond, `RESOURCE_EXHAUSTED`")
          .check(n -> notNegative(n, "maxCalls"))
          .register(TABLE);

  /** The prefix of the rate-limit family, for messages that tell where a limit can be set. */
  public static final String RATE_LIMIT_PREFIX = "minirpc.server.rateLimit.";

  static final Family RATE_LIMIT =
      new Family(RATE_LIMIT_PREFIX, "<service>", SERVER, "number", "none (or `@RateLimit`)",
          "rateLimit(Class, double)",
          "calls per second the service accepts, all methods together; beyond,"
              + " `RESOURCE_EXHAUSTED` at once", TABLE);

  /** Documents the method form of {@link #RATE_LIMIT}; parsing treats both as one family. */
  static final Family METHOD_RATE_LIMIT =
      new Family(RATE_LIMIT_PREFIX, "<service>#<method>", SERVER, "number",
          "none (or `@RateLimit`)", "rateLimit(Class, String, double)",
          "calls per second each method of that name accepts (`#add(int,int)` for one overload)",
          TABLE);

  public static final Key<Boolean> DIRECT_EXECUTOR =
      Key.define("minirpc.server.directExecutor", SERVER, ValueType.BOOLEAN, false)
          .builder("directExecutor(boolean)")
          .meaning("run implementations on the I/O threads (gRPC's `directExecutor()`): faster for"
              + " methods that never block; a blocking one stalls its connections")
          .register(TABLE);

  public static final Key<Long> SERVER_MAX_QUEUED_BYTES =
      Key.define("minirpc.server.maxQueuedBytes", SERVER, ValueType.SIZE, 64L * 1024 * 1024)
          .builder("maxQueuedBytes(long)")
          .meaning("bytes that requests waiting for a worker may hold; beyond,"
              + " `RESOURCE_EXHAUSTED` at once")
          .check(n -> atLeast(n, 1024, "maxQueuedBytes", " bytes"))
          .register(TABLE);

  /** 0 means a share of the smaller of the JVM's maximum heap and direct memory. */
  public static final Key<Long> MAX_MEMORY =
      Key.define("minirpc.server.maxMemory", SERVER, ValueType.SIZE, 0L)
          .defaultText("¾ of (the smaller of max heap and max direct memory − 16MiB), at least ¼ of it"
              + " (`84MiB` at `-Xmx128m`)")
          .builder("maxMemory(long)")
          .meaning("memory that requests may hold in the server: each frame from its first bytes"
              + " until it is handled, a request at five times its size (four of them, for its"
              + " decoded arguments, until its answer is encoded), each call at 1KiB and its"
              + " metadata until its answer is written, and each answer until it is written;"
              + " beyond, the server stops reading until memory frees")
          .check(n -> atLeast(n, 1024 * 1024, "maxMemory", " bytes"))
          .register(TABLE);

  /** 0 means half of {@link #MAX_MEMORY}. */
  public static final Key<Long> MAX_CONNECTION_MEMORY =
      Key.define("minirpc.server.maxConnectionMemory", SERVER, ValueType.SIZE, 0L)
          .defaultText("half of `minirpc.server.maxMemory`")
          .builder("maxConnectionMemory(long)")
          .meaning("the part of `minirpc.server.maxMemory` one connection may hold; beyond, it is"
              + " not read until its calls give memory back; a request that can never fit is"
              + " refused with `RESOURCE_EXHAUSTED`")
          .check(n -> atLeast(n, 1024 * 1024, "maxConnectionMemory", " bytes"))
          .register(TABLE);

  /** 0 means half of {@link #MAX_MEMORY}. */
  public static final Key<Long> MAX_ADDRESS_MEMORY =
      Key.define("minirpc.server.maxAddressMemory", SERVER, ValueType.SIZE, 0L)
          .defaultText("half of `minirpc.server.maxMemory`")
          .builder("maxAddressMemory(long)")
          .meaning("the share of `minirpc.server.maxMemory` one client host (an IPv4 address, an"
              + " IPv6 /64) may hold while another host below its share waits for memory; a host"
              + " over it takes no more until they are served, and a lone host may use it all")
          .check(n -> atLeast(n, 1024 * 1024, "maxAddressMemory", " bytes"))
          .register(TABLE);

  /** 0 means half of {@link #SERVER_THREADS}, at least 1. */
  public static final Key<Integer> MAX_RUNNING_PER_CONNECTION =
      Key.define("minirpc.server.maxRunningPerConnection", SERVER, ValueType.INT, 0)
          .defaultText("half of `minirpc.server.threads`")
          .builder("maxRunningPerConnection(int)")
          .meaning("worker threads one connection's calls may hold at once; its other calls wait"
              + " in its own queue, so one client cannot take every worker from the others")
          .check(n -> atLeast(n, 1, "maxRunningPerConnection", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_CONNECTIONS =
      Key.define("minirpc.server.maxConnections", SERVER, ValueType.INT, 4096)
          .builder("maxConnections(int)")
          .meaning("client connections open at once. A new one beyond gets GOAWAY naming the"
              + " limit and is closed, unless its host holds fewer connections than the host"
              + " holding the most: then that host's longest-idle connection is closed"
              + " (GOAWAY) to make room")
          .check(n -> atLeast(n, 1, "maxConnections", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_CONNECTIONS_PER_ADDRESS =
      Key.define("minirpc.server.maxConnectionsPerAddress", SERVER, ValueType.INT, 256)
          .builder("maxConnectionsPerAddress(int)")
          .meaning("connections open at once from one client host (an IPv4 address, an IPv6 /64);"
              + " beyond, GOAWAY naming the limit, and closed")
          .check(n -> atLeast(n, 1, "maxConnectionsPerAddress", ""))
          .register(TABLE);

  public static final Key<Integer> CONNECTION_RATE_PER_ADDRESS =
      Key.define("minirpc.server.connectionRatePerAddress", SERVER, ValueType.INT, 20)
          .builder("connectionRatePerAddress(int)")
          .meaning("new connections a second one client host may open on average, in bursts of"
              + " `minirpc.server.maxConnectionsPerAddress` and twice this; one beyond is closed at"
              + " once, before TLS, with a log line at most once a second")
          .check(n -> atLeast(n, 1, "connectionRatePerAddress", ""))
          .register(TABLE);

  public static final Key<Duration> HANDSHAKE_TIMEOUT =
      Key.define("minirpc.server.handshakeTimeout", SERVER, ValueType.DURATION,
              Duration.ofSeconds(10))
          .builder("handshakeTimeout(Duration)")
          .meaning("a connection whose HELLO has not arrived this long after it opened is closed"
              + " (the idle timeout applies after the handshake); with an authenticator, one not"
              + " authenticated by then gets GOAWAY and is closed")
          .check(d -> positive(d, "handshakeTimeout"))
          .register(TABLE);

  public static final Key<Duration> MAX_CONNECTION_IDLE =
      Key.define("minirpc.server.maxConnectionIdle", SERVER, ValueType.DURATION,
              Duration.ofMinutes(5))
          .builder("maxConnectionIdle(Duration)")
          .meaning("a connection with no call open and no request for this long (PINGs do not"
              + " count) gets GOAWAY and is closed; a minirpc client opens a new one for its next"
              + " call. 0 for never")
          .check(d -> notNegative(d, "maxConnectionIdle"))
          .register(TABLE);

  public static final Key<Duration> MAX_CONNECTION_AGE =
      Key.define("minirpc.server.maxConnectionAge", SERVER, ValueType.DURATION, Duration.ZERO)
          .defaultText("0 (never)")
          .builder("maxConnectionAge(Duration, grace)")
          .meaning("a connection older than this (±10% jitter) gets GOAWAY, and is closed once its"
              + " open calls end or `minirpc.server.maxConnectionAgeGrace` passes; the client"
              + " reconnects. 0 for never")
          .check(d -> notNegative(d, "maxConnectionAge"))
          .register(TABLE);

  public static final Key<Duration> MAX_CONNECTION_AGE_GRACE =
      Key.define("minirpc.server.maxConnectionAgeGrace", SERVER, ValueType.DURATION,
              Duration.ofSeconds(30))
          .builder("maxConnectionAge(Duration, grace)")
          .meaning("how long calls open at a GOAWAY for age, idleness or room may still take;"
              + " then the connection is closed")
          .check(d -> notNegative(d, "maxConnectionAgeGrace"))
          .register(TABLE);

  public static final Key<Integer> MAX_PRE_HELLO_FRAME_SIZE =
      Key.define("minirpc.server.maxPreHelloFrameSize", SERVER, ValueType.INT_SIZE, 64 * 1024)
          .builder("maxPreHelloFrameSize(int)")
          .meaning("largest frame a client may send before its HELLO is accepted (the HELLO"
              + " itself); anything else before it, or larger, closes the connection from the"
              + " frame's first bytes. With an authenticator, the limit holds until the HELLO or"
              + " a request authenticates: a larger request is refused unread")
          .check(n -> atLeast(n, 1024, "maxPreHelloFrameSize", " bytes"))
          .register(TABLE);

  public static final Key<Integer> MAX_METADATA_SIZE =
      Key.define("minirpc.server.maxMetadataSize", SERVER, ValueType.INT_SIZE, 8 * 1024)
          .builder("maxMetadataSize(int)")
          .meaning("bytes of metadata keys and values one request may carry; beyond,"
              + " `RESOURCE_EXHAUSTED`, refused while reading, before it is kept")
          .check(n -> atLeast(n, 0, "maxMetadataSize", " bytes"))
          .register(TABLE);

  public static final Key<Integer> MAX_METADATA_ENTRIES =
      Key.define("minirpc.server.maxMetadataEntries", SERVER, ValueType.INT, 64)
          .builder("maxMetadataEntries(int)")
          .meaning("metadata entries one request may carry; beyond, `RESOURCE_EXHAUSTED`")
          .check(n -> atLeast(n, 0, "maxMetadataEntries", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_PINGS_PER_SECOND =
      Key.define("minirpc.server.maxPingsPerSecond", SERVER, ValueType.INT, 10)
          .builder("maxPingsPerSecond(int)")
          .meaning("PINGs one connection may send per second (as a burst, and on average; at"
              + " least twice what a short `minirpc.idleTimeout` makes clients send); beyond, the"
              + " server sends GOAWAY and closes it, as gRPC does for `too_many_pings`")
          .check(n -> atLeast(n, 1, "maxPingsPerSecond", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_CANCELS_PER_SECOND =
      Key.define("minirpc.server.maxCancelsPerSecond", SERVER, ValueType.INT, 1000)
          .builder("maxCancelsPerSecond(int)")
          .meaning("CANCELs of a \"rapid reset\" one connection may send per second on average,"
              + " with a burst of `minirpc.server.maxCallsPerConnection` if larger; beyond, GOAWAY"
              + " and close. Counted: a CANCEL that names no request sent yet, or that undoes a"
              + " call within 10 ms of its arrival, before it started. A call that timed out"
              + " while it waited, that runs, or that has just ended is cancelled freely")
          .check(n -> atLeast(n, 1, "maxCancelsPerSecond", ""))
          .register(TABLE);

  public static final Key<URI> SERVER_REGISTRY =
      Key.define("minirpc.server.registry", SERVER, ValueType.URI, (URI) null)
          .defaultText("none")
          .builder("registry(String)")
          .meaning("a registry the server joins once it listens, and leaves first thing when it"
              + " closes, so clients find it: `zookeeper://zk1:2181,zk2:2181/minirpc/orders`"
              + " (with `io.minirpc:rpc-discovery-zookeeper`); the registry's own options go in"
              + " the query (`?sessionTimeout=30s`). If it cannot register, `start()` fails")
          .check(Keys::registry)
          .register(TABLE);

  public static final Key<String> ADVERTISED_HOST =
      Key.define("minirpc.server.advertisedHost", SERVER, ValueType.STRING, (String) null)
          .defaultText("`minirpc.host` if it names one address, else a non-loopback address of"
              + " this machine")
          .builder("advertisedHost(String)")
          .meaning("the host the registry tells clients to connect to: set it where they reach"
              + " the server by another address (NAT, containers)")
          .check(h -> new HostPort(h, 0).host().trim())
          .register(TABLE);

  public static final Key<Integer> WEIGHT =
      Key.define("minirpc.server.weight", SERVER, ValueType.INT, 100)
          .builder("weight(int)")
          .meaning("the server's share of calls relative to the others in its registry group,"
              + " from 1 to 1000; clients count a larger weight a registry lists as 1000")
          .check(n -> {
            if (n < 1 || n > 1000) {
              throw new IllegalArgumentException("weight (" + n + ") must be between 1 and 1000");
            }
            return n;
          })
          .register(TABLE);

  public static final Key<Map<String, String>> ATTRIBUTES =
      Key.define("minirpc.server.attributes", SERVER, ValueType.ATTRIBUTES, Map.of())
          .defaultText("none")
          .builder("attribute(key, value)")
          .meaning("labels published with the server in the registry, such as"
              + " `zone=eu-1,version=2.3`")
          .check(Keys::attributes)
          .register(TABLE);

  public static final Key<Duration> DEREGISTER_DELAY =
      Key.define("minirpc.server.deregisterDelay", SERVER, ValueType.DURATION,
              Duration.ofSeconds(2))
          .builder("deregisterDelay(Duration)")
          .meaning("with a registry: how long `close()` goes on serving, new connections"
              + " included, after leaving the registry and before it sends GOAWAY, so that"
              + " clients see it leave before it stops; `0s` does not wait")
          .check(d -> notNegative(d, "deregisterDelay"))
          .register(TABLE);

  public static final Key<String> BEARER_TOKENS =
      Key.define("minirpc.server.auth.bearerTokens", SERVER, ValueType.STRING, (String) null)
          .defaultText("none")
          .builder("authenticator(Authenticator)")
          .meaning("a file of bearer tokens, one a line, each optionally followed by the services"
              + " it may call; calls must then carry metadata `authorization: Bearer <token>`,"
              + " checked before anything is decoded")
          .register(TABLE);

  /** Failed authentications one connection may have, default 5; the next gets GOAWAY and close. */
  public static final Key<Integer> MAX_AUTH_FAILURES_PER_CONNECTION =
      Key.define("minirpc.server.maxAuthFailuresPerConnection", SERVER, ValueType.INT, 5)
          .builder("configure(Properties)")
          .meaning("calls or handshakes one connection may have refused `UNAUTHENTICATED`; the"
              + " next gets GOAWAY and the connection is closed (token guessing)")
          .check(n -> atLeast(n, 1, "maxAuthFailuresPerConnection", ""))
          .register(TABLE);

  /**
   * Failed authentications a second from one IP address, default 10, with a burst of three
   * seconds' worth; beyond, that address's new connections are refused at their HELLO.
   */
  public static final Key<Integer> MAX_AUTH_FAILURES_PER_SECOND =
      Key.define("minirpc.server.maxAuthFailuresPerSecond", SERVER, ValueType.INT, 10)
          .builder("configure(Properties)")
          .meaning("refused authentications (`UNAUTHENTICATED`, of a HELLO or call that presented"
              + " metadata) per second from one host (an IPv6 /64), with a burst of three seconds'"
              + " worth; beyond, its new connections get GOAWAY at their HELLO, before the"
              + " authenticator runs, and each such HELLO counts too, until the host has paused"
              + " (at most 10 s)")
          .check(n -> atLeast(n, 1, "maxAuthFailuresPerSecond", ""))
          .register(TABLE);

  public static final Key<Boolean> LISTING =
      Key.define("minirpc.server.listing", SERVER, ValueType.BOOLEAN, false)
          .builder("listing(boolean)")
          .meaning("serve `io.minirpc.listing.ServiceListing`: the services, their methods and"
              + " each type as JSON Schema, for tools such as `minirpc list` (like gRPC's server"
              + " reflection); subject to the authenticator like any service")
          .register(TABLE);

  public static final Key<Boolean> TLS =
      Key.define("minirpc.tls", BOTH, ValueType.BOOLEAN, false)
          .builder("tls(boolean)")
          .meaning("connections use TLS (on both sides); also on when a builder is given an"
              + " `SslContext` (`tls(SslContext)`); the other `minirpc.tls.*` settings without it"
              + " fail `build()` rather than run plaintext")
          .register(TABLE);

  public static final Key<String> TLS_CERT_CHAIN =
      Key.define("minirpc.tls.certChain", BOTH, ValueType.STRING, (String) null)
          .defaultText("none")
          .builder("tlsCertificate(Path, Path)")
          .meaning("PEM certificate chain: the server's (required with TLS), or the client's for"
              + " mutual TLS")
          .register(TABLE);

  public static final Key<String> TLS_PRIVATE_KEY =
      Key.define("minirpc.tls.privateKey", BOTH, ValueType.STRING, (String) null)
          .defaultText("none")
          .builder("tlsCertificate(Path, Path)")
          .meaning("PEM (PKCS#8) private key of `minirpc.tls.certChain`; a PKCS#1 or SEC1 key"
              + " (`BEGIN RSA/EC PRIVATE KEY`) fails `build()` with the `openssl` command that"
              + " converts it")
          .register(TABLE);

  public static final Key<String> TLS_TRUSTED_CERTS =
      Key.define("minirpc.tls.trustedCerts", BOTH, ValueType.STRING, (String) null)
          .defaultText("client: the JDK's trust store; server: none")
          .builder("tlsTrustedCertificates(Path)")
          .meaning("PEM certificates of the CAs to trust: those that signed the server's"
              + " certificate (client), or the clients' (server, with `minirpc.tls.clientAuth`)")
          .register(TABLE);

  public static final Key<TlsConfig.ClientAuthMode> TLS_CLIENT_AUTH =
      Key.define("minirpc.tls.clientAuth", SERVER, ValueType.oneOf(TlsConfig.ClientAuthMode.class),
              TlsConfig.ClientAuthMode.NONE)
          .builder("tlsClientAuth(String)")
          .meaning("`none`, `optional` or `require`: whether clients must show a certificate"
              + " signed by `minirpc.tls.trustedCerts` (mutual TLS)")
          .register(TABLE);

  public static final Key<Boolean> TLS_HOSTNAME_VERIFICATION =
      Key.define("minirpc.tls.hostnameVerification", CLIENT, ValueType.BOOLEAN, true)
          .builder("tlsHostnameVerification(boolean)")
          .meaning("the server's certificate must name the host in `minirpc.address`; turning it"
              + " off is logged as a warning")
          .register(TABLE);

  public static final Key<Boolean> ALLOW_INSECURE_CREDENTIALS =
      Key.define("minirpc.allowInsecureCredentials", CLIENT, ValueType.BOOLEAN, false)
          .builder("allowInsecureCredentials(boolean)")
          .meaning("let a client whose metadata holds a credential (`authorization`, or a key"
              + " naming a token, secret, password or credential) send it without TLS to a server"
              + " that is not on loopback; off, such a server is refused (at `build()` if"
              + " `minirpc.address` names it, else left out of the fleet with a warning)")
          .register(TABLE);

  private static final List<Object> ENTRIES = Collections.unmodifiableList(TABLE);
  private static final Map<String, List<Key<?>>> BY_NAME = new LinkedHashMap<>();

  static {
    for (Object e : ENTRIES) {
      if (e instanceof Key<?> k) {
        BY_NAME.computeIfAbsent(k.name(), n -> new ArrayList<>()).add(k);
      }
    }
  }

  private Keys() {}

  /** Keys, families and aliases, in the table's order. */
  static List<Object> entries() {
    return ENTRIES;
  }

  /** The keys named {@code name}: usually one, two for {@code minirpc.codec}, none if unknown. */
  static List<Key<?>> named(String name) {
    return BY_NAME.getOrDefault(name, List.of());
  }

  /** Every key name this version understands, then the families, in the table's order. */
  public static List<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (Object e : ENTRIES) {
      if (e instanceof Key<?> k) {
        names.add(k.name());
      } else if (e instanceof Family f) {
        names.add(f.pattern());
      }
    }
    return List.copyOf(names);
  }

  /**
   * A family of keys sharing a prefix: {@code minirpc.metadata.tenant=acme}, {@code
   * minirpc.server.rateLimit.com.example.Search#query=50}.
   */
  record Family(
      String prefix, String placeholder, Side side, String type, String defaultText,
      String builder, String meaning) {
    Family(String prefix, String placeholder, Side side, String type, String defaultText,
        String builder, String meaning, List<Object> table) {
      this(prefix, placeholder, side, type, defaultText, builder, meaning);
      table.add(this);
    }

    /** The family as the table names it: {@code minirpc.metadata.<key>}. */
    String pattern() {
      return prefix + placeholder;
    }
  }

  /**
   * An old name of a boolean key, still accepted with one warning. {@code inverted}: the old key
   * meant the opposite of the new one.
   */
  record Alias(
      String name, Key<Boolean> target, boolean inverted, String builder, String meaning) {
    Alias(String name, Key<Boolean> target, boolean inverted, String builder, String meaning,
        List<Object> table) {
      this(name, target, inverted, builder, meaning);
      table.add(this);
    }
  }

  // ---- checks: each names the argument and echoes the value ----

  private static String compressorName(String name) {
    Objects.requireNonNull(name, "compression == null");
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.isEmpty()) {
      throw new IllegalArgumentException("compression is empty: give `none` for no compression");
    }
    return n;
  }

  private static List<String> codecNames(List<String> names) {
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
    return List.copyOf(normalized);
  }

  static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " (" + d + ") must be positive");
    }
    return d;
  }

  private static Duration gracePeriod(Duration d) {
    Objects.requireNonNull(d, "gracePeriod == null");
    if (d.isNegative()) {
      throw new IllegalArgumentException("gracePeriod (" + d + ") must not be negative");
    }
    return d;
  }

  private static <N extends Number> N atLeast(N n, long min, String name, String unit) {
    Objects.requireNonNull(n, name + " == null");
    if (n.longValue() < min) {
      throw new IllegalArgumentException(
          name + " (" + n + ") must be at least " + min + unit);
    }
    return n;
  }

  private static Integer notNegative(Integer n, String name) {
    Objects.requireNonNull(n, name + " == null");
    if (n < 0) {
      throw new IllegalArgumentException(name + " (" + n + ") must not be negative");
    }
    return n;
  }

  private static Duration notNegative(Duration d, String name) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " (" + d + ") must not be negative");
    }
    return d;
  }

  private static URI registry(URI uri) {
    Objects.requireNonNull(uri, "registry == null");
    if (uri.getScheme() == null || uri.isOpaque()) {
      throw new IllegalArgumentException("registry (" + uri + ") must be a URI that starts with"
          + " the kind of registry, such as zookeeper://zk1:2181,zk2:2181/minirpc/orders");
    }
    return uri;
  }

  private static Map<String, String> attributes(Map<String, String> attributes) {
    Objects.requireNonNull(attributes, "attributes == null");
    Map<String, String> copy = new LinkedHashMap<>();
    attributes.forEach((k, v) -> {
      Objects.requireNonNull(k, "attribute name == null");
      Objects.requireNonNull(v, "value of attribute '" + k + "' == null");
      if (k.isBlank()) {
        throw new IllegalArgumentException("attribute name is empty (value '" + v + "')");
      }
      copy.put(k.trim(), v);
    });
    return Collections.unmodifiableMap(copy);
  }

  private static Integer connections(Integer n) {
    Objects.requireNonNull(n, "connections == null");
    if (n < 1 || n > 64) {
      throw new IllegalArgumentException("connections (" + n + ") must be between 1 and 64");
    }
    return n;
  }
}
