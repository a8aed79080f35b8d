package io.minirpc;

import io.minirpc.metrics.RpcObserver;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * Calls a server's services through proxies of their interfaces.
 *
 * <pre>{@code
 * try (RpcClient client = RpcClient.builder()
 *     .address("127.0.0.1", 4242)
 *     .codec("kryo")
 *     .timeout(Duration.ofSeconds(2))
 *     .build()) {
 *   Calculator calc = client.proxy(Calculator.class);
 *   int three = calc.add(1, 2);                            // blocks until the answer
 *   CompletableFuture<Long> f = calc.factorial(20);        // returns at once
 * }
 * }</pre>
 *
 * <p>Every call ends: with its result, or with an exception. Failures of the call itself are
 * {@link RpcException}s with a {@link RpcException.Code}; an exception thrown by the remote
 * implementation is rethrown as itself when the client can rebuild it. Methods that return {@code
 * CompletableFuture} or {@code CompletionStage} never block the caller; their futures complete on
 * the client's network thread, so use the {@code ...Async} variants for slow callbacks.
 *
 * <p>The client connects on the first call and reconnects on the next call after a connection is
 * lost. All calls share one connection; responses may arrive in any order. A client is
 * thread-safe, and should be shared and closed when no longer needed.
 */
public final class RpcClient implements AutoCloseable {
  private static final Runtimes<Builder> RUNTIME = new Runtimes<>(Builder.class);

  /**
   * What the runtime ({@code io.minirpc:rpc-core}) does for a client: each method of {@link
   * RpcClient} calls its namesake here. Applications do not implement it.
   */
  public interface Engine extends AutoCloseable {
    /** See {@link RpcClient#proxy}. */
    <T> T proxy(Class<T> service);

    /** See {@link RpcClient#callByName}. */
    CompletableFuture<Object> callByName(String service, String method,
        java.lang.reflect.Type valueType, long digest, Object... args);

    /** See {@link RpcClient#streamByName}. */
    java.util.concurrent.Flow.Publisher<Object> streamByName(String service, String method,
        java.lang.reflect.Type valueType, long digest, Object... args);

    /** See {@link RpcClient#close}. */
    @Override
    void close();
  }

  private final Engine engine;

  private RpcClient(Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine == null");
  }

  /**
   * The client that {@code engine} runs: how a runtime's {@link Builder#build()} makes one.
   * Applications call {@link #builder()}.
   */
  public static RpcClient of(Engine engine) {
    return new RpcClient(engine);
  }

  /**
   * A builder with every setting at its default, from the runtime ({@code io.minirpc:rpc-core})
   * that {@link java.util.ServiceLoader} finds.
   *
   * @throws IllegalStateException if no runtime is on the class path or module path, saying which
   *     artifact to add
   */
  public static Builder builder() {
    return RUNTIME.make();
  }

  /**
   * A proxy of {@code service} whose abstract methods call the server. Default methods and {@code
   * equals}, {@code hashCode} and {@code toString} run locally. The interface is checked now, so
   * an unsupported signature fails here rather than on the first call. Repeated calls return the
   * same proxy.
   *
   * @throws IllegalArgumentException if {@code service} is not an interface or has a method that
   *     cannot be called remotely, saying which and why
   * @throws IllegalStateException if this client is closed
   */
  public <T> T proxy(Class<T> service) {
    return engine.proxy(service);
  }

