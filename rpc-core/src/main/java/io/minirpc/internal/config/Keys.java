package io.minirpc.internal.config;

import static io.minirpc.internal.config.Side.BOTH;
import static io.minirpc.internal.config.Side.CLIENT;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The settings of minirpc that a client reads, and those both sides read (the server's are {@link
 * ServerKeys}), each declared once: with {@link ServerKeys}, the one place to add a setting;
 * {@link KeyTable} lists them all, in the order of the configuration table. Adding one takes its declaration here, its use ({@code config.get(Keys.X)} on
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
          .check(KeyChecks::codecNames)
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

  public static final Key<Duration> TIMEOUT =
      Key.define("minirpc.timeout", CLIENT, ValueType.DURATION, Duration.ofSeconds(5))
          .builder("timeout(Duration)")
          .meaning("per-call timeout, from the call until its result, connecting included")
          .check(d -> KeyChecks.positive(d, "timeout"))
          .register(TABLE);

  public static final Key<Duration> CONNECT_TIMEOUT =
      Key.define("minirpc.connectTimeout", CLIENT, ValueType.DURATION, Duration.ofSeconds(3))
          .builder("connectTimeout(Duration)")
          .meaning("how long opening a connection may take")
          .check(d -> KeyChecks.positive(d, "connectTimeout"))
          .register(TABLE);

  public static final Key<Integer> MAX_FRAME_SIZE =
      Key.define("minirpc.maxFrameSize", BOTH, ValueType.INT_SIZE, 16 * 1024 * 1024)
          .builder("maxFrameSize(int)")
          .meaning("largest frame sent or accepted; keep it equal on both sides")
          // The fixed frame header alone is 22 bytes; below 1 KiB no useful call fits.
          .check(n -> KeyChecks.atLeast(n, 1024, "maxFrameSize", " bytes"))
          .register(TABLE);

  /** 0 means the side's default: the number of processors on a server, 1 on a client. */
  public static final Key<Integer> IO_THREADS =
      Key.define("minirpc.ioThreads", BOTH, ValueType.INT, 0)
          .defaultText("server: processors; client: 1")
          .builder("ioThreads(int)")
          .meaning("Netty I/O threads")
          .check(n -> KeyChecks.atLeast(n, 1, "ioThreads", ""))
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
          .check(KeyChecks::compressorName)
          .register(TABLE);

  public static final Key<Integer> COMPRESSION_MIN_SIZE =
      Key.define("minirpc.compression.minSize", BOTH, ValueType.INT_SIZE, 1024)
          .builder("compressionMinSize(int)")
          .meaning("bodies smaller than this go uncompressed, so small calls never pay for"
              + " compression")
          .check(n -> KeyChecks.atLeast(n, 0, "compression.minSize", " bytes"))
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
          .check(KeyChecks::connections)
          .register(TABLE);

  public static final Key<Duration> HEARTBEAT_INTERVAL =
      Key.define("minirpc.heartbeatInterval", CLIENT, ValueType.DURATION, Duration.ofSeconds(5))
          .builder("heartbeat(interval, idleTimeout)")
          .meaning("a connection that received nothing for this long sends a ping (more often if"
              + " the server's idle timeout asks for it)")
          .check(d -> KeyChecks.positive(d, "heartbeatInterval"))
          .register(TABLE);

  public static final Key<Duration> IDLE_TIMEOUT =
      Key.define("minirpc.idleTimeout", BOTH, ValueType.DURATION, Duration.ofSeconds(20))
          .builder("client: `heartbeat(...)`; server: `idleTimeout(Duration)`")
          .meaning("a connection silent for this long, heartbeats included, is closed; on the"
              + " client its pending calls fail with `UNAVAILABLE`")
          .check(d -> KeyChecks.positive(d, "idleTimeout"))
          .register(TABLE);

  public static final Key<Duration> INITIAL_BACKOFF =
      Key.define("minirpc.reconnect.initialBackoff", CLIENT, ValueType.DURATION,
              Duration.ofMillis(100))
          .builder("reconnectBackoff(initial, max)")
          .meaning("wait after a failed connection attempt, doubling per failure, ±20% jitter")
          .check(d -> KeyChecks.positive(d, "initial reconnect backoff"))
          .register(TABLE);

  public static final Key<Duration> MAX_BACKOFF =
      Key.define("minirpc.reconnect.maxBackoff", CLIENT, ValueType.DURATION, Duration.ofSeconds(5))
          .builder("reconnectBackoff(initial, max)")
          .meaning("the longest wait between attempts")
          .check(d -> KeyChecks.positive(d, "maximum reconnect backoff"))
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
          .check(n -> KeyChecks.atLeast(n, 1, "maxInFlight", ""))
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
          .check(n -> KeyChecks.notNegative(n, "maxQueuedCalls"))
          .register(TABLE);

  public static final Key<Long> MAX_QUEUED_BYTES =
      Key.define("minirpc.maxQueuedBytes", CLIENT, ValueType.SIZE, 64L * 1024 * 1024)
          .builder("maxQueuedBytes(long)")
          .meaning("bytes of encoded requests the client holds while they wait for a connection"
              + " or for room; beyond, `RESOURCE_EXHAUSTED` at once")
          .check(n -> KeyChecks.atLeast(n, 1024, "maxQueuedBytes", " bytes"))
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
          .check(n -> KeyChecks.atLeast(n, 1024 * 1024, "maxResponseMemory", " bytes"))
          .register(TABLE);

  public static final Key<Integer> MAX_SERVER_HELLO_SIZE =
      Key.define("minirpc.maxServerHelloSize", CLIENT, ValueType.INT_SIZE, 1024 * 1024)
          .builder("maxServerHelloSize(int)")
          .meaning("largest handshake a server may answer with (its services, methods and class"
              + " shapes), refused from its first bytes; the client also takes at most 4,096"
              + " services, 65,536 methods and 65,536 class shapes from it")
          .check(n -> KeyChecks.atLeast(n, 1024, "maxServerHelloSize", " bytes"))
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
          .check(n -> KeyChecks.atLeast(n, 1, "subsetSize", ""))
          .register(TABLE);

  public static final Key<Integer> MAX_ATTEMPTS =
      Key.define("minirpc.maxAttempts", CLIENT, ValueType.INT, 3)
          .builder("maxAttempts(int)")
          .meaning("most attempts of an `@Idempotent` call that may have run (the first"
              + " included); `1` turns such retries off")
          .check(n -> KeyChecks.atLeast(n, 1, "maxAttempts", ""))
          .register(TABLE);

  public static final Key<Duration> RETRY_BACKOFF =
      Key.define("minirpc.retryBackoff", CLIENT, ValueType.DURATION, Duration.ofMillis(50))
          .builder("retryBackoff(Duration)")
          .meaning("wait before the first retry of an `@Idempotent` call, doubling per attempt"
              + " up to 1 s, with jitter; calls that did not run go again at once")
          .check(d -> KeyChecks.positive(d, "retryBackoff"))
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
          .check(n -> KeyChecks.notNegative(n, "ejection.failures"))
          .register(TABLE);

  public static final Key<Duration> EJECTION_TIME =
      Key.define("minirpc.ejection.time", CLIENT, ValueType.DURATION, Duration.ofSeconds(10))
          .builder("ejection(int, Duration, int)")
          .meaning("how long the first ejection of a server lasts; each ejection in a row lasts"
              + " one more such interval, up to ten")
          .check(d -> KeyChecks.positive(d, "ejection.time"))
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

  private Keys() {}

  /** These keys, families and aliases, in the table's order. */
  static List<Object> table() {
    return Collections.unmodifiableList(TABLE);
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
}
