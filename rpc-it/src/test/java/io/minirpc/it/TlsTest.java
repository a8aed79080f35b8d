package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import io.minirpc.testing.TestCertificates;
import io.minirpc.testing.TestCertificates.Pem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS and mutual TLS with certificates made at test time; every mismatch fails within the
 * handshake timeout with a message that says what to fix.
 */
class TlsTest {
  @TempDir static Path dir;
  static TestCertificates.Ca ca;
  static TestCertificates.Ca stranger;
  static Pem server;
  static Pem client;

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.ca(dir, "minirpc test CA");
    stranger = TestCertificates.ca(dir, "some other CA");
    server = ca.issue("server", "localhost", "127.0.0.1");
    client = ca.issue("client");
  }

  private static RpcServer start(UnaryOperator<RpcServer.Builder> tls) {
    return tls.apply(RpcServer.builder().host("127.0.0.1").port(0)
        .gracePeriod(Duration.ofSeconds(1)).register(Calculator.class, new CalculatorImpl()))
        .build().start();
  }

  private static RpcClient.Builder client(RpcServer s) {
    return RpcClient.builder().address("127.0.0.1", s.port()).timeout(Duration.ofSeconds(5));
  }

  /** The one call's failure, which must come within the client's 3 s handshake timeout. */
  private static RpcException refused(RpcClient c) {
    long start = System.nanoTime();
    RpcException e = assertThrows(RpcException.class, () -> c.proxy(Calculator.class).add(1, 2));
    long took = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Code.UNAVAILABLE, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("It did not run"), e.getMessage());
    assertTrue(took < 3_500, "failed after " + took + " ms: " + e.getMessage());
    return e;
  }

  private static void assertMentions(RpcException e, String... words) {
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), "no '" + w + "' in: " + e.getMessage());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void callsTravelOverTls(String codec) {
    try (RpcServer s = start(b -> b.tls(true).tlsCertificate(server.chain(), server.key()));
        RpcClient c = client(s).codec(codec).tls(true)
            .tlsTrustedCertificates(ca.certificate()).build()) {
      Calculator calc = c.proxy(Calculator.class);
      for (int i = 0; i < 100; i++) {
        assertEquals(i + 1, calc.add(i, 1));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void tlsAndMutualTlsFromPropertiesAlone(String codec) {
    Properties p = new Properties();
    p.setProperty("minirpc.tls", "true");
    p.setProperty("minirpc.tls.certChain", server.chain().toString());
    p.setProperty("minirpc.tls.privateKey", server.key().toString());
    p.setProperty("minirpc.tls.trustedCerts", ca.certificate().toString());
    p.setProperty("minirpc.tls.clientAuth", "require");
    try (RpcServer s = RpcServer.builder().configure(p).host("127.0.0.1").port(0)
        .register(Calculator.class, new CalculatorImpl()).build().start()) {
      Properties q = new Properties();
      q.setProperty("minirpc.address", "127.0.0.1:" + s.port());
      q.setProperty("minirpc.codec", codec);
      q.setProperty("minirpc.tls", "true");
      q.setProperty("minirpc.tls.certChain", client.chain().toString());
      q.setProperty("minirpc.tls.privateKey", client.key().toString());
      q.setProperty("minirpc.tls.trustedCerts", ca.certificate().toString());
      try (RpcClient c = RpcClient.builder().configure(q).build()) {
        assertEquals(5, c.proxy(Calculator.class).add(2, 3));
      }
    }
  }

  @Test
  void aServerThatRequiresClientCertificatesRefusesAClientWithout() {
    try (RpcServer s = start(b -> b.tls(true).tlsCertificate(server.chain(), server.key())
            .tlsTrustedCertificates(ca.certificate()).tlsClientAuth("require"));
        RpcClient c = client(s).tls(true).tlsTrustedCertificates(ca.certificate()).build()) {
      assertMentions(refused(c), "TLS", "minirpc.tls.certChain and minirpc.tls.privateKey");
    }
  }

  @Test
  void aPlaintextClientOfATlsServerIsToldToTurnTlsOn() {
    try (RpcServer s = start(b -> b.tls(true).tlsCertificate(server.chain(), server.key()));
        RpcClient c = client(s).build()) {
      assertMentions(refused(c), "set minirpc.tls=true on the client");
    }
  }

  @Test
  void aTlsClientOfAPlaintextServerIsToldWhatToChange() {
    try (RpcServer s = start(b -> b);
        RpcClient c = client(s).tls(true).tlsTrustedCertificates(ca.certificate()).build()) {
      assertMentions(refused(c), "minirpc.tls");
    }
  }

  @Test
  void aCertificateForAnotherHostFailsHostnameVerificationUnlessTurnedOff() {
    Pem other = ca.issue("other", "other.example");
    try (RpcServer s = start(b -> b.tls(true).tlsCertificate(other.chain(), other.key()))) {
      try (RpcClient c = client(s).tls(true).tlsTrustedCertificates(ca.certificate()).build()) {
        assertMentions(refused(c), "does not name the host", "minirpc.tls.hostnameVerification");
      }
      try (RpcClient c = client(s).tls(true).tlsTrustedCertificates(ca.certificate())
          .tlsHostnameVerification(false).build()) {
        assertEquals(3, c.proxy(Calculator.class).add(1, 2));
      }
    }
  }

  @Test
  void aServerCertificateFromAnUntrustedCaIsRefused() {
    Pem foreign = stranger.issue("server", "localhost", "127.0.0.1");
    try (RpcServer s = start(b -> b.tls(true).tlsCertificate(foreign.chain(), foreign.key()));
        RpcClient c = client(s).tls(true).tlsTrustedCertificates(ca.certificate()).build()) {
      assertMentions(refused(c), "minirpc.tls.trustedCerts");
    }
  }

  @Test
  void anExpiredServerCertificateIsRefused() {
    Pem expired = ca.issueExpired("server", "localhost", "127.0.0.1");
    try (RpcServer s = start(b -> b.tls(true).tlsCertificate(expired.chain(), expired.key()));
        RpcClient c = client(s).tls(true).tlsTrustedCertificates(ca.certificate()).build()) {
      assertMentions(refused(c), "expired");
    }
  }

  @Test
  void aMissingCertificateFileFailsBuildNamingTheKey() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RpcServer.builder().port(0).tls(true)
            .tlsCertificate(dir.resolve("nope.pem"), server.key())
            .register(Calculator.class, new CalculatorImpl()).build());
    assertTrue(e.getMessage().startsWith("Cannot read minirpc.tls.certChain="), e.getMessage());
    IllegalStateException none = assertThrows(IllegalStateException.class,
        () -> RpcServer.builder().port(0).tls(true)
            .register(Calculator.class, new CalculatorImpl()).build());
    assertTrue(none.getMessage().contains("set minirpc.tls.certChain and minirpc.tls.privateKey"),
        none.getMessage());
  }
}