  /**
   * Calls a method known only by its wire names, for a tool without the Java interface, such as
   * the command-line client. {@code service} is the interface's full name and {@code method} its
   * key, as the server's listing gives them ({@code io.minirpc.listing.ServiceListing}; {@code
   * "add(int,int)"}). The arguments are written, and the result read, as {@code valueType} by the
   * client's codec: with the json codec, Jackson's {@code JsonNode} passes JSON through as it is,
   * so arguments and result are JSON documents. The call is checked against the server's
   * handshake with {@code digest}, the fingerprint the listing gives for the method ({@code
   * io.minirpc.listing.MethodDescription.digest()}): if the method changed since the listing was
   * read, it fails unsent with {@link RpcException.Code#CODEC}. It runs with the client's
   * interceptors, timeout and metadata, as a proxy's call does.
   *
   * @param service the service's full name
   * @param method the method's key, its name and parameter types
   * @param valueType the type every argument and the result are written and read as
   * @param digest the method's fingerprint from the listing
   * @param args the arguments; none is copied
   * @return a future that ends as the call does (at once, failed, on a closed client); the
   *     result is a {@code valueType}, or null
   */
  public CompletableFuture<Object> callByName(String service, String method,
      java.lang.reflect.Type valueType, long digest, Object... args) {
    return engine.callByName(service, method, valueType, digest, args);
  }

  /**
   * As {@link #callByName}, for a method that streams from the server (it returns {@code
   * Flow.Publisher<T>}): returns the cold publisher a proxy would, each subscription one call,
   * its items read as {@code valueType}. A method that does not stream fails the subscription.
   *
   * @param service the service's full name
   * @param method the method's key, its name and parameter types
   * @param valueType the type every argument and each item are written and read as
   * @param digest the method's fingerprint from the listing
   * @param args the arguments; none is copied
   * @return the stream; it starts when subscribed
   */
  public java.util.concurrent.Flow.Publisher<Object> streamByName(String service, String method,
      java.lang.reflect.Type valueType, long digest, Object... args) {
    return engine.streamByName(service, method, valueType, digest, args);
  }

  /**
   * Fails calls still pending with {@link RpcException.Code#CANCELLED}, closes the connection and
   * ends every thread of this client. Calling it again does nothing.
   */
  @Override
  public void close() {
    engine.close();
  }

  /** What the runtime says of the client: its server and its codec. */
  @Override
  public String toString() {
    return engine.toString();
  }

  /**
   * Configures and builds an {@link RpcClient}. Settings come from explicit calls and from {@link
   * #configure(Properties)}; whichever comes later wins. Not thread-safe.
   */
  public abstract static class Builder {
    /**
     * For the runtime, which {@link RpcClient#builder()} finds; applications call that
     * method.
     */
    protected Builder() {}

    /**
     * Sets the setting named {@code key} (as docs/configuration.md names it, {@code
     * minirpc.timeout}) to {@code value}, checked at once: what the setters below do. For the
     * runtime, which implements it over its table of settings; applications call the setters.
     *
     * @throws IllegalArgumentException if the setting refuses the value, saying why
     */
    protected abstract void set(String key, Object value);

    /**
     * Sets the setting named {@code key} from {@code text}, as a Properties file writes it. For the
     * runtime, like {@link #set}.
     *
     * @throws IllegalArgumentException if the setting refuses the text, saying what it expects
     */
    protected abstract void parse(String key, String text);

    private Builder with(String key, Object value) {
      set(key, value);
      return this;
    }

    private Builder withText(String key, String text) {
      parse(key, text);
      return this;
    }

    /**
     * Adds interceptors that run around every call, in the order given: the first added is
     * outermost. See {@link ClientInterceptor}; {@code io.minirpc.interceptors} has logging and
     * metrics.
     */
    public abstract Builder intercept(ClientInterceptor... interceptors);

    /**
     * Tells {@code observer} of every call (measured by an interceptor put before those given to
     * {@link #intercept}, from the proxy call until its result), every connection and its bytes;
     * see {@link RpcObserver}. {@code io.minirpc:rpc-micrometer} has one for Micrometer. Default:
     * none, and no work is done for one. Replaces an earlier observer; the builder does not own it.
     */
    public abstract Builder observer(RpcObserver observer);

