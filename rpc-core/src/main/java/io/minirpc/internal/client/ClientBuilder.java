package io.minirpc.internal.client;

import io.minirpc.ClientInterceptor;
import io.minirpc.RpcClient;
import io.minirpc.interceptors.ObservingInterceptor;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.config.HostPort;
import io.minirpc.internal.config.Keys;
import io.minirpc.internal.config.Settings;
import io.minirpc.internal.config.Target;
import io.minirpc.internal.registry.AllowedClasses;
import io.minirpc.metrics.RpcObserver;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * The {@link RpcClient.Builder} of this runtime: each setter checks its value against the key
 * table ({@code Keys}) and keeps it in {@link Settings}; {@link #build()} makes a {@link
 * ClientRuntime} of them. The public Javadoc is on the abstract methods.
 */
public final class ClientBuilder extends RpcClient.Builder {
  private final Settings settings = new Settings();
  private final List<ClientInterceptor> interceptors = new ArrayList<>();
  private RpcObserver observer;

  /** Made by {@code RpcClient.builder()}, through {@link java.util.ServiceLoader}. */
  public ClientBuilder() {}

  @Override
  public RpcClient.Builder intercept(ClientInterceptor... interceptors) {
    for (ClientInterceptor i : interceptors) {
      this.interceptors.add(java.util.Objects.requireNonNull(i, "interceptor == null"));
    }
    return this;
  }

  @Override
  public RpcClient.Builder observer(RpcObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer == null");
    return this;
  }

  @Override
  public RpcClient.Builder configure(Properties properties) {
    settings.apply(properties);
    return this;
  }

  @Override
  public RpcClient.Builder address(String host, int port) {
    settings.set(Keys.ADDRESS, Target.of(new HostPort(host, port)));
    return this;
  }

  @Override
  public RpcClient.Builder address(String target) {
    Objects.requireNonNull(target, "target == null");
    settings.set(Keys.ADDRESS, Keys.ADDRESS.parse(target));
    return this;
  }

  @Override
  public RpcClient.Builder loadBalancer(String policy) {
    Objects.requireNonNull(policy, "policy == null");
    settings.set(Keys.LOAD_BALANCER, Keys.LOAD_BALANCER.parse(policy));
    return this;
  }

  @Override
  public RpcClient.Builder subsetSize(int servers) {
    settings.set(Keys.SUBSET_SIZE, servers);
    return this;
  }

  @Override
  public RpcClient.Builder maxAttempts(int attempts) {
    settings.set(Keys.MAX_ATTEMPTS, attempts);
    return this;
  }

  @Override
  public RpcClient.Builder retryBackoff(Duration initial) {
    settings.set(Keys.RETRY_BACKOFF, initial);
    return this;
  }

  @Override
  public RpcClient.Builder retryBudget(double share) {
    settings.set(Keys.RETRY_BUDGET, share);
    return this;
  }

  @Override
  public RpcClient.Builder ejection(int failures, Duration time, int maxPercent) {
    settings.set(Keys.EJECTION_FAILURES, failures);
    settings.set(Keys.EJECTION_TIME, time);
    settings.set(Keys.EJECTION_MAX_PERCENT, maxPercent);
    return this;
  }

  @Override
  public RpcClient.Builder codec(String name) {
    Objects.requireNonNull(name, "name == null");
    settings.set(Keys.CODEC, List.of(name));
    return this;
  }

  @Override
  public RpcClient.Builder timeout(Duration timeout) {
    settings.set(Keys.TIMEOUT, timeout);
    return this;
  }

  @Override
  public RpcClient.Builder connectTimeout(Duration timeout) {
    settings.set(Keys.CONNECT_TIMEOUT, timeout);
    return this;
  }

  @Override
  public RpcClient.Builder maxFrameSize(int bytes) {
    settings.set(Keys.MAX_FRAME_SIZE, bytes);
    return this;
  }

  @Override
  public RpcClient.Builder metadata(String key, String value) {
    settings.metadata(key, value);
    return this;
  }

  @Override
  public RpcClient.Builder propagateDeadline(boolean propagate) {
    settings.set(Keys.PROPAGATE_DEADLINE, propagate);
    return this;
  }

