package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.RpcException;
import io.minirpc.ServerInterceptor;
import io.minirpc.internal.config.ServerConfig;
import io.minirpc.internal.config.Target;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.transport.Bootstraps;
import io.minirpc.internal.transport.StreamDelivery;
import io.minirpc.internal.transport.Tls;
import io.minirpc.internal.transport.TrackedThreads;
import io.minirpc.internal.transport.Transport;
import io.minirpc.metrics.RpcObserver;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A built server: services, codecs, the listening socket, the event loops and the bounded worker
 * pool, and the shutdown that takes them down in order. {@code RpcServer} is its public face.
 */
public final class ServerRuntime {
  private static final Logger log = LoggerFactory.getLogger(ServerRuntime.class);

  private final ServerConfig settings;
  private final Transport transport;
  private final Codecs codecs;
  private final ServiceRegistry registry;
  private final List<String> serviceNames;
  private final InFlight inFlight = new InFlight();
  /** The memory requests may hold, for the whole server and for each connection. */
  private final MemoryBudget memory;
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private final Object lifecycle = new Object();
  private final Set<Class<?>> allowedClasses;
  private final Announcement announcement;
  /** How long a client may take to complete the TLS handshake. */
  private static final long TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
  /** TLS for every connection, or null for plaintext. */
  private final Tls tls;
  private final List<ServerInterceptor> interceptors;
  private final Authenticator authenticator;
  /** The server's entry in minirpc.server.registry, or null without one. */
  private final Publication publication;
  /** Told of connections, bytes and refusals; null for none. */
  private final RpcObserver observer;
  /** How connections share the workers; set at start, read by {@link #queuedCalls()}. */
  private volatile WorkerShares shares;
  /** Every thread the server made, to wait in close() until each is gone. */
  private final List<TrackedThreads> threadFactories = new ArrayList<>();
  private final Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();
  /** The threads that hand clients' stream items to the methods, made on the first. */
  private final StreamDelivery delivery = new StreamDelivery("server", Long.MAX_VALUE);

  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private WorkerPool executor;
  private Channel serverChannel;
  private volatile int port = -1;
  private boolean started;
  private boolean closed;

  /**
   * Validates every registered interface against every codec the server speaks.
   *
   * @throws IllegalArgumentException or IllegalStateException with what is wrong and where
   */
  public ServerRuntime(ServerConfig settings, List<Registration> registrations, Set<Class<?>> allowed,
      List<ServerInterceptor> interceptors) {
    this(settings, registrations, allowed, interceptors, null);
  }

  /**
   * @param authenticator decides about every request before it is decoded; null for none
   */
  public ServerRuntime(ServerConfig settings, List<Registration> registrations, Set<Class<?>> allowed,
      List<ServerInterceptor> interceptors, Authenticator authenticator) {
    this(settings, registrations, allowed, interceptors, authenticator, null);
  }

  /**
   * @param authenticator decides about every request before it is decoded; null for none
   * @param observer told of connections, bytes and refusals before dispatch; null for none (the
   *     caller puts the interceptor that measures calls into {@code interceptors})
   */
  public ServerRuntime(ServerConfig settings, List<Registration> registrations, Set<Class<?>> allowed,
      List<ServerInterceptor> interceptors, Authenticator authenticator, RpcObserver observer) {
    this.authenticator = authenticator;
    this.observer = observer;
    this.settings = settings;
    this.transport = Transport.of(settings.transport());
    this.interceptors = List.copyOf(interceptors);
    List<String> names =
        settings.codecs().isEmpty()
            ? io.minirpc.internal.registry.CodecRegistry.installed().names()
            : settings.codecs();
    if (names.isEmpty()) {
      throw new IllegalStateException(
          "No codec is installed. Add io.minirpc:rpc-codec-json or io.minirpc:rpc-codec-binary to"
              + " the classpath.");
    }
    this.codecs = Codecs.create(names, allowed, settings.maxFrameSize());
    this.registry = new ServiceRegistry(registrations, codecs, settings.rateLimits());
    Set<String> services = new LinkedHashSet<>();
    for (Registration r : registrations) {
      services.add(r.service().getName());
    }
    this.serviceNames = List.copyOf(services);
    this.allowedClasses = Set.copyOf(allowed);
    this.tls = Tls.server(settings.tls(), TLS_HANDSHAKE_TIMEOUT_MILLIS);
    long maxMemory = settings.maxMemory() > 0 ? settings.maxMemory() : MemoryBudget.defaultLimit();
    this.memory = new MemoryBudget(maxMemory, settings.maxConnectionMemory() > 0
        ? settings.maxConnectionMemory() : maxMemory / 2, settings.maxAddressMemory() > 0
        ? settings.maxAddressMemory() : maxMemory / 2);
    this.publication = Publication.of(settings.registry());
    this.announcement = new Announcement(settings, registry, codecs, allowedClasses);
  }

