package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.RpcServer;
import io.minirpc.ServerInterceptor;
import io.minirpc.health.Health;
import io.minirpc.internal.config.Keys;
import io.minirpc.internal.config.ServerKeys;
import io.minirpc.internal.config.Settings;
import io.minirpc.listing.ServiceListing;
import io.minirpc.metrics.RpcObserver;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The {@link RpcServer.Builder} of this runtime: each setter checks its value against the key
 * table ({@code Keys}) and keeps it in {@link Settings}; {@link #build()} makes a {@link Server}
 * of them. The public Javadoc is on the abstract methods.
 */
public final class ServerBuilder extends RpcServer.Builder {
  private final Settings settings = new Settings();
  private final Map<Class<?>, Registration> registrations = new LinkedHashMap<>();
  private final List<ServerInterceptor> interceptors = new ArrayList<>();
  private Authenticator authenticator;
  private RpcObserver observer;

  /** Made by {@code RpcServer.builder()}, through {@link java.util.ServiceLoader}. */
  public ServerBuilder() {}

  @Override
  public RpcServer.Builder configure(Properties properties) {
    settings.apply(properties);
    return this;
  }

  @Override
  public RpcServer.Builder port(int port) {
    settings.set(ServerKeys.PORT, port);
    return this;
  }

  @Override
  public RpcServer.Builder host(String host) {
    settings.set(ServerKeys.HOST, host);
    return this;
  }

  @Override
  public <T> RpcServer.Builder register(Class<T> service, T implementation) {
    Objects.requireNonNull(service, "service == null");
    Objects.requireNonNull(implementation, "implementation == null");
    if (!service.isInstance(implementation)) {
      throw new IllegalArgumentException(
          implementation.getClass().getName() + " does not implement " + service.getName());
    }
    if (registrations.containsKey(service)) {
      throw new IllegalArgumentException(service.getName() + " is already registered");
    }
    if (service == Health.class || service == ServiceListing.class) {
      throw new IllegalArgumentException(service.getName() + " is built in: every server"
          + " serves it" + (service == Health.class ? ", with statuses set through"
              + " RpcServer.health()" : " when built with listing(true)"));
    }
    io.minirpc.internal.registry.MethodDescriptor.forService(service);
    registrations.put(service, new Registration(service, implementation));
    return this;
  }

  @Override
  public RpcServer.Builder codecs(String... names) {
    Objects.requireNonNull(names, "names == null");
    settings.set(ServerKeys.CODECS, List.of(names));
    return this;
  }

  @Override
  public RpcServer.Builder threads(int threads) {
    settings.set(ServerKeys.SERVER_THREADS, threads);
    return this;
  }

  @Override
  public RpcServer.Builder queueCapacity(int capacity) {
    settings.set(ServerKeys.SERVER_QUEUE, capacity);
    return this;
  }

  @Override
  public RpcServer.Builder ioThreads(int threads) {
    settings.set(Keys.IO_THREADS, threads);
    return this;
  }

  @Override
  public RpcServer.Builder maxFrameSize(int bytes) {
    settings.set(Keys.MAX_FRAME_SIZE, bytes);
    return this;
  }

  @Override
  public RpcServer.Builder idleTimeout(Duration timeout) {
    settings.set(Keys.IDLE_TIMEOUT, timeout);
    return this;
  }

  @Override
  public RpcServer.Builder maxCallsPerConnection(int calls) {
    settings.set(ServerKeys.MAX_CALLS_PER_CONNECTION, calls);
    return this;
  }

  @Override
  public RpcServer.Builder maxCalls(int calls) {
    settings.set(ServerKeys.MAX_CALLS, calls);
    return this;
  }

  @Override
  public RpcServer.Builder maxQueuedBytes(long bytes) {
    settings.set(ServerKeys.SERVER_MAX_QUEUED_BYTES, bytes);
    return this;
  }

  @Override
  public RpcServer.Builder maxMemory(long bytes) {
    settings.set(ServerKeys.MAX_MEMORY, bytes);
    return this;
  }

  @Override
  public RpcServer.Builder maxConnectionMemory(long bytes) {
    settings.set(ServerKeys.MAX_CONNECTION_MEMORY, bytes);
    return this;
  }

  @Override
  public RpcServer.Builder maxAddressMemory(long bytes) {
    settings.set(ServerKeys.MAX_ADDRESS_MEMORY, bytes);
    return this;
  }

  @Override
  public RpcServer.Builder maxRunningPerConnection(int threads) {
    settings.set(ServerKeys.MAX_RUNNING_PER_CONNECTION, threads);
    return this;
  }

  @Override
  public RpcServer.Builder maxConnections(int connections) {
    settings.set(ServerKeys.MAX_CONNECTIONS, connections);
    return this;
  }

  @Override
  public RpcServer.Builder maxConnectionsPerAddress(int connections) {
    settings.set(ServerKeys.MAX_CONNECTIONS_PER_ADDRESS, connections);
    return this;
  }

  @Override
  public RpcServer.Builder connectionRatePerAddress(int connectionsPerSecond) {
    settings.set(ServerKeys.CONNECTION_RATE_PER_ADDRESS, connectionsPerSecond);
    return this;
  }

  @Override
  public RpcServer.Builder handshakeTimeout(Duration timeout) {
    settings.set(ServerKeys.HANDSHAKE_TIMEOUT, timeout);
    return this;
  }

  @Override
  public RpcServer.Builder maxConnectionIdle(Duration idle) {
    settings.set(ServerKeys.MAX_CONNECTION_IDLE, idle);
    return this;
  }

  @Override
  public RpcServer.Builder maxConnectionAge(Duration age, Duration grace) {
    settings.set(ServerKeys.MAX_CONNECTION_AGE, age);
    settings.set(ServerKeys.MAX_CONNECTION_AGE_GRACE, grace);
    return this;
  }

  @Override
  public RpcServer.Builder maxPreHelloFrameSize(int bytes) {
    settings.set(ServerKeys.MAX_PRE_HELLO_FRAME_SIZE, bytes);
    return this;
  }

  @Override
  public RpcServer.Builder maxMetadataSize(int bytes) {
    settings.set(ServerKeys.MAX_METADATA_SIZE, bytes);
    return this;
  }

  @Override
  public RpcServer.Builder maxMetadataEntries(int entries) {
    settings.set(ServerKeys.MAX_METADATA_ENTRIES, entries);
    return this;
  }

  @Override
  public RpcServer.Builder maxPingsPerSecond(int pings) {
    settings.set(ServerKeys.MAX_PINGS_PER_SECOND, pings);
    return this;
  }

  @Override
  public RpcServer.Builder maxCancelsPerSecond(int cancels) {
    settings.set(ServerKeys.MAX_CANCELS_PER_SECOND, cancels);
    return this;
  }

  @Override
  public RpcServer.Builder directExecutor(boolean direct) {
    settings.set(ServerKeys.DIRECT_EXECUTOR, direct);
    return this;
  }

  @Override
  public RpcServer.Builder transport(String name) {
    Objects.requireNonNull(name, "transport == null");
    settings.set(Keys.TRANSPORT, Keys.TRANSPORT.parse(name));
    return this;
  }

  @Override
  public RpcServer.Builder tls(boolean on) {
    settings.set(Keys.TLS, on);
    return this;
  }

  @Override
  public RpcServer.Builder tls(SslContext context) {
    settings.sslContext(context);
    return this;
  }

  @Override
  public RpcServer.Builder tlsCertificate(Path certChain, Path privateKey) {
    settings.tlsCertificate(certChain, privateKey);
    return this;
  }

  @Override
  public RpcServer.Builder tlsTrustedCertificates(Path caCertificates) {
    settings.tlsTrustedCertificates(caCertificates);
    return this;
  }

  @Override
  public RpcServer.Builder tlsClientAuth(String mode) {
    Objects.requireNonNull(mode, "mode == null");
    settings.set(ServerKeys.TLS_CLIENT_AUTH, ServerKeys.TLS_CLIENT_AUTH.parse(mode));
    return this;
  }

  @Override
  public RpcServer.Builder authenticator(Authenticator authenticator) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator == null");
    return this;
  }

  @Override
  public RpcServer.Builder intercept(ServerInterceptor... interceptors) {
    for (ServerInterceptor i : interceptors) {
      this.interceptors.add(java.util.Objects.requireNonNull(i, "interceptor == null"));
    }
    return this;
  }

  @Override
  public RpcServer.Builder observer(RpcObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer == null");
    return this;
  }

  @Override
  public RpcServer.Builder rateLimit(Class<?> service, double perSecond) {
    settings.rateLimit(service.getName(), perSecond);
    return this;
  }

  @Override
  public RpcServer.Builder rateLimit(Class<?> service, String method, double perSecond) {
    settings.rateLimit(service.getName() + "#" + method, perSecond);
    return this;
  }

  @Override
  public RpcServer.Builder gracePeriod(Duration gracePeriod) {
    settings.set(ServerKeys.GRACE_PERIOD, gracePeriod);
    return this;
  }

  @Override
  public RpcServer.Builder sendStackTraces(boolean send) {
    settings.set(ServerKeys.SEND_STACK_TRACES, send);
    return this;
  }

  @Override
  public RpcServer.Builder errorDetails(boolean send) {
    settings.set(ServerKeys.ERROR_DETAILS, send);
    return this;
  }

  @Override
  public RpcServer.Builder registry(String target) {
    Objects.requireNonNull(target, "registry == null");
    settings.set(ServerKeys.SERVER_REGISTRY, ServerKeys.SERVER_REGISTRY.parse(target));
    return this;
  }

  @Override
  public RpcServer.Builder advertisedHost(String host) {
    settings.set(ServerKeys.ADVERTISED_HOST, host);
    return this;
  }

  @Override
  public RpcServer.Builder weight(int weight) {
    settings.set(ServerKeys.WEIGHT, weight);
    return this;
  }

  @Override
  public RpcServer.Builder attribute(String name, String value) {
    Map<String, String> attributes = new LinkedHashMap<>(settings.get(ServerKeys.ATTRIBUTES));
    Objects.requireNonNull(name, "attribute name == null");
    attributes.put(name, Objects.requireNonNull(value, "value of attribute '" + name
        + "' == null"));
    settings.set(ServerKeys.ATTRIBUTES, attributes);
    return this;
  }

  @Override
  public RpcServer.Builder deregisterDelay(Duration delay) {
    settings.set(ServerKeys.DEREGISTER_DELAY, delay);
    return this;
  }

  @Override
  public RpcServer.Builder listing(boolean on) {
    settings.set(ServerKeys.LISTING, on);
    return this;
  }

  @Override
  public RpcServer.Builder compressionMinSize(int bytes) {
    settings.set(Keys.COMPRESSION_MIN_SIZE, bytes);
    return this;
  }

  @Override
  public RpcServer.Builder allowClasses(Class<?>... classes) {
    settings.allowClasses(classes);
    return this;
  }

  @Override
  public RpcServer build() {
    if (registrations.isEmpty()) {
      throw new IllegalStateException(
          "No service is registered: call register(Interface.class, implementation)");
    }
    return Server.of(settings.server(), List.copyOf(registrations.values()), interceptors,
        authenticator, observer);
  }
}
