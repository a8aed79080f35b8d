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
import java.io.File;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
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

  @Test
  void tlsSettingsWithoutTlsFailBuildInsteadOfRunningPlaintext() {
    IllegalArgumentException files = assertThrows(IllegalArgumentException.class,
        () -> RpcServer.builder().port(0).tlsCertificate(server.chain(), server.key())
            .register(Calculator.class, new CalculatorImpl()).build());
    assertEquals("minirpc.tls.certChain=" + server.chain() + ", minirpc.tls.privateKey="
        + server.key() + " are set, but TLS is off (minirpc.tls=false), so connections would be"
        + " plaintext: set minirpc.tls=true (tls(true)) to use TLS, or remove them",
        files.getMessage());
    Properties p = new Properties();
    p.setProperty("minirpc.address", "127.0.0.1:4242");
    p.setProperty("minirpc.tls.trustedCerts", ca.certificate().toString());
    IllegalArgumentException trust = assertThrows(IllegalArgumentException.class,
        () -> RpcClient.builder().configure(p).build());
    assertEquals("minirpc.tls.trustedCerts=" + ca.certificate() + " is set, but TLS is off"
        + " (minirpc.tls=false), so connections would be plaintext: set minirpc.tls=true"
        + " (tls(true)) to use TLS, or remove it", trust.getMessage());
    IllegalArgumentException mutual = assertThrows(IllegalArgumentException.class,
        () -> RpcServer.builder().port(0).tlsClientAuth("require")
            .register(Calculator.class, new CalculatorImpl()).build());
    assertTrue(mutual.getMessage().startsWith("minirpc.tls.clientAuth=require is set, but TLS"
        + " is off"), mutual.getMessage());
    // A server-only setting in a file both sides read does not stop a client.
    p.remove("minirpc.tls.trustedCerts");
    p.setProperty("minirpc.tls.clientAuth", "require");
    RpcClient.builder().configure(p).build().close();
  }

  /** The key of {@code pem} as OpenSSL's "traditional" format writes it: PKCS#1 or SEC1. */
  private static Path traditional(java.security.PrivateKey key, String type, String name)
      throws Exception {
    byte[] der = PrivateKeyInfo.getInstance(key.getEncoded()).parsePrivateKey()
        .toASN1Primitive().getEncoded();
    Path file = dir.resolve(name);
    Files.writeString(file, "-----BEGIN " + type + " PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + " PRIVATE KEY-----\n");
    return file;
  }

  @Test
  void aPkcs1OrEcPrivateKeyFailsBuildWithTheCommandThatConvertsIt() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    Path pkcs1 = traditional(rsa.generateKeyPair().getPrivate(), "RSA", "rsa.pem");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RpcServer.builder().port(0).tls(true).tlsCertificate(server.chain(), pkcs1)
            .register(Calculator.class, new CalculatorImpl()).build());
    assertEquals("minirpc.tls.privateKey=" + pkcs1 + " is a PKCS#1 RSA key, but minirpc reads"
        + " PKCS#8 keys (-----BEGIN PRIVATE KEY-----). Convert it with 'openssl pkcs8 -topk8"
        + " -nocrypt -in " + pkcs1 + " -out " + dir.resolve("rsa.pkcs8.pem") + "' and set"
        + " minirpc.tls.privateKey to the new file", e.getMessage());
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    Path sec1 = traditional(ec.generateKeyPair().getPrivate(), "EC", "ec.key");
    IllegalStateException ecKey = assertThrows(IllegalStateException.class,
        () -> RpcClient.builder().address("127.0.0.1", 4242).tls(true)
            .tlsCertificate(client.chain(), sec1).build());
    assertEquals("minirpc.tls.privateKey=" + sec1 + " is an EC key in OpenSSL's SEC1 format,"
        + " but minirpc reads PKCS#8 keys (-----BEGIN PRIVATE KEY-----). Convert it with"
        + " 'openssl pkcs8 -topk8 -nocrypt -in " + sec1 + " -out " + dir.resolve("ec.pkcs8.pem")
        + "' and set minirpc.tls.privateKey to the new file", ecKey.getMessage());
  }

  private static List<String> refusalsIn(File log) throws Exception {
    return Files.readAllLines(log.toPath()).stream()
        .filter(l -> l.contains("Refused a TLS handshake from /127.0.0.1:")).toList();
  }

  private static List<String> awaitRefusals(File log, int atLeast) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<String> lines = refusalsIn(log);
    while (lines.size() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(50);
      lines = refusalsIn(log);
    }
    assertTrue(lines.size() >= atLeast, "refusals logged: " + lines);
    return lines;
  }

  @Test
  void aRefusedHandshakeIsLoggedWithThePeerAndTheReasonAtMostOnceASecond() throws Exception {
    File log = dir.resolve("tls-server.log").toFile();
    try (ServerProcess s = ServerProcess.startLoggingTo(log, 0, "-Xmx128m",
        "-Dminirpc.tls=true", "-Dminirpc.tls.certChain=" + server.chain(),
        "-Dminirpc.tls.privateKey=" + server.key(),
        "-Dminirpc.tls.trustedCerts=" + ca.certificate(), "-Dminirpc.tls.clientAuth=require");
        RpcClient good = RpcClient.builder().address("127.0.0.1", s.port()).tls(true)
            .tlsTrustedCertificates(ca.certificate())
            .tlsCertificate(client.chain(), client.key()).build()) {
      // A flood of plaintext: one line, then silence for the rest of the second.
      for (int i = 0; i < 10; i++) {
        try (Socket plain = new Socket("127.0.0.1", s.port())) {
          OutputStream out = plain.getOutputStream();
          out.write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          plain.getInputStream().read(); // until the server closes
        }
      }
      String first = awaitRefusals(log, 1).get(0);
      assertTrue(first.contains(": the client does not speak TLS (it needs minirpc.tls=true)"),
          first);
      Thread.sleep(1100);
      // A client without the certificate the server requires.
      try (RpcClient stranger = RpcClient.builder().address("127.0.0.1", s.port()).tls(true)
          .tlsTrustedCertificates(ca.certificate()).timeout(Duration.ofSeconds(5)).build()) {
        assertThrows(RpcException.class, () -> stranger.proxy(Calculator.class).add(1, 2));
      }
      List<String> lines = awaitRefusals(log, 2);
      assertTrue(lines.size() < 11, "not rate-limited: " + lines);
      assertTrue(lines.get(lines.size() - 1).contains(": the client showed no certificate, which"
          + " minirpc.tls.clientAuth=require demands (it needs minirpc.tls.certChain and"
          + " minirpc.tls.privateKey)"), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.contains("similar line(s) left out)")),
          lines.toString());
      assertEquals(3, good.proxy(Calculator.class).add(1, 2));
    }
  }
}