  @Override
  public RpcClient.Builder heartbeat(Duration interval, Duration idleTimeout) {
    settings.set(Keys.HEARTBEAT_INTERVAL, interval);
    settings.set(Keys.IDLE_TIMEOUT, idleTimeout);
    return this;
  }

  @Override
  public RpcClient.Builder connections(int connections) {
    settings.set(Keys.CONNECTIONS, connections);
    return this;
  }

  @Override
  public RpcClient.Builder reconnectBackoff(Duration initial, Duration max) {
    Keys.INITIAL_BACKOFF.check(initial);
    Keys.MAX_BACKOFF.check(max);
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("maximum reconnect backoff (" + max
          + ") is shorter than the initial backoff (" + initial + ")");
    }
    settings.set(Keys.INITIAL_BACKOFF, initial);
    settings.set(Keys.MAX_BACKOFF, max);
    return this;
  }

  @Override
  public RpcClient.Builder waitForReady(boolean waitForReady) {
    settings.set(Keys.WAIT_FOR_READY, waitForReady);
    return this;
  }

  @Override
  public RpcClient.Builder maxInFlight(int callsPerConnection) {
    settings.set(Keys.MAX_IN_FLIGHT, callsPerConnection);
    return this;
  }

  @Override
  public RpcClient.Builder failWhenBusy(boolean fail) {
    settings.set(Keys.FAIL_WHEN_BUSY, fail);
    return this;
  }

  @Override
  public RpcClient.Builder maxQueuedCalls(int calls) {
    settings.set(Keys.MAX_QUEUED_CALLS, calls);
    return this;
  }

  @Override
  public RpcClient.Builder maxQueuedBytes(long bytes) {
    settings.set(Keys.MAX_QUEUED_BYTES, bytes);
    return this;
  }

  @Override
  public RpcClient.Builder maxResponseMemory(long bytes) {
    settings.set(Keys.MAX_RESPONSE_MEMORY, bytes);
    return this;
  }

  @Override
  public RpcClient.Builder maxServerHelloSize(int bytes) {
    settings.set(Keys.MAX_SERVER_HELLO_SIZE, bytes);
    return this;
  }

  @Override
  public RpcClient.Builder transport(String name) {
    Objects.requireNonNull(name, "transport == null");
    settings.set(Keys.TRANSPORT, Keys.TRANSPORT.parse(name));
    return this;
  }

  @Override
  public RpcClient.Builder tls(boolean on) {
    settings.set(Keys.TLS, on);
    return this;
  }

  @Override
  public RpcClient.Builder allowInsecureCredentials(boolean allow) {
    settings.set(Keys.ALLOW_INSECURE_CREDENTIALS, allow);
    return this;
  }

  @Override
  public RpcClient.Builder tls(SslContext context) {
    settings.sslContext(context);
    return this;
  }

  @Override
  public RpcClient.Builder tlsCertificate(Path certChain, Path privateKey) {
    settings.tlsCertificate(certChain, privateKey);
    return this;
  }

  @Override
  public RpcClient.Builder tlsTrustedCertificates(Path caCertificates) {
    settings.tlsTrustedCertificates(caCertificates);
    return this;
  }

  @Override
  public RpcClient.Builder tlsHostnameVerification(boolean verify) {
    settings.set(Keys.TLS_HOSTNAME_VERIFICATION, verify);
    return this;
  }

  @Override
  public RpcClient.Builder ioThreads(int threads) {
    settings.set(Keys.IO_THREADS, threads);
    return this;
  }

  @Override
  public RpcClient.Builder compression(String name) {
    settings.set(Keys.COMPRESSION, name);
    return this;
  }

  @Override
  public RpcClient.Builder compressionMinSize(int bytes) {
    settings.set(Keys.COMPRESSION_MIN_SIZE, bytes);
    return this;
  }

  @Override
  public RpcClient.Builder allowClasses(Class<?>... classes) {
    settings.allowClasses(classes);
    return this;
  }

  @Override
  public RpcClient build() {
    ClientConfig config = settings.client();
    List<ClientInterceptor> chain = new ArrayList<>();
    if (observer != null) {
      chain.add(new ObservingInterceptor(observer));
    }
    chain.addAll(interceptors);
    return new ClientRuntime(
        config,
        AllowedClasses.resolve(config.allowedClasses(), config.allowedClassNames()),
        chain,
        observer);
  }
}
