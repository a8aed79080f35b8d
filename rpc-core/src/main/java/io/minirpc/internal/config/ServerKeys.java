package io.minirpc.internal.config;

import static io.minirpc.internal.config.Side.SERVER;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The settings of minirpc that a server reads, each declared once, after {@link Keys} in the
 * configuration table ({@link KeyTable}).
 */
public final class ServerKeys {
  private static final List<Object> TABLE = new ArrayList<>();

  public static final Key<List<String>> CODECS =
      Key.define("minirpc.codec", SERVER, ValueType.LIST, List.<String>of())
          .defaultText("every installed codec")
          .builder("codecs(String...)")
          .meaning("comma-separated codecs the server lists and accepts, exactly; a client"
              + " offering none of them gets GOAWAY at its handshake")
          .check(KeyChecks::codecNames)
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

  public static final Key<Integer> SERVER_THREADS =
      Key.define("minirpc.server.threads", SERVER, ValueType.INT, 200)
          .builder("threads(int)")
          .meaning("most implementations running at once")
          .check(n -> KeyChecks.atLeast(n, 1, "threads", ""))
          .register(TABLE);

  public static final Key<Integer> SERVER_QUEUE =
      Key.define("minirpc.server.queue", SERVER, ValueType.INT, 1000)
          .builder("queueCapacity(int)")
          .meaning("calls that may wait for a worker; beyond, `RESOURCE_EXHAUSTED`")
          .check(n -> KeyChecks.notNegative(n, "queue"))
          .register(TABLE);

  public static final Key<Duration> GRACE_PERIOD =
      Key.define("minirpc.server.gracePeriod", SERVER, ValueType.DURATION, Duration.ofSeconds(10))
          .builder("gracePeriod(Duration)")
          .meaning("how long `close()` waits for calls in flight")
          .check(KeyChecks::gracePeriod)
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

  public static final Key<Integer> MAX_CALLS_PER_CONNECTION =
      Key.define("minirpc.server.maxCallsPerConnection", SERVER, ValueType.INT, 1000)
          .builder("maxCallsPerConnection(int)")
          .meaning("calls one connection may have running or queued; told to clients in the"
              + " handshake; beyond, `RESOURCE_EXHAUSTED`")
          .check(n -> KeyChecks.atLeast(n, 1, "maxCallsPerConnection", ""))
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
          .check(n -> KeyChecks.notNegative(n, "maxCalls"))
          .register(TABLE);

  /** The prefix of the rate-limit family, for messages that tell where a limit can be set. */
  public static final String RATE_LIMIT_PREFIX = "minirpc.server.rateLimit.";

  static final Keys.Family RATE_LIMIT =
      new Keys.Family(RATE_LIMIT_PREFIX, "<service>", SERVER, "number", "none (or `@RateLimit`)",
          "rateLimit(Class, double)",
          "calls per second the service accepts, all methods together; beyond,"
              + " `RESOURCE_EXHAUSTED` at once", TABLE);

