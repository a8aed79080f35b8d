package io.minirpc.internal.client;

import io.minirpc.ClientInterceptor;
import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.config.HostPort;
import io.minirpc.internal.config.Keys;
import io.minirpc.internal.config.Target;
import io.minirpc.internal.config.TransportKind;
import io.minirpc.internal.observe.TrafficCounter;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.CompressorRegistry;
import io.minirpc.internal.registry.DiscoveryProviders;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.internal.transport.ItemReceiver;
import io.minirpc.internal.transport.StreamDelivery;
import io.minirpc.internal.transport.Tls;
import io.minirpc.internal.transport.TrackedThreads;
import io.minirpc.internal.transport.Transport;
import io.minirpc.metrics.RpcObserver;
import io.minirpc.runtime.CurrentCall;
import io.minirpc.runtime.OutgoingDeadline;
import io.minirpc.runtime.OutgoingMetadata;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A built client: its codec, its connection to the server, the proxies, and the JVM's one timer
 * ({@link SharedTimer}) for overdue calls: the engine of the {@link RpcClient} that {@link
 * ClientBuilder} builds.
 */
public final class ClientRuntime
    implements RpcClient.Engine, CallStarter, RemoteCalls, StreamPublisher.Starter {
  private static final Logger log = LoggerFactory.getLogger(ClientRuntime.class);

  private final ClientConfig settings;
  /** Sent with every call; fixed when the client is built. */
  private final Map<String, String> metadata;
  private final List<ClientInterceptor> interceptors;
  private final Codecs.Entry codec;
  private final String address;
  private final Transport transport;
  private final EventLoopGroup group;
  private final TrackedThreads ioThreadFactory = new TrackedThreads("minirpc-client-io", true);
  private final Timer timer;
  private final Fleet fleet;
  private final ResponseDecoding decoding;
  private final ClientCompression compression;
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private final Map<Class<?>, Object> proxies = new ConcurrentHashMap<>();
  private final ServerReport report = new ServerReport();
  private final StreamDelivery delivery;
  /** How this client's calls are encoded and retried. */
  private final PendingCall.Support calls;
  private final Object lifecycle = new Object();
  private volatile boolean closed;

  /**
   * Creates the client's codec, threads and timer; connects lazily, on the first call.
   *
   * @param observer told of connections and bytes; null for none (the caller puts the
   *     interceptor that measures calls into {@code interceptors})
   * @throws IllegalStateException if the codec is not installed, naming the artifact to add
   */
  public ClientRuntime(ClientConfig settings, Set<Class<?>> allowed,
      List<ClientInterceptor> interceptors, RpcObserver observer) {
    this.settings = settings;
    this.interceptors = List.copyOf(interceptors);
    this.metadata = settings.metadata();
    Target target = ClientChecks.target(settings);
    // Before any thread exists: a target without a provider fails build() and leaves nothing.
    NameResolver resolver = target.uri() == null || target.localName() != null ? null
        : DiscoveryProviders.forScheme(target.uri().getScheme(), Keys.ADDRESS.name())
            .resolver(target.uri());
    CleartextCredentials cleartext =
        CleartextCredentials.of(settings, settings.transport() == TransportKind.LOCAL);
    ClientChecks.noCleartextCredentials(target, cleartext);
    String codecName = ClientChecks.codecName(settings);
    this.codec =
        Codecs.create(java.util.List.of(codecName), allowed, settings.maxFrameSize())
            .entries()
            .get(0);
    this.address = target.text();
    CompressorRegistry compressors = CompressorRegistry.installed();
    this.compression = new ClientCompression(compressors,
        compressors.named(settings.compression(), Keys.COMPRESSION.name()),
        settings.compressionMinSize(), settings.maxFrameSize());
    // Before any thread exists: a TLS file that cannot be read fails build() and leaves nothing.
    Tls tls = Tls.client(settings.tls(), address, settings.connectTimeout().toMillis());
    int ioThreads = settings.ioThreads() > 0 ? settings.ioThreads() : 1;
    this.transport = Transport.of(settings.transport());
    this.group = transport.group(ioThreads, ioThreadFactory);
    this.timer = SharedTimer.acquire();
    try {
      this.decoding = new ResponseDecoding(settings.maxResponseMemory(), ioThreads, compression);
      this.delivery = new StreamDelivery("client", decoding.limit());
      Hello bare =
          new Hello(
              Protocol.VERSION,
              Protocol.VERSION,
              settings.maxFrameSize(),
              settings.heartbeatInterval().toNanos(),
              settings.idleTimeout().toNanos(),
              0,
              List.of(new Hello.CodecInfo(codec.id(), codec.name())),
              Hello.classNames(allowed),
              List.of(),
              Map.of())
              // Its static metadata, where a bearer token usually is: a server with an
              // authenticator shows its services only to a HELLO it accepts.
              .withMetadata(metadata).withStreamEnds();
      Hello hello = compression.announce(bare);
      List<ServerInstance> fixed = null;
      if (target.localName() != null) {
        // The local transport connects by name; ServerInstance wants a port, which it ignores.
        fixed = List.of(ServerInstance.of(target.localName(), 1));
      } else if (target.uri() == null) {
        fixed = new ArrayList<>();
        for (HostPort a : target.addresses()) {
          fixed.add(ServerInstance.of(a.host(), a.port()));
        }
      }
      String codecName1 = codec.name();
      TrafficCounter traffic = observer == null ? null : new TrafficCounter(observer);
      this.fleet = new Fleet(settings, address, fixed, resolver, cleartext::refusal,
          (server, rank, f) -> new Endpoint(settings, server, rank, group, tls, hello, codecName1, f,
              traffic, decoding),
          timer, report::serverReady);
      this.calls = new PendingCall.Support(
          new RequestEncoder(alloc, codec, compression, fleet::maxFrameSize), fleet, delivery);
      fleet.startResolving();
    } catch (RuntimeException | Error e) {
      SharedTimer.release(); // the timer is for built clients only
      throw e;
    }
  }

  @Override
  public String address() {
    return address;
  }

  /**
   * The proxy for {@code service}, created and validated on first request and reused.
   *
   * @throws IllegalArgumentException if the interface cannot be called remotely, with the reason
   */
  @Override
  public <T> T proxy(Class<T> service) {
    Objects.requireNonNull(service, "service == null");
    if (closed) {
      throw new IllegalStateException("This RpcClient is closed; build a new one");
    }
    return service.cast(proxies.computeIfAbsent(service, this::newProxy));
  }

  private Object newProxy(Class<?> service) {
    long timeoutNanos = settings.timeout().toNanos();
    Map<String, ClientMethod> byKey = new HashMap<>();
    for (MethodDescriptor d : MethodDescriptor.forService(service)) {
      byKey.put(d.key(),
          new ClientMethod(d, codec, timeoutNanos, settings.waitForReady(), address)
              .compressWith(compression.chosen(), compression.compressors()));
    }
    report.proxyMade(service, List.copyOf(byKey.values()), fleet.readyConnections());
    // The proxy hands us the Method of whichever interface declared it; map them all.
    Map<Method, ClientMethod> methods = new HashMap<>();
    for (Method m : service.getMethods()) {
      ClientMethod cm = byKey.get(MethodDescriptor.keyOf(m));
      if (cm != null && MethodDescriptor.isRemote(m)) {
        methods.put(m, cm);
      }
    }
    String description =
        "minirpc proxy of " + service.getName() + " at " + address + " (" + codec.name() + ")";
    return Proxy.newProxyInstance(
        service.getClassLoader(),
        new Class<?>[] {service},
        new ServiceProxy(this, methods, description));
  }

  /**
   * A call of a method known only by its wire names, checked against the server's HELLO with the
   * listing's {@code digest}: see {@link RpcClient#callByName}.
   */
  @Override
  public CompletableFuture<Object> callByName(String service, String methodKey,
      java.lang.reflect.Type valueType, long digest, Object... args) {
    ClientMethod method;
    try {
      method = byName(service, methodKey, valueType, digest, args, false);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new RpcException(RpcException.Code.CODEC, e.getMessage(), e));
    }
    return callAsync(method, args.clone());
  }

  /** As {@link #callByName}, for a method that streams; see {@link RpcClient#streamByName}. */
  @Override
  public java.util.concurrent.Flow.Publisher<Object> streamByName(String service,
      String methodKey, java.lang.reflect.Type valueType, long digest, Object... args) {
    return stream(byName(service, methodKey, valueType, digest, args, true), args.clone());
  }

  private ClientMethod byName(String service, String methodKey, java.lang.reflect.Type valueType,
      long digest, Object[] args, boolean streams) {
    Objects.requireNonNull(service, "service == null");
    Objects.requireNonNull(methodKey, "method == null");
    Objects.requireNonNull(valueType, "valueType == null");
    Objects.requireNonNull(args, "args == null");
    java.lang.reflect.Type[] types = new java.lang.reflect.Type[args.length];
    java.util.Arrays.fill(types, valueType);
    MethodDescriptor d = streams
        ? MethodDescriptor.streamByName(service, methodKey, types, valueType)
        : MethodDescriptor.byName(service, methodKey, types, valueType);
    return new ClientMethod(d, codec, settings.timeout().toNanos(), settings.waitForReady(),
        address, digest).compressWith(compression.chosen(), compression.compressors());
  }

  @Override
  public Object callBlocking(ClientMethod method, Object[] args) throws Throwable {
    Waiting.checkNotOnEventLoop(ioThreadFactory, method);
    if (!interceptors.isEmpty()) {
      return Waiting.await(new InterceptedCall(this, method, args, interceptors));
    }
    return Waiting.await(
        start(method, args, OutgoingMetadata.over(metadata), OutgoingDeadline.current(), null));
  }

  @Override
  public CompletableFuture<Object> callAsync(ClientMethod method, Object[] args) {
    return call(method, args, null);
  }

  private CompletableFuture<Object> call(ClientMethod method, Object[] args,
      ItemReceiver stream) {
    if (!interceptors.isEmpty()) {
      return new InterceptedCall(this, method, args, interceptors, stream).start();
    }
    try {
      return start(method, args, OutgoingMetadata.over(metadata), OutgoingDeadline.current(),
          stream);
    } catch (RpcException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public java.util.concurrent.Flow.Publisher<Object> stream(ClientMethod method, Object[] args) {
    return new StreamPublisher(this, delivery, method, args);
  }

  @Override
  public void startStream(ClientMethod method, Object[] args, ItemReceiver receiver) {
    if (!receiver.isDone()) {
      CompletableFuture<Object> call = call(method, args, receiver);
      call.whenComplete((value, error) -> receiver.ended(InterceptedCall.unwrap(error)));
      receiver.cancelWith(() -> call.cancel(false)); // its connection tells the server
    }
  }


  @Override
  public boolean propagatesDeadline() {
    return settings.propagateDeadline();
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public PendingCall start(ClientMethod method, Object[] args, Map<String, String> metadata,
      OutgoingDeadline.Frame scope, ItemReceiver stream) {
    if (closed) {
      throw new RpcException(
          RpcException.Code.UNAVAILABLE,
          method.callPrefix() + "failed: this RpcClient is closed. Build a new client");
    }
    long timeoutNanos = method.timeoutNanos();
    TimeLimit limit = TimeLimit.OWN;
    if (settings.propagateDeadline()) {
      long left = CurrentCall.remainingNanos();
      if (left < timeoutNanos) {
        timeoutNanos = left;
        limit = TimeLimit.SERVER_CALL;
      }
    }
    if (scope != null) {
      long left = scope.remainingNanos();
      if (left < timeoutNanos) {
        timeoutNanos = left;
        limit = TimeLimit.SCOPE;
      }
    }
    if (timeoutNanos <= 0) {
      throw new RpcException(
          RpcException.Code.TIMEOUT, method.callPrefix() + limit.notSent(-timeoutNanos));
    }
    PendingCall call =
        new PendingCall(method, args, metadata, calls, timeoutNanos, limit).stream(stream);
    if (timeoutNanos < ClientMethod.NO_DEADLINE / 2) {
      call.timeout(timer.newTimeout(call, timeoutNanos, TimeUnit.NANOSECONDS));
    }
    fleet.budget().deposit();
    LatencyTracker latencies = method.latencies();
    if (latencies != null) {
      long start = System.nanoTime();
      call.whenComplete((value, error) -> {
        // The server answered (a value, or the method's exception): a latency. A failure, or
        // a caller who cancelled, says nothing of how long the method takes.
        boolean answered = error == null
            || (error instanceof RpcException r
                ? r.code() == RpcException.Code.APPLICATION
                : !(error instanceof java.util.concurrent.CancellationException));
        if (answered) {
          latencies.record(System.nanoTime() - start);
        }
      });
    }
    fleet.submit(call.attempt());
    long hedgeAfter = method.hedgeAfterNanos();
    if (hedgeAfter > 0 && hedgeAfter < timeoutNanos && fleet.canHedge()) { // never a stream's
      timer.newTimeout(x -> hedge(call), hedgeAfter, TimeUnit.NANOSECONDS);
    }
    return call;
  }

  /**
   * The call has no answer after its method's {@code hedgeAfterMillis}: send a second attempt to
   * another server, if the retry budget allows; the first answer wins. It has only the time the
   * call has left.
   */
  private void hedge(PendingCall call) {
    long left = call.deadlineNanos() - System.nanoTime();
    if (call.isDone() || left <= 0 || closed || !fleet.budget().tryRetry()) {
      return;
    }
    Attempt h = call.hedge();
    if (h != null) {
      fleet.submit(h);
    } else {
      fleet.budget().refund(); // ended meanwhile, or its request could not be encoded again
    }
  }

  /**
   * Fails pending calls with CANCELLED, closes the connection, and stops every thread of this
   * client.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Channel ch : fleet.close()) {
      ch.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    long quiet = transport.quietPeriodMillis();
    group.shutdownGracefully(quiet, 1000 + quiet, TimeUnit.MILLISECONDS).awaitUninterruptibly();
    ioThreadFactory.joinAll(TimeUnit.SECONDS.toNanos(5));
    decoding.close(TimeUnit.SECONDS.toNanos(5)); // after the calls it may hold have ended
    delivery.close();
    // Every call of this client has ended by now (the fleet failed those waiting, the closed
    // channels those sent), and each ended call cancelled its deadline: the JVM's timer may stop
    // if this was its last client.
    SharedTimer.release();
  }

  @Override
  public String toString() {
    return "RpcClient{" + address + ", " + codec.name() + "}";
  }
}
