package io.minirpc.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcServer;
import io.minirpc.testing.TestCertificates;
import io.minirpc.testing.TestCertificates.Pem;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar that {@code mvn package} builds, run as docs/operations.md says ({@code java
 * -jar rpc-cli/target/minirpc-cli.jar}), with nothing else on its class path: what a person at a
 * terminal gets. Runs after {@code package}, in {@code verify}.
 */
class CliJarIT {
  private static final Path JAR = Path.of("target", "minirpc-cli.jar");

  @TempDir static Path dir;
  static TestCertificates.Ca ca;
  static TestCertificates.Ca stranger;

  record Result(int exit, String out, String err) {}

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.ca(dir, "minirpc cli test CA");
    stranger = TestCertificates.ca(dir, "another CA");
  }

  static final class ShopImpl implements Shop {
    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public Receipt order(Order order) {
      return new Receipt("r-9", order, new BigDecimal("1.25"));
    }

    @Override
    public void close(String reason) {
      throw new IllegalStateException(reason);
    }
  }

  private static Result minirpc(String... args) throws Exception {
    assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is built by mvn package");
    List<String> command = new ArrayList<>(List.of(
        System.getProperty("java.home") + "/bin/java", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "minirpc did not end");
    return new Result(p.exitValue(), new String(out, UTF_8), new String(err, UTF_8));
  }

  private static RpcServer.Builder server() {
    return RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .listing(true).register(Shop.class, new ShopImpl());
  }

  @Test
  void theJarListsCallsAndChecksHealthWithNothingElseOnItsClassPath() throws Exception {
    try (RpcServer s = server().build().start()) {
      String at = "127.0.0.1:" + s.port();
      Result list = minirpc("list", at);
      assertEquals(0, list.exit(), list.err());
      assertTrue(list.out().lines().toList().contains(Shop.class.getName()), list.out());
      Result add = minirpc("call", at, "Shop.add", "[40, 2]");
      assertEquals(0, add.exit(), add.err());
      assertEquals("42", add.out().strip());
      Result order = minirpc("call", at, "Shop.order", "[{\"item\": \"tea\", \"quantity\": 2}]");
      assertEquals(0, order.exit(), order.err());
      assertTrue(order.out().contains("\"id\" : \"r-9\""), order.out());
      Result health = minirpc("health", at);
      assertEquals(0, health.exit(), health.err());
      assertEquals("SERVING", health.out().strip());
      Result help = minirpc("call", "--help");
      assertEquals(0, help.exit(), help.err());
      assertTrue(help.out().contains("--cacert"), help.out());
    }
  }

  @Test
  void theJarSpeaksTlsAndMutualTlsFromItsOptions() throws Exception {
    Pem serverPem = ca.issue("shop server", "127.0.0.1");
    Pem clientPem = ca.issue("cli user");
    try (RpcServer s = server().tls(true).tlsCertificate(serverPem.chain(), serverPem.key())
        .tlsTrustedCertificates(ca.certificate()).tlsClientAuth("require").build().start()) {
      String at = "127.0.0.1:" + s.port();
      Result ok = minirpc("call", "--cacert", ca.certificate().toString(),
          "--cert", clientPem.chain().toString(), "--key", clientPem.key().toString(),
          at, "Shop.add", "[1, 2]");
      assertEquals(0, ok.exit(), ok.err());
      assertEquals("3", ok.out().strip());

      Result noClientCertificate = minirpc("call", "--cacert", ca.certificate().toString(),
          "--timeout", "5s", at, "Shop.add", "[1, 2]");
      assertEquals(Minirpc.UNAVAILABLE, noClientCertificate.exit(), noClientCertificate.err());
      assertTrue(noClientCertificate.err().contains("certificate"), noClientCertificate.err());

      Result untrusted = minirpc("call", "--cacert", stranger.certificate().toString(),
          "--cert", clientPem.chain().toString(), "--key", clientPem.key().toString(),
          "--timeout", "5s", at, "Shop.add", "[1, 2]");
      assertEquals(Minirpc.UNAVAILABLE, untrusted.exit(), untrusted.err());
      assertTrue(untrusted.err().contains("trust"), untrusted.err());

      Result plaintext = minirpc("call", "--timeout", "5s", at, "Shop.add", "[1, 2]");
      assertEquals(Minirpc.UNAVAILABLE, plaintext.exit(), plaintext.err());
      assertTrue(plaintext.err().contains("TLS"), plaintext.err());
    }
  }
}
