package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.Authenticator;
import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import io.minirpc.auth.BearerTokenAuthenticator;
import io.minirpc.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An authenticator decides about each call before anything of it is decoded. */
class AuthenticationTest {
  private static final String TOKEN = "s3cr3t-token-for-tests";

  @TempDir Path dir;

  private static RpcServer server(Authenticator auth) {
    return RpcServer.builder().host("127.0.0.1").port(0).authenticator(auth)
        .register(Calculator.class, new CalculatorImpl())
        .register(TypesService.class, TypesService.echo()).build().start();
  }

  private static RpcClient.Builder client(RpcServer s, String codec) {
    return RpcClient.builder().address("127.0.0.1", s.port()).codec(codec)
        .timeout(Duration.ofSeconds(5));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void aBearerTokenLetsCallsThroughAndItsAbsenceOrAWrongOneDoesNot(String codec) {
    try (RpcServer s = server(BearerTokenAuthenticator.builder().token(TOKEN).build())) {
      try (RpcClient c = client(s, codec).metadata("authorization", "Bearer " + TOKEN).build()) {
        assertEquals(3, c.proxy(Calculator.class).add(1, 2));
      }
      try (RpcClient c = client(s, codec).build()) {
        RpcException e = assertThrows(RpcException.class,
            () -> c.proxy(Calculator.class).add(1, 2));
        assertEquals(Code.UNAUTHENTICATED, e.code());
        assertTrue(e.getMessage().endsWith("failed: the server requires a bearer token: send"
            + " metadata 'authorization: Bearer <token>' (minirpc.metadata.authorization)"),
            e.getMessage());
      }
      String wrong = "not-the-token-" + codec;
      try (RpcClient c = client(s, codec).metadata("authorization", "Bearer " + wrong).build()) {
        RpcException e = assertThrows(RpcException.class,
            () -> c.proxy(Calculator.class).add(1, 2));
        assertEquals(Code.UNAUTHENTICATED, e.code());
        assertFalse(e.getMessage().contains(wrong), "the token is echoed: " + e.getMessage());
      }
    }
  }

  @Test
  void aTokenForOneServiceIsDeniedAnother() {
    try (RpcServer s = server(BearerTokenAuthenticator.builder()
            .token(TOKEN, Calculator.class).build());
        RpcClient c = client(s, "json").metadata("authorization", "Bearer " + TOKEN).build()) {
      assertEquals(3, c.proxy(Calculator.class).add(1, 2));
      RpcException e = assertThrows(RpcException.class,
          () -> c.proxy(TypesService.class).echoString("x"));
      assertEquals(Code.PERMISSION_DENIED, e.code());
      assertTrue(e.getMessage().contains("this bearer token may not call "
          + TypesService.class.getName()), e.getMessage());
    }
  }

  @Test
  void aRefusedCallIsNeverDecodedNorLookedUp() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    try (RpcServer s = server(caller -> {
      asked.incrementAndGet();
      throw new RpcException(Code.UNAUTHENTICATED, "no");
    }); RawConnection raw = new RawConnection(s.port())) {
      // An undecodable body, to a method that exists and to one that does not: the answer is
      // the authenticator's, not CODEC and not NOT_FOUND.
      raw.request(1, 1, Calculator.class.getName(), "add(int,int)", "{{{ not json".getBytes(UTF_8));
      RawConnection.Reply r = raw.read();
      assertEquals(Code.UNAUTHENTICATED.wireNumber(), r.errorCode(), r.errorMessage());
      raw.request(1, 2, "com.example.Secret", "list()");
      r = raw.read();
      assertEquals(Code.UNAUTHENTICATED.wireNumber(), r.errorCode(), r.errorMessage());
      assertEquals(2, asked.get());
    }
  }

  @Test
  void tokensFromAPropertiesFileOnBothSides() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# token, then the services it may call\n" + TOKEN + " "
        + Calculator.class.getName() + "\n");
    Properties server = new Properties();
    server.setProperty("minirpc.server.auth.bearerTokens", tokens.toString());
    try (RpcServer s = RpcServer.builder().configure(server).host("127.0.0.1").port(0)
        .register(Calculator.class, new CalculatorImpl()).build().start()) {
      Properties client = new Properties();
      client.setProperty("minirpc.address", "127.0.0.1:" + s.port());
      client.setProperty("minirpc.metadata.authorization", "Bearer " + TOKEN);
      try (RpcClient c = RpcClient.builder().configure(client).build()) {
        assertEquals(7, c.proxy(Calculator.class).add(3, 4));
      }
    }
  }

  @Test
  void anAuthenticatorSeesTheClientCertificateOfMutualTls() {
    TestCertificates.Ca ca = TestCertificates.ca(dir, "auth CA");
    TestCertificates.Pem serverCert = ca.issue("server", "127.0.0.1");
    TestCertificates.Pem clientCert = ca.issue("reporting-service");
    AtomicReference<String> seen = new AtomicReference<>();
    Authenticator byCertificate = caller -> {
      String subject = caller.peerCertificate()
          .map(c -> c.getSubjectX500Principal().getName()).orElse("none");
      seen.set(subject);
      if (!subject.equals("CN=reporting-service")) {
        throw new RpcException(Code.PERMISSION_DENIED, "only reporting-service may call");
      }
    };
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0).authenticator(byCertificate)
            .tls(true).tlsCertificate(serverCert.chain(), serverCert.key())
            .tlsTrustedCertificates(ca.certificate()).tlsClientAuth("require")
            .register(Calculator.class, new CalculatorImpl()).build().start();
        RpcClient c = RpcClient.builder().address("127.0.0.1", s.port()).tls(true)
            .tlsTrustedCertificates(ca.certificate())
            .tlsCertificate(clientCert.chain(), clientCert.key()).build()) {
      assertEquals(3, c.proxy(Calculator.class).add(1, 2));
      assertEquals("CN=reporting-service", seen.get());
    }
  }
}