  /** Documents the method form of {@link #RATE_LIMIT}; parsing treats both as one family. */
  static final Keys.Family METHOD_RATE_LIMIT =
      new Keys.Family(RATE_LIMIT_PREFIX, "<service>#<method>", SERVER, "number",
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
          .check(n -> KeyChecks.atLeast(n, 1024, "maxQueuedBytes", " bytes"))
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
          .check(n -> KeyChecks.atLeast(n, 1024 * 1024, "maxMemory", " bytes"))
          .register(TABLE);

  /** 0 means half of {@link #MAX_MEMORY}. */
  public static final Key<Long> MAX_CONNECTION_MEMORY =
      Key.define("minirpc.server.maxConnectionMemory", SERVER, ValueType.SIZE, 0L)
          .defaultText("half of `minirpc.server.maxMemory`")
          .builder("maxConnectionMemory(long)")
          .meaning("the part of `minirpc.server.maxMemory` one connection may hold; beyond, it is"
              + " not read until its calls give memory back; a request that can never fit is"
              + " refused with `RESOURCE_EXHAUSTED`")
          .check(n -> KeyChecks.atLeast(n, 1024 * 1024, "maxConnectionMemory", " bytes"))
          .register(TABLE);

  /** 0 means half of {@link #MAX_MEMORY}. */
  public static final Key<Long> MAX_ADDRESS_MEMORY =
      Key.define("minirpc.server.maxAddressMemory", SERVER, ValueType.SIZE, 0L)
          .defaultText("half of `minirpc.server.maxMemory`")
          .builder("maxAddressMemory(long)")
          .meaning("the share of `minirpc.server.maxMemory` one client host (an IPv4 address, an"
              + " IPv6 /64) may hold while another host below its share waits for memory; a host"
              + " over it takes no more until they are served, and a lone host may use it all")
          .check(n -> KeyChecks.atLeast(n, 1024 * 1024, "maxAddressMemory", " bytes"))
          .register(TABLE);

  /** 0 means half of {@link #SERVER_THREADS}, at least 1. */
  public static final Key<Integer> MAX_RUNNING_PER_CONNECTION =
      Key.define("minirpc.server.maxRunningPerConnection", SERVER, ValueType.INT, 0)
          .defaultText("half of `minirpc.server.threads`")
          .builder("maxRunningPerConnection(int)")
          .meaning("worker threads one connection's calls may hold at once; its other calls wait"
              + " in its own queue, so one client cannot take every worker from the others")
          .check(n -> KeyChecks.atLeast(n, 1, "maxRunningPerConnection", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_CONNECTIONS =
      Key.define("minirpc.server.maxConnections", SERVER, ValueType.INT, 4096)
          .builder("maxConnections(int)")
          .meaning("client connections open at once. A new one beyond gets GOAWAY naming the"
              + " limit and is closed, unless its host holds fewer connections than the host"
              + " holding the most: then that host's longest-idle connection is closed"
              + " (GOAWAY) to make room")
          .check(n -> KeyChecks.atLeast(n, 1, "maxConnections", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_CONNECTIONS_PER_ADDRESS =
      Key.define("minirpc.server.maxConnectionsPerAddress", SERVER, ValueType.INT, 256)
          .builder("maxConnectionsPerAddress(int)")
          .meaning("connections open at once from one client host (an IPv4 address, an IPv6 /64);"
              + " beyond, GOAWAY naming the limit, and closed")
          .check(n -> KeyChecks.atLeast(n, 1, "maxConnectionsPerAddress", ""))
          .register(TABLE);

  public static final Key<Integer> CONNECTION_RATE_PER_ADDRESS =
      Key.define("minirpc.server.connectionRatePerAddress", SERVER, ValueType.INT, 20)
          .builder("connectionRatePerAddress(int)")
          .meaning("new connections a second one client host may open on average, in bursts of"
              + " `minirpc.server.maxConnectionsPerAddress` and twice this; one beyond is closed at"
              + " once, before TLS, with a log line at most once a second")
          .check(n -> KeyChecks.atLeast(n, 1, "connectionRatePerAddress", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_PRE_HELLO_FRAME_SIZE =
      Key.define("minirpc.server.maxPreHelloFrameSize", SERVER, ValueType.INT_SIZE, 64 * 1024)
          .builder("maxPreHelloFrameSize(int)")
          .meaning("largest frame a client may send before its HELLO is accepted (the HELLO"
              + " itself); anything else before it, or larger, closes the connection from the"
              + " frame's first bytes. With an authenticator, the limit holds until the HELLO or"
              + " a request authenticates: a larger request is refused unread")
          .check(n -> KeyChecks.atLeast(n, 1024, "maxPreHelloFrameSize", " bytes"))
          .register(TABLE);

  public static final Key<Integer> MAX_METADATA_SIZE =
      Key.define("minirpc.server.maxMetadataSize", SERVER, ValueType.INT_SIZE, 8 * 1024)
          .builder("maxMetadataSize(int)")
          .meaning("bytes of metadata keys and values one request may carry; beyond,"
              + " `RESOURCE_EXHAUSTED`, refused while reading, before it is kept")
          .check(n -> KeyChecks.atLeast(n, 0, "maxMetadataSize", " bytes"))
          .register(TABLE);

  public static final Key<Integer> MAX_METADATA_ENTRIES =
      Key.define("minirpc.server.maxMetadataEntries", SERVER, ValueType.INT, 64)
          .builder("maxMetadataEntries(int)")
          .meaning("metadata entries one request may carry; beyond, `RESOURCE_EXHAUSTED`")
          .check(n -> KeyChecks.atLeast(n, 0, "maxMetadataEntries", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_PINGS_PER_SECOND =
      Key.define("minirpc.server.maxPingsPerSecond", SERVER, ValueType.INT, 10)
          .builder("maxPingsPerSecond(int)")
          .meaning("PINGs one connection may send per second (as a burst, and on average; at"
              + " least twice what a short `minirpc.idleTimeout` makes clients send); beyond, the"
              + " server sends GOAWAY and closes it, as gRPC does for `too_many_pings`")
          .check(n -> KeyChecks.atLeast(n, 1, "maxPingsPerSecond", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_CANCELS_PER_SECOND =
      Key.define("minirpc.server.maxCancelsPerSecond", SERVER, ValueType.INT, 1000)
          .builder("maxCancelsPerSecond(int)")
          .meaning("CANCELs of a \"rapid reset\" one connection may send per second on average,"
              + " with a burst of `minirpc.server.maxCallsPerConnection` if larger; beyond, GOAWAY"
              + " and close. Counted: a CANCEL that names no request sent yet, or that undoes a"
              + " call within 10 ms of its arrival, before it started. A call that timed out"
              + " while it waited, that runs, or that has just ended is cancelled freely")
          .check(n -> KeyChecks.atLeast(n, 1, "maxCancelsPerSecond", ""))
          .register(TABLE);

  public static final Key<URI> SERVER_REGISTRY =
      Key.define("minirpc.server.registry", SERVER, ValueType.URI, (URI) null)
          .defaultText("none")
          .builder("registry(String)")
          .meaning("a registry the server joins once it listens, and leaves first thing when it"
              + " closes, so clients find it: `zookeeper://zk1:2181,zk2:2181/minirpc/orders`"
              + " (with `io.minirpc:rpc-discovery-zookeeper`); the registry's own options go in"
              + " the query (`?sessionTimeout=30s`). If it cannot register, `start()` fails")
          .check(KeyChecks::registry)
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
          .check(KeyChecks::attributes)
          .register(TABLE);

  public static final Key<Duration> DEREGISTER_DELAY =
      Key.define("minirpc.server.deregisterDelay", SERVER, ValueType.DURATION,
              Duration.ofSeconds(2))
          .builder("deregisterDelay(Duration)")
          .meaning("with a registry: how long `close()` goes on serving, new connections"
              + " included, after leaving the registry and before it sends GOAWAY, so that"
              + " clients see it leave before it stops; `0s` does not wait")
          .check(d -> KeyChecks.notNegative(d, "deregisterDelay"))
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
          .check(n -> KeyChecks.atLeast(n, 1, "maxAuthFailuresPerConnection", ""))
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
          .check(n -> KeyChecks.atLeast(n, 1, "maxAuthFailuresPerSecond", ""))
          .register(TABLE);

  public static final Key<Boolean> LISTING =
      Key.define("minirpc.server.listing", SERVER, ValueType.BOOLEAN, false)
          .builder("listing(boolean)")
          .meaning("serve `io.minirpc.listing.ServiceListing`: the services, their methods and"
              + " each type as JSON Schema, for tools such as `minirpc list` (like gRPC's server"
              + " reflection); subject to the authenticator like any service. Needs the module"
              + " `io.minirpc:rpc-listing` on the server's classpath")
          .register(TABLE);

  public static final Key<TlsConfig.ClientAuthMode> TLS_CLIENT_AUTH =
      Key.define("minirpc.tls.clientAuth", SERVER, ValueType.oneOf(TlsConfig.ClientAuthMode.class),
              TlsConfig.ClientAuthMode.NONE)
          .builder("tlsClientAuth(String)")
          .meaning("`none`, `optional` or `require`: whether clients must show a certificate"
              + " signed by `minirpc.tls.trustedCerts` (mutual TLS)")
          .register(TABLE);

  private ServerKeys() {}

  /** These keys and families, in the table's order. */
  static List<Object> table() {
    return Collections.unmodifiableList(TABLE);
  }
}