  /**
   * Binds and starts serving, then registers in the registry if there is one.
   *
   * @throws RpcException with code UNAVAILABLE if the port cannot be bound or the server cannot
   *     register; whatever was opened is closed again
   * @throws IllegalStateException if started twice or after close
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("This server was closed; build a new one");
      }
      if (started) {
        throw new IllegalStateException("This server is already started, on " + where());
      }
      started = true;
      int ioThreads =
          settings.ioThreads() > 0
              ? settings.ioThreads()
              : Math.max(1, Runtime.getRuntime().availableProcessors());
      bossGroup = transport.group(1, threads("minirpc-server-accept"));
      workerGroup = transport.group(ioThreads, threads("minirpc-server-io"));
      executor = new WorkerPool(settings.serverThreads(), settings.serverQueue(), workerThreads);
      ServerBootstrap bootstrap = Bootstraps.server(transport, bossGroup, workerGroup)
          .childHandler(pipeline(settings.directExecutor() ? Runnable::run : executor));
      String host = settings.host();
      int requestedPort = Math.max(0, settings.port());
      SocketAddress address = transport.isLocal() ? new LocalAddress(host)
          : host == null ? new InetSocketAddress(requestedPort)
          : new InetSocketAddress(host, requestedPort);
      ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
      if (!bind.isSuccess()) {
        shutdownThreads();
        Throwable cause = bind.cause();
        throw new RpcException(
            RpcException.Code.UNAVAILABLE,
            "Could not start the minirpc server on "
                + (transport.isLocal() ? Target.LOCAL_PREFIX + host
                    : (host == null ? "*" : host) + ":" + requestedPort)
                + ": "
                + cause.getMessage()
                + (transport.isLocal()
                    ? ". Choose another name (minirpc.host), or close the server that holds it"
                    : ". Choose another port (minirpc.port), or stop the process that holds it"),
            cause);
      }
      serverChannel = bind.channel();
      // The local transport has no ports: 0 says so.
      port = transport.isLocal() ? 0 : ((InetSocketAddress) serverChannel.localAddress()).getPort();
      log.info(
          "minirpc server listening on {} ({}, {}; codecs: {}; services: {}; memory for"
              + " requests: {} MiB, {} MiB per connection)",
          serverChannel.localAddress(),
          transport.name(),
          tls == null ? "plaintext" : "TLS by " + Tls.describe(settings.tls()),
          codecs.names(),
          String.join(", ", serviceNames),
          memory.limit() >> 20,
          memory.perConnection() >> 20);
      if (publication != null) {
        try {
          publication.register(announcement.instance(port));
        } catch (RuntimeException e) {
          // Not started: nothing may stay open, and close() has nothing left to do.
          closed = true;
          port = -1;
          serverChannel.close().awaitUninterruptibly();
          shutdownThreads();
          publication.close();
          throw e;
        }
      }
    }
  }

  /**
   * The pipeline of every accepted connection, its calls run by {@code executor}. Package-private
   * so that tests can feed a connection's bytes through it in an {@code EmbeddedChannel}.
   */
  ChannelInitializer<Channel> pipeline(Executor runner) {
    int maxRunning = settings.maxRunningPerConnection() > 0
        ? settings.maxRunningPerConnection()
        : Math.max(1, settings.serverThreads() / 2);
    int maxCalls = settings.maxCalls() > 0 ? settings.maxCalls()
        : (int) Math.min(Integer.MAX_VALUE, memory.limit() / MemoryBudget.BYTES_PER_CALL);
    ServerLimits limits = ServerLimits.of(settings, maxCalls, maxRunning);
    Dispatcher dispatcher = new Dispatcher(new Router(registry, codecs),
        new Serving(limits, new Admission(limits, inFlight), interceptors, authenticator,
            observer, delivery), runner, new AuthFailures(settings.maxAuthFailuresPerConnection(),
                settings.maxAuthFailuresPerSecond()));
    Hello hello = announcement.hello();
    long idleNanos = settings.idleTimeout().toNanos();
    WorkerPool pool = executor; // null when a test runs calls inline
    WorkerShares shares = new WorkerShares(maxRunning, settings.serverQueue(),
        () -> pool == null ? 0 : pool.queued());
    this.shares = shares;
    ConnectionLifetime.Limits lifetime = new ConnectionLifetime.Limits(
        settings.maxConnectionIdle().toNanos(), settings.maxConnectionAge().toNanos(),
        settings.maxConnectionAgeGrace().toNanos(),
        authenticator == null ? 0 : settings.handshakeTimeout().toNanos());
    ServerHandler.Limits connectionLimits = new ServerHandler.Limits(idleNanos,
        settings.handshakeTimeout().toNanos(), shares, pingsPerSecond(idleNanos),
        settings.maxCancelsPerSecond(), settings.maxCallsPerConnection(), lifetime);
    ConnectionGate gate = new ConnectionGate(settings.connectionRatePerAddress(),
        // Beyond the per-host limit, so that a host's connection over it is told why by that
        // limit's GOAWAY, not closed unanswered by the rate.
        settings.maxConnectionsPerAddress() + 2 * settings.connectionRatePerAddress(),
        new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress()),
        connections, observer);
    return Bootstraps.serverPipeline(tls, settings.maxFrameSize(),
        settings.maxPreHelloFrameSize(), idleNanos, gate::admit,
        ch -> ConnectionMemory.open(memory, ch),
        (ch, m) -> new ServerHandler(dispatcher, hello, connectionLimits, m));
  }

  /**
   * The PINGs a second a connection may send: the setting, or twice what a client pinging at a
   * third of a short idle timeout sends if more, so that the server's own clients never break it.
   */
  private int pingsPerSecond(long idleNanos) {
    long asked = 2 * 3 * TimeUnit.SECONDS.toNanos(1) / Math.max(1, idleNanos) + 1;
    return (int) Math.max(settings.maxPingsPerSecond(), Math.min(asked, 1_000_000));
  }

  private TrackedThreads threads(String prefix) {
    TrackedThreads t = new TrackedThreads(prefix, false);
    threadFactories.add(t);
    return t;
  }

  /** The bound port, or -1 before start. Never blocks, not even while close() waits. */
  public int port() {
    return port;
  }

  /**
   * Deregisters and serves on for the deregister delay (with a registry), then stops accepting
   * connections and new calls, lets the calls in flight finish within the grace period, closes
   * every connection (failing what remains), waits for every thread to end, and lets the
   * registrar go.
   */
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      if (!started) {
        if (publication != null) {
          publication.close();
        }
        return;
      }
      if (publication != null) {
        // Leave the registry first and keep serving while clients learn of it, so that none
        // picks this server for a new call after it has said GOAWAY.
        publication.deregister();
        GracefulClose.sleep(settings.deregisterDelay());
      }
      serverChannel.close().awaitUninterruptibly();
      inFlight.close();
      GracefulClose.drain(connections, inFlight, settings.gracePeriod(), where());
      shutdownThreads();
      if (publication != null) {
        publication.close();
      }
      log.info("minirpc server on {} closed", where());
    }
  }

  /** "port 4242", or "local:orders" on the local transport. */
  private String where() {
    return transport.isLocal() ? Target.LOCAL_PREFIX + settings.host() : "port " + port;
  }

  private void shutdownThreads() {
    if (executor != null) {
      for (Runnable unrun : executor.shutdownNow()) {
        if (unrun instanceof ConnectionWorkers.Worker) {
          ((ConnectionWorkers.Worker) unrun).discard();
        }
      }
    }
    delivery.close();
    long quiet = transport.quietPeriodMillis();
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workerGroup.shutdownGracefully(quiet, 2000 + quiet, TimeUnit.MILLISECONDS);
    boolean interrupted = false;
    try {
      bossGroup.terminationFuture().awaitUninterruptibly();
      workerGroup.terminationFuture().awaitUninterruptibly();
      if (executor != null) {
        while (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn(
              "Waiting for {} worker thread(s) that ignore interruption to finish",
              executor.getActiveCount());
        }
        for (Thread t : workerThreads) {
          t.join();
        }
      }
      for (TrackedThreads t : threadFactories) {
        t.joinAll(TimeUnit.SECONDS.toNanos(10));
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The number of open client connections. */
  public int connectionCount() {
    return connections.size();
  }

  /** Calls admitted and not yet answered: waiting for a worker or running. */
  public long callsInFlight() {
    return inFlight.count();
  }

  /** Calls waiting for a worker: in the pool's queue, or their connection's. */
  public int queuedCalls() {
    WorkerShares s = shares;
    return s == null ? 0 : s.queued();
  }

  /** Bytes of the memory budget that connections and calls hold now. */
  public long memoryInUse() {
    return memory.used();
  }
}