    /**
     * Reads every {@code minirpc.*} key of {@code properties} (docs/configuration.md lists them);
     * keys outside {@code minirpc.*} are ignored, so {@code System.getProperties()} can be passed.
     * Values set here replace earlier calls and are replaced by later ones.
     *
     * @throws IllegalArgumentException for an unknown {@code minirpc.*} key or a bad value
     */
    public abstract Builder configure(Properties properties);

    /** The server to call ({@code minirpc.address} = {@code host:port}). Required. */
    public abstract Builder address(String host, int port);

    /**
     * The servers to call ({@code minirpc.address}): {@code "host:port"}; several, {@code
     * "host1:4242,host2:4242"}, among which each call picks one (see {@link #loadBalancer}); or a
     * discovery URI that keeps the list up to date: {@code "dns:///orders.internal:4242"} (every
     * address of the name, resolved again every 30 s and when connections fail) or, with {@code
     * io.minirpc:rpc-discovery-zookeeper}, {@code "zookeeper://zk1:2181,zk2:2181/minirpc/orders"};
     * or {@code "local:NAME"}, the server bound to that name in this JVM with the local transport
     * (no socket; TLS is refused at {@link #build()}).
     *
     * @throws IllegalArgumentException if the text is neither, saying what is expected
     */
    public Builder address(String target) {
      Objects.requireNonNull(target, "target == null");
      return withText("minirpc.address", target);
    }

    /**
     * How a client of several servers picks one per call ({@code minirpc.loadBalancer}): {@code
     * "least-pending"} (the default: of two ready servers picked at random, the one with fewer
     * calls pending per unit of weight, which moves load away from a slow server), {@code
     * "round-robin"}, or {@code "consistent-hash"} (by the {@link HashKey @HashKey} argument, so
     * equal keys reach the same server, moving on from a server loaded above 1.25 times the mean).
     */
    public Builder loadBalancer(String policy) {
      Objects.requireNonNull(policy, "policy == null");
      return withText("minirpc.loadBalancer", policy);
    }

    /**
     * How many servers of a fleet this client connects to ({@code minirpc.subsetSize}, default
     * 10): a stable random subset, so that a client of a 500-server fleet does not hold 500
     * connections. Servers of the subset that cannot be reached or are ejected are replaced by
     * others.
     */
    public Builder subsetSize(int servers) {
      return with("minirpc.subsetSize", servers);
    }

    /**
     * The most attempts of an {@link Idempotent @Idempotent} call that failed after it may have
     * run ({@code minirpc.maxAttempts}, default 3, the first included). Calls that provably did
     * not run are sent again to another server regardless, within their deadline.
     */
    public Builder maxAttempts(int attempts) {
      return with("minirpc.maxAttempts", attempts);
    }

    /**
     * The wait before the first retry of an {@link Idempotent @Idempotent} call, doubling per
     * attempt up to 1 s, with jitter ({@code minirpc.retryBackoff}, default 50 ms).
     */
    public Builder retryBackoff(Duration initial) {
      return with("minirpc.retryBackoff", initial);
    }

    /**
     * The retries and hedged attempts of idempotent calls the client may make, as a share of its
     * calls ({@code minirpc.retryBudget}, default 0.2), plus 10 a second: when servers fail,
     * retries stop at the budget instead of multiplying the load on a fleet in trouble.
     */
    public Builder retryBudget(double share) {
      return with("minirpc.retryBudget", share);
    }

    /**
     * Outlier ejection: a server whose calls fail with {@code UNAVAILABLE} (or lose their
     * connection) or time out {@code failures} times in a row, or in half of 20 or more calls
     * within 10 s, is not chosen for {@code time}, longer each time in a row (up to ten times);
     * at most {@code maxPercent} percent of the servers, and never all, are ejected at once.
     * Defaults 5, 10 s and 50 ({@code minirpc.ejection.*}); {@code failures} 0 turns it off.
     */
    public Builder ejection(int failures, Duration time, int maxPercent) {
      set("minirpc.ejection.failures", failures);
      set("minirpc.ejection.time", time);
      return with("minirpc.ejection.maxPercent", maxPercent);
    }

