package io.minirpc.internal.client;

import io.minirpc.ClientInterceptor;
import io.minirpc.RpcClient;
import io.minirpc.interceptors.ObservingInterceptor;
import io.minirpc.internal.config.ClientConfig;
import io.minirpc.internal.config.HostPort;
import io.minirpc.internal.config.Keys;
import io.minirpc.internal.config.Settings;
import io.minirpc.internal.config.Side;
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

  @Override
  protected void set(String key, Object value) {
    settings.setNamed(key, Side.CLIENT, value);
  }

  @Override
  protected void parse(String key, String text) {
    settings.parseNamed(key, Side.CLIENT, text);
  }

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
  public RpcClient.Builder metadata(String key, String value) {
    settings.metadata(key, value);
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
    return RpcClient.of(new ClientRuntime(
        config,
        AllowedClasses.resolve(config.allowedClasses(), config.allowedClassNames()),
        chain,
        observer));
  }
}
