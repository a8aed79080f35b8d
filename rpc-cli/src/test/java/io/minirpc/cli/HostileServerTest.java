package io.minirpc.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.minirpc.RpcServer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server whose names, results and errors hold terminal control sequences: {@code minirpc}
 * prints every one of them escaped, so the server cannot drive the user's terminal, and its JSON
 * output stays valid JSON.
 */
class HostileServerTest {
  /** ESC c resets a terminal; U+009B is CSI in one character (2J clears); U+202E reverses. */
  private static final String ESC = "\u001bc";
  private static final String CSI = "\u009b";
  private static final String RLO = "\u202e";
  private static final String SERVICE = "io.minirpc.cli.Greeter" + ESC + CSI + RLO;
  private static final String METHOD = "greet" + ESC + CSI + RLO;
  /** As minirpc prints them. */
  private static final String SERVICE_SHOWN = "io.minirpc.cli.Greeter\\u001bc\\u009b\\u202e";
  private static final String METHOD_SHOWN = "greet\\u001bc\\u009b\\u202e";

  record Result(int exit, byte[] out, byte[] err) {
    String stdout() {
      return new String(out, UTF_8);
    }

    String stderr() {
      return new String(err, UTF_8);
    }
  }

  /** The interface under its hostile name, defined by a loader of its own. */
  private static Class<?> hostileInterface() throws IOException {
    byte[] bytes;
    try (InputStream in = HostileServerTest.class.getResourceAsStream("GreeterQ1Q2Q33.class")) {
      bytes = in.readAllBytes();
    }
    // Same lengths in (modified) UTF-8, so every constant keeps its length prefix.
    replace(bytes, "Q33", RLO);
    replace(bytes, "Q1", ESC);
    replace(bytes, "Q2", CSI);
    ClassLoader loader = new ClassLoader(HostileServerTest.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (name.equals(SERVICE)) {
          return defineClass(name, bytes, 0, bytes.length);
        }
        throw new ClassNotFoundException(name);
      }
    };
    try {
      return loader.loadClass(SERVICE);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  private static void replace(byte[] bytes, String placeholder, String with) {
    byte[] from = placeholder.getBytes(UTF_8);
    byte[] to = with.getBytes(UTF_8);
    assertEquals(from.length, to.length, placeholder);
    for (int i = 0; i + from.length <= bytes.length; i++) {
      boolean match = true;
      for (int j = 0; j < from.length && match; j++) {
        match = bytes[i + j] == from[j];
      }
      if (match) {
        System.arraycopy(to, 0, bytes, i, to.length);
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static RpcServer hostileServer() throws IOException {
    Class service = hostileInterface();
    Object impl = Proxy.newProxyInstance(service.getClassLoader(), new Class<?>[] {service},
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.getName().equals("toString") ? "hostile greeter" : null;
          }
          if ("fail".equals(args[0])) {
            throw new IllegalStateException("refused " + ESC + CSI + "2J" + RLO + "\u001b[31m");
          }
          return "hello " + ESC + CSI + "2J" + RLO + "\u007f\u0085\u2066";
        });
    return RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .listing(true).errorDetails(true).register(service, impl).build().start();
  }

  private static Result run(String... args) {
    InProcess.Ran r = InProcess.run(args);
    return new Result(r.exit(), r.out(), r.err());
  }

  /** No ESC byte, and no other character a terminal acts on but the line ends. */
  private static void assertPrintable(Result r) {
    for (byte[] stream : List.of(r.out(), r.err())) {
      int escapes = 0;
      for (byte b : stream) {
        escapes += b == 0x1b ? 1 : 0;
      }
      String text = new String(stream, UTF_8);
      assertEquals(0, escapes, "ESC bytes in: " + text);
      text.chars().filter(c -> c != '\n' && Terminal.unsafe(c)).findFirst().ifPresent(c -> {
        throw new AssertionError(String.format("U+%04X printed raw in: %s", c, text));
      });
    }
  }

  private static String at(RpcServer s) {
    return "127.0.0.1:" + s.port();
  }

  @Test
  void listPrintsAServersNamesWithTheirControlCharactersEscaped() throws Exception {
    try (RpcServer s = hostileServer()) {
      Result services = run("list", at(s));
      assertEquals(0, services.exit(), services.stderr());
      assertPrintable(services);
      assertEquals(List.of(SERVICE_SHOWN, "io.minirpc.health.Health",
          "io.minirpc.listing.ServiceListing"), services.stdout().lines().toList());
      Result methods = run("list", at(s), SERVICE);
      assertEquals(0, methods.exit(), methods.stderr());
      assertPrintable(methods);
      assertEquals(SERVICE_SHOWN + "." + METHOD_SHOWN + "(java.lang.String)\n",
          methods.stdout());
      Result json = run("list", "--json", at(s));
      assertPrintable(json);
      assertEquals(SERVICE, Output.JSON.readTree(json.out()).get(0).asText());
    }
  }

  @Test
  void describePrintsSignaturesAndParameterNamesEscapedAndValidJson() throws Exception {
    try (RpcServer s = hostileServer()) {
      Result r = run("describe", at(s), SERVICE);
      assertEquals(0, r.exit(), r.stderr());
      assertPrintable(r);
      assertEquals(SERVICE_SHOWN + "\n\n"
          + "  java.lang.String " + METHOD_SHOWN + "(java.lang.String " + METHOD_SHOWN
              .replace("greet", "who") + ")\n"
          + "    key: " + METHOD_SHOWN + "(java.lang.String)\n"
          + "    who\\u001bc\\u009b\\u202e: {\"type\":[\"string\",\"null\"]}\n"
          + "    returns: {\"type\":[\"string\",\"null\"]}\n", r.stdout());
      Result json = run("describe", "--json", at(s), SERVICE);
      assertEquals(0, json.exit(), json.stderr());
      assertPrintable(json);
      JsonNode doc = Output.JSON.readTree(json.out());
      assertEquals(SERVICE, doc.get("service").asText());
      assertEquals("who" + ESC + CSI + RLO,
          doc.get("methods").get(0).get("parameters").get(0).get("name").asText());
    }
  }

  @Test
  void callPrintsAServersResultAndErrorEscaped() throws Exception {
    try (RpcServer s = hostileServer()) {
      Result result = run("call", at(s), SERVICE + "." + METHOD, "[\"you\"]");
      assertEquals(0, result.exit(), result.stderr());
      assertPrintable(result);
      assertEquals("\"hello \\u001Bc\\u009b2J\\u202e\\u007F\\u0085\\u2066\"\n", result.stdout());
      assertEquals("hello " + ESC + CSI + "2J" + RLO + "\u007f\u0085\u2066",
          Output.JSON.readTree(result.out()).asText());
      Result failed = run("call", at(s), SERVICE + "." + METHOD, "[\"fail\"]");
      assertEquals(1, failed.exit(), failed.stdout());
      assertPrintable(failed);
      assertEquals("minirpc: " + SERVICE_SHOWN + "." + METHOD_SHOWN + "(java.lang.String) threw"
          + " java.lang.IllegalStateException: refused \\u001bc\\u009b2J\\u202e\\u001b[31m\n",
          failed.stderr());
      Result unknown = run("describe", at(s), "Greeter" + ESC);
      assertEquals(4, unknown.exit(), unknown.stdout());
      assertPrintable(unknown);
    }
  }
}
