package io.minirpc.junit;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that serves implementations from a real {@link RpcServer} in the test's
 * JVM, and calls them through a real {@link RpcClient}: the same pipeline, handshake and codecs as
 * production, without sockets or ports unless {@linkplain Builder#tcp() asked for}.
 *
 * <pre>{@code
 * class CalculatorTest {
 *   @RegisterExtension
 *   static RpcTestServer server = RpcTestServer.builder()
 *       .register(Calculator.class, new CalculatorImpl())
 *       .codec("kryo")
 *       .build();
 *
 *   @Test
 *   void adds(Calculator calc) {                     // or server.proxy(Calculator.class)
 *     assertEquals(5, calc.add(2, 3));
 *   }
 * }
 * }</pre>
 *
 * <p>By default a new server starts before each test and is closed after it, with every client
 * the extension made; {@link Builder#perClass()} keeps one server for all the tests of a class
 * (register the extension on a {@code static} field then). Closing waits until every thread of
 * the server and its clients has ended, so nothing of one test reaches into the next.
 *
 * <p>Test methods, and {@code @BeforeEach} methods, may declare parameters of the type of a
 * registered interface (a proxy of the default client), {@link RpcClient} (the default client)
 * and {@link RpcServer}. With two {@code RpcTestServer}s in one class, both would offer these
 * parameters and JUnit refuses them: call {@link #proxy} on each instead.
 *
 * <p>The server is in-process by default: Netty's local transport ({@code
 * minirpc.transport=local}) connects the client to the server by a name unique in the JVM
 * ({@link #address()} is {@code local:rpc-test-N}); values are encoded and decoded by the same
 * codecs as over TCP. {@link Builder#tcp()} serves on {@code 127.0.0.1} at a free port instead.
 * TLS does not exist on the local transport: a TLS setting fails the server's or the client's
 * {@code build()} there, saying so; use {@code tcp()} to test TLS.
 *
 * <p>One instance serves one test at a time: with parallel test execution, register it on an
 * instance field (a new one per test) rather than a static one.
 */
public final class RpcTestServer
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {
  private static final AtomicLong NAMES = new AtomicLong();

  private final List<Service<?>> services;
  private final String codec;
  private final boolean tcp;
  private final boolean perClass;
  private final Consumer<RpcServer.Builder> serverOptions;
  private final Consumer<RpcClient.Builder> clientOptions;

  // Guarded by this.
  private RpcServer server;
  private String address;
  private RpcClient client;
  private final List<RpcClient> clients = new ArrayList<>();

  private RpcTestServer(Builder b) {
    this.services = List.copyOf(b.services);
    this.codec = b.codec;
    this.tcp = b.tcp;
    this.perClass = b.perClass;
    this.serverOptions = b.serverOptions;
    this.clientOptions = b.clientOptions;
  }

  /**
   * A builder with nothing registered, the default codec, in-process, a server per test.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The proxy of {@code service} from the default client, made on first use in each test.
   *
   * @param service an interface registered on the server (or any interface: a call to one the
   *     server does not serve fails with {@code NOT_FOUND}, as it would in production)
   * @param <T> the interface
   * @return the proxy, the same one for the rest of the test
   * @throws IllegalStateException outside a test (the server is not started)
   * @throws IllegalArgumentException if {@code service} cannot be called remotely, saying why
   */
  public <T> T proxy(Class<T> service) {
    Objects.requireNonNull(service, "service == null");
    return client().proxy(service);
  }

  /**
   * The default client: the address of this server, the builder's {@linkplain Builder#codec
   * codec} and {@linkplain Builder#clientOptions client options}. Made on first use; closed
   * after the test, or after the class with {@link Builder#perClass()}.
   *
   * @return the client
   * @throws IllegalStateException outside a test (the server is not started)
   */
  public synchronized RpcClient client() {
    if (client == null) {
      client = newClient(b -> {});
    }
    return client;
  }

  /**
   * Another client of this server, configured as the default one and then by {@code options}
   * (another codec, interceptors, a timeout, metadata); closed with the server.
   *
   * @param options changes to the client's builder; its address is set afterwards and cannot be
   *     changed
   * @return a new client
   * @throws IllegalStateException outside a test (the server is not started)
   */
  public synchronized RpcClient newClient(Consumer<RpcClient.Builder> options) {
    Objects.requireNonNull(options, "options == null");
    requireStarted();
    RpcClient.Builder b = RpcClient.builder();
    clientOptions.accept(b);
    if (codec != null) {
      b.codec(codec);
    }
    options.accept(b);
    RpcClient c = b.address(address).build();
    clients.add(c);
    return c;
  }

  /**
   * The running server, to inspect ({@code connectionCount()}) or to close early.
   *
   * @return the server
   * @throws IllegalStateException outside a test (the server is not started)
   */
  public synchronized RpcServer server() {
    requireStarted();
    return server;
  }

  /**
   * Where the server is, as {@code minirpc.address} takes it: {@code local:rpc-test-N}
   * in-process, {@code 127.0.0.1:PORT} over TCP; for clients made without this extension.
   *
   * @return the address
   * @throws IllegalStateException outside a test (the server is not started)
   */
  public synchronized String address() {
    requireStarted();
    return address;
  }

  private void requireStarted() {
    if (server == null) {
      throw new IllegalStateException("The RpcTestServer is not running: it starts before each"
          + " test (before all of them with perClass() on a static field); use it in a test or"
          + " in a @BeforeEach method");
    }
  }

  // ---- the extension ----

  /**
   * Starts the server for the whole class, with {@link Builder#perClass()}.
   *
   * @param context the test class's context
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    if (perClass) {
      start();
    }
  }

  /**
   * Starts the server for this test; with {@link Builder#perClass()}, checks that it runs.
   *
   * @param context the test's context
   * @throws ExtensionConfigurationException if {@code perClass()} is used on an instance field
   */
  @Override
  public synchronized void beforeEach(ExtensionContext context) {
    if (!perClass) {
      start();
    } else if (server == null) {
      throw new ExtensionConfigurationException("RpcTestServer.builder().perClass() starts the"
          + " server before all tests, which JUnit tells only extensions on static fields:"
          + " make the @RegisterExtension field static, or drop perClass()");
    }
  }

  /**
   * Closes the clients and the server of this test, unless they serve the whole class.
   *
   * @param context the test's context
   */
  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stop();
    }
  }

  /**
   * Closes the clients and the server of the class, with {@link Builder#perClass()}.
   *
   * @param context the test class's context
   */
  @Override
  public void afterAll(ExtensionContext context) {
    if (perClass) {
      stop();
    }
  }

  /**
   * Whether this extension provides the parameter: {@link RpcClient}, {@link RpcServer}, or an
   * interface registered on the server.
   *
   * @param parameter the parameter
   * @param context the context
   * @return whether {@link #resolveParameter} gives it
   */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == RpcClient.class || type == RpcServer.class) {
      return true;
    }
    for (Service<?> s : services) {
      if (s.type() == type) {
        return true;
      }
    }
    return false;
  }

  /**
   * The default client, the server, or a proxy of the parameter's interface.
   *
   * @param parameter the parameter
   * @param context the context
   * @return the value
   */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == RpcClient.class) {
      return client();
    }
    if (type == RpcServer.class) {
      return server();
    }
    return proxy(type);
  }

  private synchronized void start() {
    if (server != null) {
      throw new IllegalStateException("This RpcTestServer is already running: one instance"
          + " serves one test at a time (with parallel tests, register it on an instance field)");
    }
    String name = "rpc-test-" + NAMES.incrementAndGet();
    RpcServer.Builder b = RpcServer.builder();
    for (Service<?> s : services) {
      s.registerOn(b);
    }
    serverOptions.accept(b);
    // Last, so that options read from a file cannot move the server out of reach.
    if (tcp) {
      b.host("127.0.0.1").port(0);
    } else {
      b.transport("local").host(name);
    }
    RpcServer s = b.build().start();
    server = s;
    address = tcp ? "127.0.0.1:" + s.port() : "local:" + name;
  }

  /** Closes every client, then the server; the first failure is thrown, the rest suppressed. */
  private synchronized void stop() {
    RuntimeException failure = null;
    for (RpcClient c : clients) {
      try {
        c.close();
      } catch (RuntimeException e) {
        failure = add(failure, e);
      }
    }
    clients.clear();
    client = null;
    if (server != null) {
      try {
        server.close();
      } catch (RuntimeException e) {
        failure = add(failure, e);
      }
      server = null;
      address = null;
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException add(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  @Override
  public String toString() {
    return "RpcTestServer{" + (tcp ? "tcp" : "in-process") + (perClass ? ", per class" : "")
        + ", services=" + services.stream().map(s -> s.type().getName()).toList() + "}";
  }

  /** One registration, typed so that it can be replayed on each new server's builder. */
  private record Service<T>(Class<T> type, T implementation) {
    void registerOn(RpcServer.Builder b) {
      b.register(type, implementation);
    }
  }

  /**
   * Configures an {@link RpcTestServer}. Defaults: in-process, a new server per test, the
   * client's default codec (the only installed one, else {@code json}); the server speaks every
   * installed codec, as in production. Not thread-safe.
   */
  public static final class Builder {
    private final List<Service<?>> services = new ArrayList<>();
    private String codec;
    private boolean tcp;
    private boolean perClass;
    private Consumer<RpcServer.Builder> serverOptions = b -> {};
    private Consumer<RpcClient.Builder> clientOptions = b -> {};

    private Builder() {}

    /**
     * Serves {@code implementation} under {@code service}'s name on every server this extension
     * starts; the same object serves each test. The interface is checked when the first server
     * is built, as by {@link RpcServer.Builder#register}.
     *
     * @param service the interface
     * @param implementation its implementation
     * @param <T> the interface
     * @return this builder
     * @throws IllegalArgumentException if {@code service} is not an interface or is registered
     *     twice
     */
    public <T> Builder register(Class<T> service, T implementation) {
      Objects.requireNonNull(service, "service == null");
      Objects.requireNonNull(implementation, "implementation == null");
      if (!service.isInterface()) {
        throw new IllegalArgumentException(
            "service (" + service.getName() + ") must be an interface");
      }
      for (Service<?> s : services) {
        if (s.type() == service) {
          throw new IllegalArgumentException(service.getName() + " is already registered");
        }
      }
      services.add(new Service<>(service, implementation));
      return this;
    }

    /**
     * The codec of the clients: {@code "json"} or {@code "kryo"} ({@code minirpc.codec}).
     * Default: the only installed codec, else {@code json}. Checked when the first client is
     * built.
     *
     * @param name the codec's name
     * @return this builder
     */
    public Builder codec(String name) {
      this.codec = Objects.requireNonNull(name, "codec == null");
      return this;
    }

    /**
     * Serves over real TCP on {@code 127.0.0.1} at a free port instead of in-process: for tests
     * of TLS, of connection limits by address, or of anything about sockets.
     *
     * @return this builder
     */
    public Builder tcp() {
      this.tcp = true;
      return this;
    }

    /**
     * One server (and default client) for all the tests of the class, started before the first
     * and closed after the last, instead of one per test. Needs the extension on a {@code
     * static} field.
     *
     * @return this builder
     */
    public Builder perClass() {
      this.perClass = true;
      return this;
    }

    /**
     * More settings of each server: {@code b -> b.configure(properties)}, interceptors, limits.
     * The host and port (and in-process, the transport) are set afterwards.
     *
     * @param options changes to each new server's builder
     * @return this builder
     */
    public Builder serverOptions(Consumer<RpcServer.Builder> options) {
      this.serverOptions = Objects.requireNonNull(options, "options == null");
      return this;
    }

    /**
     * More settings of each client: timeouts, interceptors, metadata. The {@linkplain #codec
     * codec} and the address are set afterwards.
     *
     * @param options changes to each new client's builder
     * @return this builder
     */
    public Builder clientOptions(Consumer<RpcClient.Builder> options) {
      this.clientOptions = Objects.requireNonNull(options, "options == null");
      return this;
    }

    /**
     * The extension, to assign to a field annotated {@code @RegisterExtension}.
     *
     * @return the extension
     * @throws IllegalStateException if nothing is registered
     */
    public RpcTestServer build() {
      if (services.isEmpty()) {
        throw new IllegalStateException(
            "No service is registered: call register(Interface.class, implementation)");
      }
      return new RpcTestServer(this);
    }
  }
}