    /**
     * The codec, by name: {@code "json"} or {@code "kryo"}, or another installed one ({@code
     * minirpc.codec}). Default: the only installed codec, or {@code json} when several are.
     */
    public Builder codec(String name) {
      Objects.requireNonNull(name, "name == null");
      return with("minirpc.codec", java.util.List.of(name));
    }

    /**
     * How long a call may take, from the moment it is made until its result arrives, including
     * the time to connect. Default 5 seconds ({@code minirpc.timeout}). A method's {@code @Timeout}
     * replaces it; a {@link CallDeadline} scope can only shorten it.
     */
    public Builder timeout(Duration timeout) {
      return with("minirpc.timeout", timeout);
    }

    /** How long to wait for a connection to open. Default 3 seconds ({@code minirpc.connectTimeout}). */
    public Builder connectTimeout(Duration timeout) {
      return with("minirpc.connectTimeout", timeout);
    }

    /**
     * The largest frame accepted or sent, in bytes; a larger request fails before it is sent with
     * {@link RpcException.Code#RESOURCE_EXHAUSTED}. Default 16 MiB ({@code
     * minirpc.maxFrameSize}). Keep it equal on client and server.
     */
    public Builder maxFrameSize(int bytes) {
      return with("minirpc.maxFrameSize", bytes);
    }

    /**
     * Adds metadata sent with every call of this client, readable on the server through {@link
     * RpcContext#metadata()}; for example an API key, a tenant or a tracing id. Also settable as
     * {@code minirpc.metadata.<key>=<value>}. A later value for the same key replaces the earlier.
     */
    public abstract Builder metadata(String key, String value);

    /**
     * Whether a call made from inside a server call ends no later than the call being served
     * (gRPC's deadline propagation). Default true ({@code minirpc.propagateDeadline}).
     */
    public Builder propagateDeadline(boolean propagate) {
      return with("minirpc.propagateDeadline", propagate);
    }

    /**
     * Heartbeats: a connection that has received nothing for {@code interval} sends a ping; one
     * that has received nothing, not even a pong, for {@code idleTimeout} is closed, its pending
     * calls fail with {@link RpcException.Code#UNAVAILABLE}, and the client reconnects. Defaults
     * 5 s and 20 s ({@code minirpc.heartbeatInterval}, {@code minirpc.idleTimeout}); the client
     * pings more often if the server's idle timeout asks for it.
     *
     * @throws IllegalArgumentException at {@link #build()} unless {@code interval < idleTimeout}
     */
    public Builder heartbeat(Duration interval, Duration idleTimeout) {
      set("minirpc.heartbeatInterval", interval);
      return with("minirpc.idleTimeout", idleTimeout);
    }

    /**
     * How many connections to open to the server; calls are spread over them. Default 1 ({@code
     * minirpc.connections}). More connections help when one connection's I/O thread or socket is
     * the bottleneck.
     */
    public Builder connections(int connections) {
      return with("minirpc.connections", connections);
    }

    /**
     * How long to wait before reconnecting after a failed attempt: {@code initial}, doubling after
     * each failure up to {@code max}, each with 20% random jitter. A connection that was working
     * is replaced at once. Defaults 100 ms and 5 s ({@code minirpc.reconnect.initialBackoff},
     * {@code minirpc.reconnect.maxBackoff}).
     */
    public abstract Builder reconnectBackoff(Duration initial, Duration max);

    /**
     * What a call does while the client has no connection. False (the default, {@code
     * minirpc.waitForReady}): while the first connection, or the first reconnection after a
     * working one closed, is being made, calls wait for it; once an attempt has failed, calls fail
     * at once with {@link RpcException.Code#UNAVAILABLE} ("It did not run") until a connection is
     * back, as gRPC's and Dubbo's do. True: calls wait for a connection up to their own timeout.
     * {@link WaitForReady @WaitForReady} sets it per interface or method.
     */
    public Builder waitForReady(boolean waitForReady) {
      return with("minirpc.waitForReady", waitForReady);
    }

