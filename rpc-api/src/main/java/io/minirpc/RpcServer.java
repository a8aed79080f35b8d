package io.minirpc;

import io.minirpc.health.ServerHealth;
import io.minirpc.metrics.RpcObserver;
import io.minirpc.metrics.ServerGauges;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * Serves implementations of plain Java interfaces to {@link RpcClient}s.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *     .port(4242)
 *     .register(Calculator.class, new CalculatorImpl())
 *     .build()
 *     .start();
 * ...
 * server.close();
 * }</pre>
 *
 * <p>A server speaks every installed codec by default (exactly those given to {@link
 * Builder#codecs} otherwise) and answers each request in the codec it came in, so clients with
 * different codecs can share it. Implementations run on a bounded pool of
 * worker threads, never on a network thread; when the pool and its queue are full, callers get
 * {@link RpcException.Code#RESOURCE_EXHAUSTED} at once. An implementation may return a {@code
 * CompletableFuture} that completes later, without holding a thread while it waits.
 *
 * <p>A server is thread-safe. {@link #close()} is graceful: it stops accepting connections and
 * calls, lets the calls in flight finish within the grace period, and returns once every server
 * thread has ended.
 *
 * <p>Every server also serves {@link io.minirpc.health.Health} (statuses set with {@link #health()}), and, when
 * asked with {@link Builder#listing}, {@code io.minirpc.listing.ServiceListing}, which describes its services for
 * tools such as {@code minirpc call}.
 */
public final class RpcServer implements AutoCloseable, ServerGauges {
  private static final Runtimes<Builder> RUNTIME = new Runtimes<>(Builder.class);

  /**
   * What the runtime ({@code io.minirpc:rpc-core}) does for a server: each method of {@link
   * RpcServer} calls its namesake here. Applications do not implement it.
   */
  public interface Engine extends AutoCloseable, ServerGauges {
    /**
     * See {@link RpcServer#start}.
     *
     * @param server the server this engine runs, for the observer told it has started
     */
    void start(RpcServer server);

    /** See {@link RpcServer#port}. */
    int port();

    /** See {@link RpcServer#health}. */
    ServerHealth health();

    /** See {@link RpcServer#close}. */
    @Override
    void close();
  }

  private final Engine engine;

  private RpcServer(Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine == null");
  }

  /**
   * The server that {@code engine} runs: how a runtime's {@link Builder#build()} makes one.
   * Applications call {@link #builder()}.
   */
  public static RpcServer of(Engine engine) {
    return new RpcServer(engine);
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
   * Binds the port and starts serving. Returns this server, for chaining after {@code build()}.
   *
   * <p>With a {@linkplain Builder#registry registry}, it then registers the server there and
   * returns once the registration is done.
   *
   * @throws RpcException with code {@link RpcException.Code#UNAVAILABLE} if the port cannot be
   *     bound, or the server cannot register, saying why; nothing is left open
   * @throws IllegalStateException if the server was already started or closed
   */
  public RpcServer start() {
    engine.start(this);
    return this;
  }

  /**
   * The port the server is bound to: the chosen one when the builder asked for port 0; 0 on the
   * local transport, which has no ports.
   */
  public int port() {
    return engine.port();
  }

  /**
   * The statuses this server's {@link io.minirpc.health.Health} service reports: every one {@code SERVING} until
   * the application says otherwise, and {@code NOT_SERVING} from the moment {@link #close()}
   * starts.
   */
  public ServerHealth health() {
    return engine.health();
  }

  /**
   * Shuts down gracefully. It turns every {@link #health()} status to {@code NOT_SERVING}
   * (answering its watchers). With a {@linkplain Builder#registry registry}, it then deregisters
   * and goes on serving for the {@linkplain Builder#deregisterDelay deregister delay}, so that
   * clients stop choosing this server before it stops. Then it stops accepting connections,
   * tells every client to go away (their new calls go to another connection; calls that arrive
   * anyway are refused unrun), waits up to the grace period for the calls in flight to finish,
   * fails what is left with {@link RpcException.Code#UNAVAILABLE}, closes every connection and
   * returns once all server threads have ended. Calling it again does nothing.
   */
  @Override
  public void close() {
    engine.close();
  }

  /** The number of client connections open now. */
  @Override
  public int connectionCount() {
    return engine.connectionCount();
  }

  /** Calls accepted and not yet answered now: waiting for a worker or running. */
  @Override
  public long callsInFlight() {
    return engine.callsInFlight();
  }

  /**
   * Calls waiting for a worker now (at most {@code minirpc.server.queue}); beyond, calls are
   * refused with {@link RpcException.Code#RESOURCE_EXHAUSTED}.
   */
  @Override
  public int queuedCalls() {
    return engine.queuedCalls();
  }

  /**
   * Bytes of {@code minirpc.server.maxMemory} that requests hold now: frames being received,
   * waiting or decoded; every call in flight, at 1 KiB besides its arguments and metadata; and
   * answers encoded but not yet written. 0 when no call is in flight.
   */
  @Override
  public long memoryInUse() {
    return engine.memoryInUse();
  }

  /** What the runtime says of the server: its port, or that it has not started. */
  @Override
  public String toString() {
    return engine.toString();
  }

  /**
   * Configures and builds an {@link RpcServer}. Settings come from explicit calls and from {@link
   * #configure(Properties)}; whichever comes later wins. Not thread-safe.
   */
  public abstract static class Builder {
    /**
     * For the runtime, which {@link RpcServer#builder()} finds; applications call that
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
     * Reads every {@code minirpc.*} key of {@code properties} (docs/configuration.md lists them);
     * keys outside {@code minirpc.*} are ignored, so {@code System.getProperties()} can be passed.
     * Values set here replace earlier calls and are replaced by later ones.
     *
     * @throws IllegalArgumentException for an unknown {@code minirpc.*} key or a bad value
     */
    public abstract Builder configure(Properties properties);

    /** The port to listen on; 0, the default, picks a free one (read it with {@link #port}). */
    public Builder port(int port) {
      return with("minirpc.port", port);
    }

    /**
     * The local address to bind, such as {@code 127.0.0.1} to accept only local clients. Default:
     * every interface. With {@code transport("local")}, the name to bind in this JVM, required;
     * clients call it at {@code "local:" + name}.
     */
    public Builder host(String host) {
      return with("minirpc.host", host);
    }

    /**
     * Serves {@code implementation} under {@code service}'s name. Every method of the interface is
     * checked now: a signature that cannot be sent (type variables, raw futures) is refused here,
     * and a type the codecs cannot handle is refused at {@link #build()}.
     *
     * @throws IllegalArgumentException if {@code service} is not an interface, is already
     *     registered, or has a method that cannot be called remotely
     */
    public abstract <T> Builder register(Class<T> service, T implementation);

    /**
     * The codecs this server speaks, by name: it lists and accepts exactly these, closes (after
     * GOAWAY) a connection whose HELLO offers none of them, and refuses a request in another with
     * {@code CODEC}. Default: every installed codec ({@code minirpc.codec}, comma-separated).
     */
    public abstract Builder codecs(String... names);

    /**
     * The most worker threads that run implementations at once. Default 200 ({@code
     * minirpc.server.threads}).
     */
    public Builder threads(int threads) {
      return with("minirpc.server.threads", threads);
    }

    /**
     * How many calls may wait for a worker thread; past that, calls fail with {@link
     * RpcException.Code#RESOURCE_EXHAUSTED}. 0 means none wait. Default 1000 ({@code
     * minirpc.server.queue}).
     */
    public Builder queueCapacity(int capacity) {
      return with("minirpc.server.queue", capacity);
    }

    /**
     * The number of network threads. Default: the number of processors ({@code
     * minirpc.ioThreads}).
     */
    public Builder ioThreads(int threads) {
      return with("minirpc.ioThreads", threads);
    }

    /**
     * The largest frame accepted or sent, in bytes; larger requests close the connection, larger
     * results fail their call. Default 16 MiB ({@code minirpc.maxFrameSize}).
     */
    public Builder maxFrameSize(int bytes) {
      return with("minirpc.maxFrameSize", bytes);
    }

    /**
     * A connection that sends nothing, not even a heartbeat, for this long is closed. Clients
     * ping often enough to stay connected while idle. Default 20 s ({@code minirpc.idleTimeout}).
     */
    public Builder idleTimeout(Duration timeout) {
      return with("minirpc.idleTimeout", timeout);
    }

    /**
     * The most calls one connection may have in flight (running or queued); more are refused with
     * {@link RpcException.Code#RESOURCE_EXHAUSTED}, so one client cannot take every worker.
     * Clients learn the limit in the handshake and stay under it. Default 1000 ({@code
     * minirpc.server.maxCallsPerConnection}).
     */
    public Builder maxCallsPerConnection(int calls) {
      return with("minirpc.server.maxCallsPerConnection", calls);
    }

    /**
     * The most calls the whole server may have open at once: running, queued, or waiting for an
     * asynchronous result (a health watch waits so); more are refused with {@link
     * RpcException.Code#RESOURCE_EXHAUSTED}. Every open call also holds at least 1 KiB of {@link
     * #maxMemory}. Default 0: one call for every 2 KiB of {@code maxMemory}, 43008 at {@code
     * -Xmx128m} ({@code minirpc.server.maxCalls}).
     */
    public Builder maxCalls(int calls) {
      return with("minirpc.server.maxCalls", calls);
    }

    /**
     * The most bytes that requests waiting for a worker may hold; past it, new calls are refused
     * at once with {@link RpcException.Code#RESOURCE_EXHAUSTED}. Default 64 MiB ({@code
     * minirpc.server.maxQueuedBytes}).
     */
    public Builder maxQueuedBytes(long bytes) {
      return with("minirpc.server.maxQueuedBytes", bytes);
    }

    /**
     * The memory requests may hold in this server, in bytes: every frame from its first bytes until
     * it has been handled (a request counts five times its size: its bytes, and four times them
     * for what decoding makes of them, counted until its call is answered), every call in flight
     * at 1 KiB more and its metadata, until its answer is written, and each answer from when it is
     * encoded until it is written. Past it the server stops
     * reading the connections that want more until memory frees, so it never runs out of memory
     * because of what clients send; a connection that holds memory for a frame it stopped sending
     * is closed after 2 s while others wait, and so is one sending a frame slower than 128 KiB/s
     * (after its first 2 s). Default: of the smaller of the JVM's maximum heap and
     * maximum direct memory, three quarters of what is left after 16 MiB for the JVM's own
     * objects, and at least a quarter (84 MiB at {@code -Xmx128m}; {@code
     * minirpc.server.maxMemory}); see {@link RpcServer#memoryInUse}.
     */
    public Builder maxMemory(long bytes) {
      return with("minirpc.server.maxMemory", bytes);
    }

    /**
     * The part of {@link #maxMemory} one connection may hold, in bytes, so one client cannot take
     * all of it: past it the server stops reading that connection until its calls give memory
     * back, and a request that could never fit (five times its size is more than this) is refused
     * with {@link RpcException.Code#RESOURCE_EXHAUSTED}, unread. Default half of {@link
     * #maxMemory} ({@code minirpc.server.maxConnectionMemory}).
     */
    public Builder maxConnectionMemory(long bytes) {
      return with("minirpc.server.maxConnectionMemory", bytes);
    }

    /**
     * The share of {@link #maxMemory} one client host (an IPv4 address, or an IPv6 /64) may hold,
     * in bytes, while a host holding less waits for memory: past it, the host's connections take
     * no more until the waiting hosts are served, so one busy or hostile host cannot keep the
     * others out by taking every byte given back. A host alone may use all of {@link #maxMemory}.
     * Default half of {@link #maxMemory} ({@code minirpc.server.maxAddressMemory}).
     */
    public Builder maxAddressMemory(long bytes) {
      return with("minirpc.server.maxAddressMemory", bytes);
    }

    /**
     * The most worker threads one connection's calls may hold at once; its further calls wait in
     * a queue of its own (within {@link #maxCallsPerConnection} and {@link #maxQueuedBytes}), so
     * that the calls of other clients still find a free worker. Default half of {@link
     * #threads} ({@code minirpc.server.maxRunningPerConnection}).
     */
    public Builder maxRunningPerConnection(int threads) {
      return with("minirpc.server.maxRunningPerConnection", threads);
    }

    /**
     * The most client connections open at once. A connection beyond gets a GOAWAY that names the
     * limit and is closed, with a log line; unless its host holds fewer connections than the host
     * that holds the most, whose longest-idle connection is then closed (GOAWAY) to make room.
     * Default 4096 ({@code minirpc.server.maxConnections}).
     */
    public Builder maxConnections(int connections) {
      return with("minirpc.server.maxConnections", connections);
    }

    /**
     * The most connections open at once from one client host: an IPv4 address, or an IPv6 /64;
     * beyond, a GOAWAY that names the limit, and the close. Default 256 ({@code
     * minirpc.server.maxConnectionsPerAddress}).
     */
    public Builder maxConnectionsPerAddress(int connections) {
      return with("minirpc.server.maxConnectionsPerAddress", connections);
    }

    /**
     * How many new connections a second one client host (an IPv4 address, an IPv6 /64) may open
     * on average, in bursts of {@link #maxConnectionsPerAddress} or twice this, whichever is
     * more; one beyond is closed as soon as it is accepted, before any TLS work, so that a host
     * cannot keep the server busy accepting and shaking hands. Default 20 ({@code
     * minirpc.server.connectionRatePerAddress}).
     */
    public Builder connectionRatePerAddress(int connectionsPerSecond) {
      return with("minirpc.server.connectionRatePerAddress", connectionsPerSecond);
    }

    /**
     * How long a new connection may take to send its HELLO; then it is closed. With an {@link
     * #authenticator}, also how long it may stay unauthenticated; then it gets GOAWAY and is
     * closed. Default 10 s ({@code minirpc.server.handshakeTimeout}); the idle timeout applies
     * once it has sent its HELLO.
     */
    public Builder handshakeTimeout(Duration timeout) {
      return with("minirpc.server.handshakeTimeout", timeout);
    }

    /**
     * How long a connection may go with no call open and no request before the server sends
     * GOAWAY and closes it; heartbeats do not count. A minirpc client opens a new connection for
     * its next call. Default 5 minutes; {@link Duration#ZERO} for never ({@code
     * minirpc.server.maxConnectionIdle}). As gRPC's {@code maxConnectionIdle}.
     */
    public Builder maxConnectionIdle(Duration idle) {
      return with("minirpc.server.maxConnectionIdle", idle);
    }

    /**
     * How long a method that blocks its worker on a client's stream (a blocking iterator over
     * its {@code Flow.Publisher} parameter) waits for the client's next item, once it asked for
     * one: then the stream ends with {@code TIMEOUT} for the method, and the worker is free
     * again. This bounds what a client that opens a stream and sends nothing can hold. A method
     * that reads its stream asynchronously (a subscriber, a returned future) holds no worker and
     * is not cut. Default 60 s; {@link Duration#ZERO} for never ({@code
     * minirpc.server.maxStreamIdle}).
     */
    public Builder maxStreamIdle(Duration idle) {
      return with("minirpc.server.maxStreamIdle", idle);
    }

    /**
     * How long a connection may live, give or take 10% so that connections opened together do
     * not leave together: then the server sends GOAWAY, the client moves its new calls to a new
     * connection, and the server closes the old one once its calls have ended, or after {@code
     * grace}. Defaults never ({@link Duration#ZERO}, {@code minirpc.server.maxConnectionAge}: a
     * call that runs longer than the grace, such as a health watch, would be cut) and 30 s
     * ({@code minirpc.server.maxConnectionAgeGrace}, which also bounds the calls of a connection
     * closed for idleness or to make room). As gRPC's {@code maxConnectionAge}, also off there.
     */
    public Builder maxConnectionAge(Duration age, Duration grace) {
      set("minirpc.server.maxConnectionAge", age);
      return with("minirpc.server.maxConnectionAgeGrace", grace);
    }

    /**
     * The largest frame a client may send before its HELLO has been accepted, so that connections
     * that never finish a handshake hold little memory; checked from a frame's first bytes. With an
     * {@link #authenticator}, it holds until the connection is authenticated (by its HELLO, or by
     * a request the authenticator accepts): a larger request is refused with {@code
     * UNAUTHENTICATED} without being read. Default 64 KiB ({@code
     * minirpc.server.maxPreHelloFrameSize}).
     */
    public Builder maxPreHelloFrameSize(int bytes) {
      return with("minirpc.server.maxPreHelloFrameSize", bytes);
    }

    /**
     * The most bytes of metadata keys and values one request may carry; a request with more is
     * refused with {@link RpcException.Code#RESOURCE_EXHAUSTED} while its header is read. Default
     * 8 KiB ({@code minirpc.server.maxMetadataSize}).
     */
    public Builder maxMetadataSize(int bytes) {
      return with("minirpc.server.maxMetadataSize", bytes);
    }

    /**
     * The most metadata entries one request may carry; more are refused with {@link
     * RpcException.Code#RESOURCE_EXHAUSTED}. Default 64 ({@code minirpc.server.maxMetadataEntries}).
     */
    public Builder maxMetadataEntries(int entries) {
      return with("minirpc.server.maxMetadataEntries", entries);
    }

    /**
     * The most PINGs per second one connection may send; a client over it gets GOAWAY and its
     * connection is closed, as gRPC's {@code too_many_pings}. Default 10 ({@code
     * minirpc.server.maxPingsPerSecond}); minirpc's clients ping at most every few seconds.
     */
    public Builder maxPingsPerSecond(int pings) {
      return with("minirpc.server.maxPingsPerSecond", pings);
    }

    /**
     * The most CANCELs per second one connection may send on average, with a burst as large as
     * {@link #maxCallsPerConnection} (a client may give up on every call at once); over it the
     * client gets GOAWAY and its connection is closed (a "rapid reset" flood). Default 1000
     * ({@code minirpc.server.maxCancelsPerSecond}).
     */
    public Builder maxCancelsPerSecond(int cancels) {
      return with("minirpc.server.maxCancelsPerSecond", cancels);
    }

    /**
     * Runs implementations on the network threads instead of the worker pool ({@code
     * minirpc.server.directExecutor}, default false), like gRPC's {@code directExecutor()}: it
     * saves two thread hand-offs per call, which matters for methods that take microseconds. Only
     * for implementations that never block (no I/O, no locks held long, no blocking calls to
     * other services); a blocking one stalls every connection of that thread. The worker pool's
     * limits ({@code threads}, {@code queueCapacity}, {@code maxQueuedBytes}) then do not apply.
     */
    public Builder directExecutor(boolean direct) {
      return with("minirpc.server.directExecutor", direct);
    }

    /**
     * The Netty transport: {@code "auto"} (the default: native epoll where available, else Java
     * NIO), {@code "epoll"}, {@code "nio"}, or {@code "local"}: no socket, the server is bound to
     * the name given to {@link #host} in this JVM, for clients there to call at {@code
     * "local:NAME"} through the same pipeline and codecs ({@code minirpc.transport}).
     *
     * @throws IllegalArgumentException for another name; {@link #build()} throws {@link
     *     IllegalStateException} for {@code "epoll"} where epoll is unavailable, saying why, and
     *     {@link IllegalArgumentException} for {@code "local"} without a name, with TLS or with a
     *     registry
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
     * TLS from an {@link SslContext} the application built itself (Netty's {@code
     * SslContextBuilder}); it wins over every {@code minirpc.tls.*} file. The builder does not
     * own it.
     */
    public abstract Builder tls(SslContext context);

    /**
     * The certificate chain and its PKCS#8 private key, PEM files ({@code minirpc.tls.certChain},
     * {@code minirpc.tls.privateKey}): the server's own, required with TLS. Read at {@code build()}.
     */
    public abstract Builder tlsCertificate(Path certChain, Path privateKey);

    /**
     * The CAs to trust, a PEM file ({@code minirpc.tls.trustedCerts}): those that sign client certificates, with {@link #tlsClientAuth}.
     */
    public abstract Builder tlsTrustedCertificates(Path caCertificates);

    /**
     * Whether clients must show a certificate signed by {@link #tlsTrustedCertificates}: {@code
     * "none"} (the default), {@code "optional"} or {@code "require"} ({@code
     * minirpc.tls.clientAuth}).
     */
    public Builder tlsClientAuth(String mode) {
      Objects.requireNonNull(mode, "mode == null");
      return withText("minirpc.tls.clientAuth", mode);
    }

    /**
     * Decides about every call before any of its arguments is decoded, so a peer without
     * credentials never reaches the codecs, and about each connection's handshake, so that only an
     * authenticated client learns the services; see {@link Authenticator}. Default: none, or a
     * {@code io.minirpc.auth.BearerTokenAuthenticator} from the file in {@code minirpc.server.auth.bearerTokens}.
     * The builder does not own it.
     */
    public abstract Builder authenticator(Authenticator authenticator);

    /**
     * Adds interceptors that run around every call, in the order given: the first added is
     * outermost. See {@link ServerInterceptor}; {@code io.minirpc.interceptors} has logging and
     * metrics.
     */
    public abstract Builder intercept(ServerInterceptor... interceptors);

    /**
     * Tells {@code observer} of every call (measured by an interceptor put before those given to
     * {@link #intercept}), every connection and its bytes, and every request refused before it
     * runs; see {@link RpcObserver}. {@code io.minirpc:rpc-micrometer} has one for Micrometer.
     * Default: none, and no work is done for one. Replaces an earlier observer; the builder does
     * not own it.
     */
    public abstract Builder observer(RpcObserver observer);

    /**
     * Limits a service to {@code perSecond} calls per second, all its methods together; calls
     * over the limit fail at once with {@link RpcException.Code#RESOURCE_EXHAUSTED}. Overrides a
     * {@link RateLimit} on the interface ({@code minirpc.server.rateLimit.<service>}).
     */
    public abstract Builder rateLimit(Class<?> service, double perSecond);

    /**
     * Limits the methods named {@code method} of a service to {@code perSecond} calls per second
     * each, on top of any limit of the whole service. Overrides a {@link RateLimit} on the method
     * ({@code minirpc.server.rateLimit.<service>#<method>}).
     */
    public abstract Builder rateLimit(Class<?> service, String method, double perSecond);

    /**
     * How long {@link #close()} waits for calls in flight before failing them with {@link
     * RpcException.Code#UNAVAILABLE}. Default 10 seconds ({@code minirpc.server.gracePeriod}).
     */
    public Builder gracePeriod(Duration gracePeriod) {
      return with("minirpc.server.gracePeriod", gracePeriod);
    }

    /**
     * Whether errors sent to clients carry the implementation's stack trace. Default false
     * ({@code minirpc.server.sendStackTraces}), to keep internals private; the exception's class
     * and message are sent either way.
     */
    public Builder sendStackTraces(boolean send) {
      return with("minirpc.server.sendStackTraces", send);
    }

    /**
     * Whether an exception the method does not declare in its {@code throws} clause reaches
     * callers with its class and message. Default false ({@code minirpc.server.errorDetails}): it
     * reaches them as {@link RpcException.Code#INTERNAL} with an error id, and the server logs
     * the id beside the whole exception, so that a message such as a JDBC URL stays on the
     * server. Declared exceptions (checked or unchecked) and {@link RpcException}s keep their
     * messages either way.
     */
    public Builder errorDetails(boolean send) {
      return with("minirpc.server.errorDetails", send);
    }

    /**
     * A registry to join, so that clients find this server: a URI whose scheme names the kind of
     * registry, such as {@code zookeeper://zk1:2181,zk2:2181/minirpc/orders} (the ZooKeeper
     * ensemble, then the group of servers clients name in their {@code minirpc.address}), with
     * the registry's own options in its query ({@code ?sessionTimeout=30s}). Default: none
     * ({@code minirpc.server.registry}).
     *
     * <p>{@link RpcServer#start()} registers the server once it listens, with its {@linkplain
     * #advertisedHost address}, {@linkplain #weight weight}, {@linkplain #attribute attributes},
     * codecs and the fingerprint of every method, and fails if it cannot. {@link
     * RpcServer#close()} deregisters it before anything else, keeps serving for the {@linkplain
     * #deregisterDelay deregister delay}, then shuts down as usual. The kind of registry is a
     * module found with {@link java.util.ServiceLoader}: {@code zookeeper} is in {@code
     * io.minirpc:rpc-discovery-zookeeper}; {@link #build()} fails if it is not on the class path.
     *
     * @throws IllegalArgumentException if {@code target} is not a URI with a scheme
     */
    public Builder registry(String target) {
      Objects.requireNonNull(target, "registry == null");
      return withText("minirpc.server.registry", target);
    }

    /**
     * The host that the {@linkplain #registry registry} tells clients to connect to, a name or an
     * IP address; set it where clients reach this server by another address than its own (NAT,
     * containers). Default ({@code minirpc.server.advertisedHost}): the {@linkplain #host bound
     * host} when it names one address, else an address of this machine that is not loopback,
     * preferring IPv4 (and loopback only if the machine has no other).
     */
    public Builder advertisedHost(String host) {
      return with("minirpc.server.advertisedHost", host);
    }

    /**
     * This server's share of calls relative to the other servers of its {@linkplain #registry
     * registry} group, from 1 to 1000 ({@code ServerInstance.MAX_WEIGHT}): a server of weight 200
     * gets about twice the calls of one of weight 100. Default 100 ({@code
     * minirpc.server.weight}).
     */
    public Builder weight(int weight) {
      return with("minirpc.server.weight", weight);
    }

    /**
     * Adds a label published with this server in the {@linkplain #registry registry}, such as
     * {@code zone=eu-1}; a later value for the same name replaces an earlier one. Default: none
     * ({@code minirpc.server.attributes=zone=eu-1,version=2.3}, which replaces every attribute
     * set before it).
     */
    public abstract Builder attribute(String name, String value);

    /**
     * How long {@link RpcServer#close()} goes on serving after it has left the {@linkplain
     * #registry registry}, accepting connections and calls as before, so that every client
     * learns that the server left before it is told to go away. Set it to how long the
     * registry's clients take to see a change (with ZooKeeper's watches, well under a second when
     * the ensemble is healthy); {@link Duration#ZERO} does not wait. Without a registry there is
     * no delay. Default 2 s ({@code minirpc.server.deregisterDelay}).
     */
    public Builder deregisterDelay(Duration delay) {
      return with("minirpc.server.deregisterDelay", delay);
    }

    /**
     * Whether the server also serves {@code io.minirpc.listing.ServiceListing}: its services,
     * their methods, and each parameter and result type as JSON Schema, so that a tool such as
     * {@code minirpc call} can call them without the Java interfaces (gRPC's server reflection).
     * Default false ({@code minirpc.server.listing}): it tells a caller everything about the
     * services. With an {@link #authenticator}, listing calls are authenticated like any others,
     * and list only the services the caller's credential may call, as its handshake does. The
     * listing lives in its own module, {@code io.minirpc:rpc-listing}: with {@code true}, {@link
     * #build()} fails with the fix when that module is not on the classpath.
     */
    public Builder listing(boolean on) {
      return with("minirpc.server.listing", on);
    }

    /**
     * Answer bodies smaller than this go uncompressed. Default 1 KiB ({@code
     * minirpc.compression.minSize}). A server compresses an answer when its method says so with
     * {@link Compress @Compress}, or its client asked for compression ({@code
     * minirpc.compression}), and only with a compressor the client has.
     */
    public Builder compressionMinSize(int bytes) {
      return with("minirpc.compression.minSize", bytes);
    }

    /**
     * Classes the Kryo codec may decode beyond those the interfaces' signatures reach, such as
     * concrete subclasses of a declared abstract type ({@code minirpc.codec.allow}, class names
     * comma-separated). Clients need the same list.
     */
    public abstract Builder allowClasses(Class<?>... classes);

    /**
     * Builds the server, without starting it. Creates the codecs and checks every registered
     * method against each of them.
     *
     * @throws IllegalStateException if nothing is registered, or a codec or the kind of
     *     {@linkplain #registry registry} is not installed
     * @throws IllegalArgumentException if a method has a type a codec cannot handle, or the
     *     registry's provider refuses its URI
     */
    public abstract RpcServer build();
  }
}
