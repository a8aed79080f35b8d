package io.minirpc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.Authenticator;
import io.minirpc.ClientInterceptor;
import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.ServerInterceptor;
import io.minirpc.metrics.RpcObserver;
import io.netty.handler.ssl.SslContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The setters of the public builders name their settings by text ({@code set("minirpc.timeout",
 * timeout)}), so that a setting is declared once, in the key table, and its setter once, in the
 * API. Each setter is called here on a builder that records what it sets: every name it sets is a
 * key of the table for that side, with a value of the key's type, and the key's table entry names
 * that setter.
 */
class BuilderSettersNameTheirKeysTest {

  @Test
  void everyClientSetterSetsKeysOfTheClientTableWithValuesOfTheirType() throws Exception {
    Recording client = new Recording(Side.CLIENT);
    check(new RecordingClientBuilder(client), RpcClient.Builder.class, client);
  }

  @Test
  void everyServerSetterSetsKeysOfTheServerTableWithValuesOfTheirType() throws Exception {
    Recording server = new Recording(Side.SERVER);
    check(new RecordingServerBuilder(server), RpcServer.Builder.class, server);
  }

  private static void check(Object builder, Class<?> type, Recording rec) throws Exception {
    int setters = 0;
    for (Method m : type.getDeclaredMethods()) {
      if (!Modifier.isPublic(m.getModifiers()) || Modifier.isAbstract(m.getModifiers())
          || Modifier.isStatic(m.getModifiers()) || m.isAnnotationPresent(Deprecated.class)) {
        continue;
      }
      rec.keys.clear();
      try {
        m.invoke(builder, sampleArguments(m));
      } catch (InvocationTargetException e) {
        throw new AssertionError(m + " failed", e.getCause());
      }
      assertTrue(!rec.keys.isEmpty(), m + " sets no setting");
      for (String key : rec.keys) {
        Key<?> k = keyOf(key, rec.side);
        assertTrue(k.builder().contains(m.getName() + "("),
            key + " does not name " + m.getName() + " as its builder method: " + k.builder());
      }
      setters++;
    }
    assertTrue(setters > 25, "only " + setters + " setters found on " + type);
  }

  private static Key<?> keyOf(String name, Side side) {
    for (Key<?> k : KeyTable.named(name)) {
      if (k.side() == side || k.side() == Side.BOTH) {
        return k;
      }
    }
    throw new AssertionError("no key " + name + " for the " + side + " side");
  }

  /** Valid values of each parameter type the setters take. */
  private static Object[] sampleArguments(Method m) {
    List<Object> args = new ArrayList<>();
    for (Class<?> p : m.getParameterTypes()) {
      if (p == int.class) {
        args.add(1);
      } else if (p == long.class) {
        args.add(1024L * 1024);
      } else if (p == double.class) {
        args.add(0.1);
      } else if (p == boolean.class) {
        args.add(true);
      } else if (p == Duration.class) {
        args.add(Duration.ofSeconds(2));
      } else if (p == String.class) {
        args.add(sampleText(m.getName()));
      } else {
        throw new AssertionError(m + " takes a " + p + "; add a sample");
      }
    }
    return args.toArray();
  }

  /** Text each string setter accepts. */
  private static String sampleText(String setter) {
    switch (setter) {
      case "address":
        return "127.0.0.1:4242";
      case "loadBalancer":
        return "round-robin";
      case "transport":
        return "nio";
      case "compression":
        return "gzip";
      case "tlsClientAuth":
        return "optional";
      case "registry":
        return "dns:///example.com:4242";
      default:
        return "example.com";
    }
  }

  /** The names a builder sets, each checked to be a key whose type takes the value. */
  private static final class Recording {
    final Side side;
    final Set<String> keys = new TreeSet<>();

    Recording(Side side) {
      this.side = side;
    }

    void set(String key, Object value) {
      keys.add(key);
      Object def = keyOf(key, side).defaultValue();
      if (def != null && !(def instanceof List) && !(def instanceof java.util.Map)) {
        assertEquals(def.getClass(), value.getClass(), key + " takes another type");
      }
    }

    void parse(String key, String text) {
      keys.add(key);
      keyOf(key, side).parse(text); // the key reads the setter's text
    }
  }

  private static final class RecordingClientBuilder extends RpcClient.Builder {
    private final Recording rec;

    RecordingClientBuilder(Recording rec) {
      this.rec = rec;
    }

    @Override
    protected void set(String key, Object value) {
      rec.set(key, value);
    }

    @Override
    protected void parse(String key, String text) {
      rec.parse(key, text);
    }

    @Override
    public RpcClient.Builder intercept(ClientInterceptor... interceptors) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcClient.Builder observer(RpcObserver observer) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcClient.Builder configure(Properties properties) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcClient.Builder address(String host, int port) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcClient.Builder metadata(String key, String value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcClient.Builder reconnectBackoff(Duration initial, Duration max) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcClient.Builder tls(SslContext context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcClient.Builder tlsCertificate(Path certChain, Path privateKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcClient.Builder tlsTrustedCertificates(Path caCertificates) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcClient.Builder allowClasses(Class<?>... classes) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcClient build() {
      throw new UnsupportedOperationException();
    }
  }

  private static final class RecordingServerBuilder extends RpcServer.Builder {
    private final Recording rec;

    RecordingServerBuilder(Recording rec) {
      this.rec = rec;
    }

    @Override
    protected void set(String key, Object value) {
      rec.set(key, value);
    }

    @Override
    protected void parse(String key, String text) {
      rec.parse(key, text);
    }

    @Override
    public RpcServer.Builder configure(Properties properties) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> RpcServer.Builder register(Class<T> service, T implementation) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder codecs(String... names) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder tls(SslContext context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder tlsCertificate(Path certChain, Path privateKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder tlsTrustedCertificates(Path caCertificates) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder authenticator(Authenticator authenticator) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder intercept(ServerInterceptor... interceptors) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder observer(RpcObserver observer) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder rateLimit(Class<?> service, double perSecond) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder rateLimit(Class<?> service, String method, double perSecond) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder attribute(String name, String value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer.Builder allowClasses(Class<?>... classes) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RpcServer build() {
      throw new UnsupportedOperationException();
    }
  }
}
