package io.minirpc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The key table ({@link Keys}) is the one list of settings: every builder method it names exists
 * on the builder of its side, and every setter of a builder is named by it, so a setting cannot
 * be added to a builder and forgotten in the table (and the docs rendered from it), or the other
 * way round.
 */
class BuildersFollowTheKeyTableTest {
  /** Builder methods that set no key: registering, wiring, loading a file. */
  private static final Set<String> NOT_SETTINGS = Set.of("configure", "intercept", "observer",
      "register", "build", "sslContext");
  private static final Pattern METHOD = Pattern.compile("`?([a-z][A-Za-z]*)\\(");

  @Test
  void everyBuilderMethodTheTableNamesExistsAndEverySetterIsInTheTable() {
    Set<String> client = new TreeSet<>();
    Set<String> server = new TreeSet<>();
    for (Object e : KeyTable.entries()) {
      Side side;
      String builder;
      if (e instanceof Key<?> k) {
        side = k.side();
        builder = k.builder();
      } else if (e instanceof Keys.Family f) {
        side = f.side();
        builder = f.builder();
      } else {
        continue;
      }
      // "client: `heartbeat(...)`; server: `idleTimeout(Duration)`" names one for each side.
      String[] parts = builder.startsWith("client: ") ? builder.split("; server: ")
          : new String[] {builder};
      for (int i = 0; i < parts.length; i++) {
        Matcher m = METHOD.matcher(parts[i]);
        if (!m.find() || NOT_SETTINGS.contains(m.group(1))) {
          continue; // set through Properties only, such as configure(Properties)
        }
        Side of = parts.length == 2 ? (i == 0 ? Side.CLIENT : Side.SERVER) : side;
        if (of != Side.SERVER) {
          client.add(m.group(1));
        }
        if (of != Side.CLIENT) {
          server.add(m.group(1));
        }
      }
    }
    assertTrue(client.size() > 30 && client.contains("compression") && server.contains("maxMemory"),
        "the table names the builders' methods: " + client + " " + server);
    assertEquals(client, setters(RpcClient.Builder.class), "RpcClient.Builder against the table");
    assertEquals(server, setters(RpcServer.Builder.class), "RpcServer.Builder against the table");
  }

  /** The public methods of {@code builder} that return it, but those that set no key. */
  private static Set<String> setters(Class<?> builder) {
    Set<String> names = new TreeSet<>();
    for (Method m : builder.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && m.getReturnType() == builder
          && !NOT_SETTINGS.contains(m.getName()) && !m.isAnnotationPresent(Deprecated.class)) {
        names.add(m.getName());
      }
    }
    return names;
  }
}
