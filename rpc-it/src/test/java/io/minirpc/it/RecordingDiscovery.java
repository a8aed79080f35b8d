package io.minirpc.it;

import io.minirpc.discovery.DiscoveryProvider;
import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.discovery.ServerRegistrar;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A registry that lives in the test JVM ({@code recording:///name}): it records what a server's
 * registrar is told, and whether the server's port accepted connections at that moment, so a test
 * can assert the order of registration, serving and shutdown. {@code recording:///name?fail} makes
 * registration fail.
 */
public final class RecordingDiscovery implements DiscoveryProvider {
  private static final Map<String, Registry> REGISTRIES = new ConcurrentHashMap<>();

  /** The registry of {@code recording:///name}, made on first use. */
  static Registry registry(String name) {
    return REGISTRIES.computeIfAbsent(name, n -> new Registry());
  }

  @Override
  public String scheme() {
    return "recording";
  }

  @Override
  public NameResolver resolver(URI target) {
    throw new UnsupportedOperationException("servers only");
  }

  @Override
  public ServerRegistrar registrar(URI target) {
    if (target.getPath() == null || target.getPath().length() < 2) {
      throw new IllegalArgumentException("name the registry: recording:///name");
    }
    Registry registry = registry(target.getPath().substring(1));
    boolean fail = "fail".equals(target.getQuery());
    return new ServerRegistrar() {
      @Override
      public void register(ServerInstance self) throws IOException {
        registry.instance = self;
        registry.record("register " + self.address() + " (" + accepting(self) + ")");
        if (fail) {
          throw new IOException("the test registry refuses everyone");
        }
      }

      @Override
      public void deregister() {
        registry.record("deregister (" + accepting(registry.instance) + ")");
        registry.deregistered.countDown();
      }

      @Override
      public void close() {
        registry.record("close (" + accepting(registry.instance) + ")");
      }
    };
  }

  private static String accepting(ServerInstance self) {
    if (self == null) {
      return "never registered";
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(self.host(), self.port()), 1000);
      return "port open";
    } catch (IOException e) {
      return "port closed";
    }
  }

  /** What one registry was told. */
  static final class Registry {
    private final List<String> events = new ArrayList<>();
    final CountDownLatch deregistered = new CountDownLatch(1);
    volatile ServerInstance instance;

    synchronized void record(String event) {
      events.add(event);
    }

    synchronized List<String> events() {
      return List.copyOf(events);
    }
  }
}