    /**
     * The old name of {@link #waitForReady}, with the opposite meaning: {@code failFast(true)} is
     * {@code waitForReady(false)}.
     *
     * @deprecated use {@link #waitForReady(boolean)} ({@code minirpc.waitForReady})
     */
    @Deprecated
    public Builder failFast(boolean failFast) {
      return waitForReady(!failFast);
    }

    /**
     * The most calls in flight on one connection; the server may ask for fewer ({@code
     * minirpc.server.maxCallsPerConnection}). Default 4096 ({@code minirpc.maxInFlight}). A call
     * beyond the limit, or made while the connection's write buffer is full, waits for room (see
     * {@link #failWhenBusy}).
     */
    public Builder maxInFlight(int callsPerConnection) {
      return with("minirpc.maxInFlight", callsPerConnection);
    }

    /**
     * What a call does when every connection is full (see {@link #maxInFlight}). False (the
     * default, {@code minirpc.failWhenBusy}): it waits for room up to its own timeout, then fails
     * with {@link RpcException.Code#RESOURCE_EXHAUSTED}. True: it fails at once with {@code
     * RESOURCE_EXHAUSTED}.
     */
    public Builder failWhenBusy(boolean fail) {
      return with("minirpc.failWhenBusy", fail);
    }

    /**
     * The most calls that may wait for a connection or for room at once; more fail at once with
     * {@link RpcException.Code#RESOURCE_EXHAUSTED}. Default 1,000,000 ({@code
     * minirpc.maxQueuedCalls}), a safety net: {@link #maxQueuedBytes} is the limit that usually
     * applies first.
     */
    public Builder maxQueuedCalls(int calls) {
      return with("minirpc.maxQueuedCalls", calls);
    }

    /**
     * The most bytes of encoded requests the client holds while their calls wait for a
     * connection or for room; a call beyond fails at once with {@link
     * RpcException.Code#RESOURCE_EXHAUSTED}. Default 64 MiB ({@code minirpc.maxQueuedBytes}).
     */
    public Builder maxQueuedBytes(long bytes) {
      return with("minirpc.maxQueuedBytes", bytes);
    }

    /**
     * The most memory, in bytes, that decoding responses may allocate at once, measured while they
     * decode (garbage included). A response past it fails its call with {@link
     * RpcException.Code#RESOURCE_EXHAUSTED}, and the connection to the server that sent it is
     * closed: a server cannot run the client out of memory with answers that expand far beyond
     * their bytes. Default a quarter of the maximum heap ({@code minirpc.maxResponseMemory}).
     */
    public Builder maxResponseMemory(long bytes) {
      return with("minirpc.maxResponseMemory", bytes);
    }

    /**
     * The largest handshake, in bytes, a server may answer with: its services, methods and class
     * shapes. A larger one is refused from its first bytes, before it is buffered, and the
     * connection fails naming this setting. Default 1 MiB ({@code minirpc.maxServerHelloSize}).
     */
    public Builder maxServerHelloSize(int bytes) {
      return with("minirpc.maxServerHelloSize", bytes);
    }

    /**
     * The Netty transport: {@code "auto"} (the default: native epoll where available, else Java
     * NIO), {@code "epoll"} or {@code "nio"} ({@code minirpc.transport}). A {@code "local:NAME"}
     * {@linkplain #address(String) address} always takes the local transport.
     *
     * @throws IllegalArgumentException for another name; {@link #build()} throws {@link
     *     IllegalStateException} for {@code "epoll"} where epoll is unavailable, saying why
     */
    public Builder transport(String name) {
      Objects.requireNonNull(name, "transport == null");
      return withText("minirpc.transport", name);
    }

