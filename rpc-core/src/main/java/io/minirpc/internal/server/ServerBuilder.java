package io.minirpc.internal.server;

import io.minirpc.Authenticator;
import io.minirpc.RpcServer;
import io.minirpc.ServerInterceptor;
import io.minirpc.health.Health;
import io.minirpc.internal.config.Keys;
import io.minirpc.internal.config.ServerKeys;
import io.minirpc.internal.config.Settings;
import io.minirpc.internal.config.Side;
import io.minirpc.metrics.RpcObserver;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
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

  @Override
  protected void set(String key, Object value) {
    settings.setNamed(key, Side.SERVER, value);
  }

  @Override
  protected void parse(String key, String text) {
    settings.parseNamed(key, Side.SERVER, text);
  }

  /** Made by {@code RpcServer.builder()}, through {@link java.util.ServiceLoader}. */
  public ServerBuilder() {}

  @Override
  public RpcServer.Builder configure(Properties properties) {
    settings.apply(properties);
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
    // The listing's interface is in rpc-listing, which this module does not depend on: by name.
    if (service == Health.class || service.getName().equals("io.minirpc.listing.ServiceListing")) {
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
  public RpcServer.Builder attribute(String name, String value) {
    Map<String, String> attributes = new LinkedHashMap<>(settings.get(ServerKeys.ATTRIBUTES));
    Objects.requireNonNull(name, "attribute name == null");
    attributes.put(name, Objects.requireNonNull(value, "value of attribute '" + name
        + "' == null"));
    settings.set(ServerKeys.ATTRIBUTES, attributes);
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
    return RpcServer.of(Server.of(settings.server(), List.copyOf(registrations.values()),
        interceptors, authenticator, observer));
  }
}
