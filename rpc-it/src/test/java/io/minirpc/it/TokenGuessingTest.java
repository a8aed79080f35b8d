package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException.Code;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer guessing bearer tokens against a server with default settings (-Xmx128m): a connection
 * is told to go away after a few wrong ones, and an address that keeps failing has its new
 * connections refused at their HELLO, while a client with the token calls on.
 */
class TokenGuessingTest {
  private static final String TOKEN = "the-one-good-token";
  private static final String CALC = Calculator.class.getName();

  @TempDir Path dir;

  private static List<String> linesWith(File log, String text) throws Exception {
    return Files.readAllLines(log.toPath()).stream().filter(l -> l.contains(text)).toList();
  }

  private static List<String> awaitLines(File log, String text) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<String> lines = linesWith(log, text);
    while (lines.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      lines = linesWith(log, text);
    }
    assertFalse(lines.isEmpty(), "no line with '" + text + "'");
    return lines;
  }

  @Test
  void aGuesserIsToldToGoAwayAndItsAddressRefusedWhileAClientWithTheTokenCallsOn()
      throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, TOKEN + "\n");
    File log = dir.resolve("server.log").toFile();
    try (ServerProcess s = ServerProcess.startLoggingTo(log, 0, "-Xmx128m",
            "-Dminirpc.server.auth.bearerTokens=" + tokens);
        RpcClient good = RpcClient.builder().address("127.0.0.1", s.port())
            .metadata("authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10))
            .build()) {
      Calculator calc = good.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));

      // One connection: a HELLO without a token (which guesses nothing, and is not counted: a
      // client that adds its token per call sends one), then a wrong token per call.
      try (RawConnection guesser = new RawConnection(s.port(), false)) {
        guesser.hello();
        assertEquals(RawConnection.HELLO, guesser.read().type());
        for (int i = 1; i <= 10; i++) {
          guesser.writeRaw(RawConnection.requestBytes(1, i, CALC, "add(int,int)",
              Map.of("authorization", "Bearer guess-" + i), "1".getBytes(UTF_8),
              "2".getBytes(UTF_8)));
        }
        int refusals = 0;
        RawConnection.Reply reply;
        while ((reply = guesser.read()).type() == RawConnection.ERROR) {
          assertEquals(Code.UNAUTHENTICATED.wireNumber(), reply.errorCode());
          refusals++;
        }
        assertEquals(RawConnection.GOAWAY, reply.type());
        assertEquals("too many failed authentications: 6 on this connection"
            + " (minirpc.server.maxAuthFailuresPerConnection=5); check the credential the client"
            + " sends", reply.goAwayReason());
        assertEquals(6, refusals, "calls judged before the GOAWAY");
        assertTrue(guesser.closedByPeer());
      }

      // Many connections at once, one wrong token each: past the burst, the address's next
      // HELLO is refused unjudged.
      List<RawConnection> guesses = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 60; i++) {
          RawConnection next = new RawConnection(s.port(), false);
          guesses.add(next);
          next.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1,
              Map.of("authorization", "Bearer guess-hello-" + i), "json"), new byte[0]);
        }
        for (RawConnection next : guesses) {
          // Judged (a HELLO without the services), or, past the burst, refused (GOAWAY alone).
          int type = next.read().type();
          assertTrue(type == RawConnection.HELLO || type == RawConnection.GOAWAY, "type " + type);
        }
      } finally {
        for (RawConnection next : guesses) {
          next.close();
        }
      }
      try (RawConnection refused = new RawConnection(s.port(), false)) {
        refused.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1,
            Map.of("authorization", "Bearer guess-once-more"), "json"), new byte[0]);
        RawConnection.Reply goAway = refused.read(); // no HELLO: it may send nothing

        assertEquals(RawConnection.GOAWAY, goAway.type());
        assertEquals("too many failed authentications from 127.0.0.1: more than 10 a second"
            + " (minirpc.server.maxAuthFailuresPerSecond); try again later, with the right"
            + " credential", goAway.goAwayReason());
        assertTrue(refused.closedByPeer());
      }

      // The client that authenticated calls on; another address is not refused.
      assertEquals(5, calc.add(2, 3));
      try (RawConnection other = new RawConnection(s.port(), false, "127.0.0.2")) {
        other.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1,
            Map.of("authorization", "Bearer " + TOKEN), "json"), new byte[0]);
        RawConnection.Reply hello = other.read();
        assertEquals(RawConnection.HELLO, hello.type());
        assertTrue(RawConnection.ServerHello.parse(hello.header()).services().containsKey(CALC));
      }

      String perConnection = awaitLines(log, "after GOAWAY: too many failed authentications: 6")
          .get(0);
      assertTrue(perConnection.contains(" WARN "), perConnection);
      String perAddress = awaitLines(log, "Refusing the HELLOs of new connections from 127.0.0.1:"
          + " ").get(0);
      assertTrue(perAddress.contains(" WARN ") && perAddress.contains(" failed authentications"
          + " from it, more than 10 a second (minirpc.server.maxAuthFailuresPerSecond); "),
          perAddress);
      assertTrue(linesWith(log, "guess-").isEmpty(), "a token was logged");
    }
  }
}
