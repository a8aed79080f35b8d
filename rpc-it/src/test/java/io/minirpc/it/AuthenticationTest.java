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
import io.minirpc.health.Health;
import io.minirpc.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An authenticator decides about each call before anything of it is decoded. */
class AuthenticationTest {
  /** The HELLO flag every server of this version sets: it speaks streams. */
  private static final int STREAMS = 0x04;

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
      if (!caller.isHandshake()) {
        asked.incrementAndGet();
      }
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

  /** An interface the test servers do not register. */
  interface Hidden {
    String secret();
  }

  private static final Map<String, String> WITH_TOKEN = Map.of("authorization", "Bearer " + TOKEN);
  private static final String ECHO = "echoString(java.lang.String)";

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void aHelloWithoutTheTokenLearnsNoServicesAndOneWithItLearnsThemAll(String codec)
      throws Exception {
    try (RpcServer s = server(BearerTokenAuthenticator.builder().token(TOKEN).build())) {
      for (Map<String, String> metadata : List.of(Map.<String, String>of(),
          Map.of("authorization", "Bearer not-the-token"))) {
        try (RawConnection raw = new RawConnection(s.port(), false)) {
          raw.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1, metadata, codec),
              new byte[0]);
          RawConnection.Reply reply = raw.read();
          assertEquals(RawConnection.HELLO, reply.type());
          String bytes = new String(reply.header(), UTF_8);
          for (String secret : List.of("io.minirpc.it", "add(int,int)", "record{")) {
            assertFalse(bytes.contains(secret), "'" + secret + "' in the HELLO of " + metadata);
          }
          RawConnection.ServerHello hello = RawConnection.ServerHello.parse(reply.header());
          assertEquals(new RawConnection.ServerHello(List.of("json", "kryo"), List.of(), Map.of(),
              0, 0x01 | STREAMS), hello, "details withheld, and the flag says so");
          assertFalse(bytes.contains("not-the-token"), "the credential is echoed");
        }
      }
      try (RawConnection raw = new RawConnection(s.port(), false)) {
        raw.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1, WITH_TOKEN, codec),
            new byte[0]);
        byte[] header = raw.read().header();
        RawConnection.ServerHello hello = RawConnection.ServerHello.parse(header);
        assertEquals(List.of(Health.class.getName(), Calculator.class.getName(),
            TypesService.class.getName()), List.copyOf(hello.services().keySet()));
        assertTrue(hello.services().get(Calculator.class.getName()).contains("add(int,int)"));
        assertTrue(hello.shapes() > 0, "shapes of the classes TypesService reaches");
        assertEquals(STREAMS, hello.flags());
        assertFalse(new String(header, UTF_8).contains(TOKEN), "the credential is echoed");
      }
    }
  }

  @Test
  void aTokenForSomeServicesSeesOnlyThoseInItsHelloAndItsListing() throws Exception {
    String calc = Calculator.class.getName();
    String health = Health.class.getName();
    String listing = io.minirpc.listing.ServiceListing.class.getName();
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0).listing(true)
        .authenticator(BearerTokenAuthenticator.builder()
            .token(TOKEN, Calculator.class, io.minirpc.listing.ServiceListing.class).build())
        .register(Calculator.class, new CalculatorImpl())
        .register(TypesService.class, TypesService.echo()).build().start()) {
      try (RawConnection raw = new RawConnection(s.port(), false)) {
        raw.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1, WITH_TOKEN, "json"),
            new byte[0]);
        byte[] header = raw.read().header();
        RawConnection.ServerHello hello = RawConnection.ServerHello.parse(header);
        assertEquals(List.of(health, calc, listing), List.copyOf(hello.services().keySet()));
        assertEquals(0x02 | STREAMS, hello.flags(), "services filtered, and the flag says so");
        String bytes = new String(header, UTF_8);
        assertFalse(bytes.contains(TypesService.class.getName()), "another service is listed");
        for (Class<?> reached : List.of(TypesService.User.class, TypesService.Color.class,
            TypesService.Account.class)) {
          assertFalse(bytes.contains(reached.getName()), "the shape of " + reached + " is listed");
        }
        assertTrue(bytes.contains(io.minirpc.listing.ServiceDescription.class.getName()),
            "the shapes of the services it may call are listed");
      }
      try (RpcClient c = client(s, "json").metadata("authorization", "Bearer " + TOKEN).build()) {
        io.minirpc.listing.ServiceListing l = c.proxy(io.minirpc.listing.ServiceListing.class);
        assertEquals(List.of(health, calc, listing), l.services());
        RpcException e = assertThrows(RpcException.class,
            () -> l.describe(TypesService.class.getName()));
        assertEquals(Code.NOT_FOUND, e.code());
        assertTrue(e.getMessage().endsWith("the server has no service '"
            + TypesService.class.getName() + "' (it serves: " + health + ", " + calc + ", "
            + listing + ")"), e.getMessage());
        assertEquals(3, c.proxy(Calculator.class).add(1, 2));
        // Not listed is not "no such service": the call is sent, and the server denies it.
        RpcException denied = assertThrows(RpcException.class,
            () -> c.proxy(TypesService.class).echoString("x"));
        assertEquals(Code.PERMISSION_DENIED, denied.code(), denied.getMessage());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void withoutATokenEveryCallIsSentAndRefusedUnauthenticatedNotFailedAsAMissingService(
      String codec) {
    try (RpcServer s = server(BearerTokenAuthenticator.builder().token(TOKEN).build())) {
      try (RpcClient c = client(s, codec).build()) {
        for (Runnable call : List.<Runnable>of(() -> c.proxy(Calculator.class).add(1, 2),
            () -> c.proxy(Hidden.class).secret())) {
          RpcException e = assertThrows(RpcException.class, call::run);
          assertEquals(Code.UNAUTHENTICATED, e.code(), e.getMessage());
          assertTrue(e.getMessage().endsWith("failed: the server requires a bearer token: send"
              + " metadata 'authorization: Bearer <token>' (minirpc.metadata.authorization)"),
              e.getMessage());
          assertFalse(e.getMessage().contains(TypesService.class.getName()), e.getMessage());
        }
      }
      try (RpcClient c = client(s, codec).metadata("authorization", "Bearer " + TOKEN).build()) {
        assertEquals(3, c.proxy(Calculator.class).add(1, 2));
        RpcException e = assertThrows(RpcException.class, () -> c.proxy(Hidden.class).secret());
        assertEquals(Code.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("was not sent: the server has no service "
            + Hidden.class.getName() + " (it serves: " + Health.class.getName() + ", "
            + Calculator.class.getName() + ", "
            + TypesService.class.getName() + ")"), e.getMessage());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void aTokenAddedPerCallMustAuthenticateTheConnectionWithASmallCallBeforeALargeOne(
      String codec) {
    String large = "x".repeat(200_000);
    try (RpcServer s = server(BearerTokenAuthenticator.builder().token(TOKEN).build())) {
      // The token is not in the client's static metadata, so the HELLO does not carry it.
      try (RpcClient c = client(s, codec).intercept((call, next) -> {
        call.metadata().put("authorization", "Bearer " + TOKEN);
        return next.proceed();
      }).build()) {
        TypesService types = c.proxy(TypesService.class);
        RpcException e = assertThrows(RpcException.class, () -> types.echoString(large));
        assertEquals(Code.UNAUTHENTICATED, e.code());
        assertTrue(e.getMessage().contains("failed: the server refused the call unread: its"
            + " request of "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" bytes is larger than the 65536 bytes a connection"
            + " may send before it is authenticated (minirpc.server.maxPreHelloFrameSize). Send"
            + " the credential in the client's metadata (minirpc.metadata.*) so that the"
            + " connection authenticates when it opens, or make a smaller call first"),
            e.getMessage());
        assertEquals(3, c.proxy(Calculator.class).add(1, 2));
        assertEquals(large, types.echoString(large));
      }
      try (RpcClient c = client(s, codec).metadata("authorization", "Bearer " + TOKEN).build()) {
        assertEquals(large, c.proxy(TypesService.class).echoString(large));
      }
    }
  }

  @Test
  void untilAConnectionIsAuthenticatedALargeRequestIsRefusedFromItsHeaderUnread()
      throws Exception {
    try (RpcServer s = server(BearerTokenAuthenticator.builder().token(TOKEN).build());
        RawConnection raw = new RawConnection(s.port(), false)) {
      raw.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1, Map.of(), "json"),
          new byte[0]);
      assertEquals(0x01 | STREAMS, RawConnection.ServerHello.parse(raw.read().header()).flags());
      // 1 MiB, with the token: the request that authenticates a connection must itself be small.
      String large = "x".repeat(1 << 20);
      byte[] big = RawConnection.requestBytes(1, 1, TypesService.class.getName(), ECHO,
          WITH_TOKEN, utf8("\"" + large + "\""));
      raw.writeRaw(Arrays.copyOf(big, 64));
      RawConnection.Reply r = raw.read(); // before the rest is sent: nothing of it is buffered
      assertEquals(RawConnection.ERROR, r.type());
      assertEquals(1, r.seq());
      assertEquals(Code.UNAUTHENTICATED.wireNumber(), r.errorCode());
      assertEquals(0x01, r.flags(), "NOT_RUN");
      assertEquals("the server refused the call unread: its request of " + (big.length - 4)
          + " bytes is larger than the 65536 bytes a connection may send before it is"
          + " authenticated (minirpc.server.maxPreHelloFrameSize). Send the credential in the"
          + " client's metadata (minirpc.metadata.*) so that the connection authenticates when it"
          + " opens, or make a smaller call first", r.errorMessage());
      raw.writeRaw(Arrays.copyOfRange(big, 64, big.length)); // skipped as it arrives
      raw.writeRaw(RawConnection.requestBytes(1, 2, Calculator.class.getName(), "add(int,int)",
          WITH_TOKEN, utf8("1"), utf8("2")));
      r = raw.read();
      assertEquals(RawConnection.RESPONSE, r.type());
      assertEquals("3", r.slotText());
      // That call authenticated the connection: large frames pass now.
      raw.writeRaw(RawConnection.requestBytes(1, 3, TypesService.class.getName(), ECHO,
          WITH_TOKEN, utf8("\"" + large + "\"")));
      r = raw.read();
      assertEquals(RawConnection.RESPONSE, r.type(), r.type() == RawConnection.ERROR
          ? r.errorMessage() : "");
      assertEquals("\"" + large + "\"", r.slotText());
    }
  }

  @Test
  void untilAConnectionIsAuthenticatedALargeFrameOfAnotherTypeClosesIt() throws Exception {
    try (RpcServer s = server(BearerTokenAuthenticator.builder().token(TOKEN).build());
        RawConnection raw = new RawConnection(s.port(), false)) {
      raw.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1, Map.of(), "json"),
          new byte[0]);
      raw.read();
      byte[] cancel = RawConnection.frameBytes(RawConnection.CANCEL, 0, 1, new byte[0],
          new byte[1 << 20]);
      raw.writeRaw(Arrays.copyOf(cancel, 64));
      assertTrue(raw.closedByPeer(), "closed from the frame's first bytes");
    }
  }

  @Test
  void aHelloWithTheTokenAuthenticatesTheConnectionForLargeFramesAtOnce() throws Exception {
    try (RpcServer s = server(BearerTokenAuthenticator.builder().token(TOKEN).build());
        RawConnection raw = new RawConnection(s.port(), false)) {
      raw.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1, WITH_TOKEN, "json"),
          new byte[0]);
      assertEquals(STREAMS, RawConnection.ServerHello.parse(raw.read().header()).flags());
      String large = "y".repeat(1 << 20);
      raw.writeRaw(RawConnection.requestBytes(1, 1, TypesService.class.getName(), ECHO,
          WITH_TOKEN, utf8("\"" + large + "\"")));
      assertEquals("\"" + large + "\"", raw.read().slotText());
    }
  }
}