    /**
     * Whether connections use TLS ({@code minirpc.tls}, default false). A server also needs its
     * certificate ({@link #tlsCertificate}); a client trusts the JDK's CAs unless given others
     * ({@link #tlsTrustedCertificates}). Certificate settings given while TLS is off fail {@code
     * build()}, so that a forgotten {@code minirpc.tls=true} cannot leave connections plaintext.
     */
    public Builder tls(boolean on) {
      return with("minirpc.tls", on);
    }

    /**
     * Whether credentials in the metadata (the {@code authorization} entry, or one whose key names
     * a token, secret, password or credential) may be sent without TLS to servers that are not
     * on loopback. Default false ({@code minirpc.allowInsecureCredentials}): like gRPC, which
     * refuses call credentials on an insecure channel, such a client fails at {@code build()}
     * when its address names such a server, and leaves out such servers that discovery lists.
     * Loopback addresses and the local transport are allowed: their bytes never leave the
     * machine.
     */
    public Builder allowInsecureCredentials(boolean allow) {
      return with("minirpc.allowInsecureCredentials", allow);
    }

    /**
     * TLS from an {@link SslContext} the application built itself (Netty's {@code
     * SslContextBuilder}); it wins over every {@code minirpc.tls.*} file. The builder does not
     * own it.
     */
    public abstract Builder tls(SslContext context);

    /**
     * The certificate chain and its PKCS#8 private key, PEM files ({@code minirpc.tls.certChain},
     * {@code minirpc.tls.privateKey}): the client's own, for servers that require client certificates (mutual TLS). Read at {@code build()}.
     */
    public abstract Builder tlsCertificate(Path certChain, Path privateKey);

    /**
     * The CAs to trust, a PEM file ({@code minirpc.tls.trustedCerts}): those that signed the server's certificate; the JDK's trust store when not set.
     */
    public abstract Builder tlsTrustedCertificates(Path caCertificates);

    /**
     * Whether the server's certificate must name the host this client connects to (default true,
     * {@code minirpc.tls.hostnameVerification}). Turning it off is logged as a warning: any
     * certificate the trusted CAs signed is then accepted.
     */
    public Builder tlsHostnameVerification(boolean verify) {
      return with("minirpc.tls.hostnameVerification", verify);
    }

    /** The number of network threads. Default 1 ({@code minirpc.ioThreads}). */
    public Builder ioThreads(int threads) {
      return with("minirpc.ioThreads", threads);
    }

    /**
     * Compresses this client's requests with {@code name}, and asks servers to compress their
     * answers with it: {@code "gzip"} (built in), {@code "lz4"} (with {@code
     * io.minirpc:rpc-compression-lz4}), or {@code "none"}, the default ({@code
     * minirpc.compression}). A method's {@link Compress @Compress} overrides it. Only bodies of at
     * least {@link #compressionMinSize} bytes are compressed, and only toward a peer that has the
     * compressor; others go uncompressed. {@code build()} fails if no such compressor is installed.
     */
    public Builder compression(String name) {
      return with("minirpc.compression", name);
    }

    /**
     * Request bodies smaller than this go uncompressed. Default 1 KiB ({@code
     * minirpc.compression.minSize}).
     */
    public Builder compressionMinSize(int bytes) {
      return with("minirpc.compression.minSize", bytes);
    }

    /**
     * Classes the Kryo codec may decode beyond those the interfaces' signatures reach ({@code
     * minirpc.codec.allow}). The server needs the same list.
     */
    public abstract Builder allowClasses(Class<?>... classes);

    /**
     * Builds the client. It connects on the first call.
     *
     * @throws IllegalStateException if no address is set, or the codec is not installed (the
     *     message names the installed codecs and the artifact to add)
     * @throws IllegalArgumentException if a setting is refused, such as a compressor that is not
     *     installed (the message names the artifact to add), or credentials that would travel in
     *     cleartext
     */
    public abstract RpcClient build();
  }
}
