package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client must survive the servers it calls: a hostile one, speaking the wire format with plain
 * sockets, beside a good one in the same fleet, against a client in a JVM of {@code -Xmx128m}
 * with default settings.
 */
@Timeout(60)
class HostileServerTest {
  private static final String NOT_RUN = " It did not run, so it is safe to retry. The client"
      + " keeps reconnecting in the background; to make calls wait for a connection within their"
      + " timeout instead, set minirpc.waitForReady=true or annotate the method with"
      + " @WaitForReady";

  /** 15.9 MiB of JSON one-character strings: four million of them, 13 times that once decoded. */
  private static byte[] oneCharacterStrings() {
    int n = (int) (15.9 * 1024 * 1024 / 4);
    byte[] json = new byte[n * 4 + 1];
    json[0] = '[';
    for (int i = 0; i < n; i++) {
      int at = 1 + i * 4;
      json[at] = '"';
      json[at + 1] = 'a';
      json[at + 2] = '"';
      json[at + 3] = ',';
    }
    json[json.length - 1] = ']';
    return HostileServer.slot(json);
  }

  private static RpcServer goodServer() {
    return RpcServer.builder().host("127.0.0.1").port(0)
        .register(TypesService.class, TypesService.echo()).build().start();
  }

  @Test
  void answersThatExpandPastTheClientsMemoryFailTheirCallsWhileTheOtherServerKeepsServing()
      throws Exception {
    byte[] body = oneCharacterStrings();
    try (RpcServer good = goodServer(); HostileServer bad = HostileServer.answering(body)) {
      String address = "127.0.0.1:" + good.port() + "," + bad.address();
      ClientProcess.Outcome o = ClientProcess.run(address, Duration.ofSeconds(8), "-Xmx128m");

      assertEquals(0, o.exitCode(), "the client JVM died: " + o.log());
      assertFalse(o.log().contains("OutOfMemoryError"), o.log());
      assertFalse(o.log().contains("LEAK"), o.log());
      assertTrue(bad.requests() > 0, "the bad server was never called");
      assertTrue(o.get("RESOURCE_EXHAUSTED") > 0, o.result() + " " + o.messages());
      assertEquals("Call to io.minirpc.it.TypesService.echoStrings(java.lang.String[]) at "
          + address + " failed: decoding the " + (4 + 18 + body.length) + "-byte response took"
          + " more than the " + o.get("maxHeap") / 4 + " bytes of memory the client's responses"
          + " may take while they decode (minirpc.maxResponseMemory): the server's values expand"
          + " far beyond their bytes. Return less data per call, or raise"
          + " minirpc.maxResponseMemory", o.messages().get("RESOURCE_EXHAUSTED"));
      // The good server's calls go on, not held up behind the bad server's answers (the margins
      // are wide for a loaded machine: before, the client died of OutOfMemoryError).
      assertTrue(o.get("ok") >= 20, o.result().toString());
      assertTrue(o.get("maxGapMillis") < 3000, "no call succeeded for " + o.get("maxGapMillis")
          + " ms: " + o.result());
    }
  }

  @Test
  void aHandshakeLargerThanTheClientAcceptsIsRefusedWhileTheOtherServerKeepsServing()
      throws Exception {
    // 15.4 MiB: 983,025 methods in 15 services.
    byte[] hello = HostileServer.helloHeader(15, 65_535, 0);
    try (RpcServer good = goodServer(); HostileServer bad = HostileServer.greeting(hello)) {
      String address = "127.0.0.1:" + good.port() + "," + bad.address();
      ClientProcess.Outcome o = ClientProcess.run(address, Duration.ofSeconds(5), "-Xmx128m");

      assertEquals(0, o.exitCode(), "the client JVM died: " + o.log());
      assertFalse(o.log().contains("OutOfMemoryError"), o.log());
      assertFalse(o.log().contains("LEAK"), o.log());
      assertTrue(o.log().contains("Closing connection to " + "127.0.0.1/"
          + bad.address() + ": the server at " + bad.address() + " answered the handshake with"
          + " more than this client accepts: Frame of " + (18 + hello.length) + " bytes exceeds"
          + " the maximum frame size of 1048576 bytes (minirpc.maxServerHelloSize, before HELLO)."
          + " Raise minirpc.maxServerHelloSize only for a server you trust to list that much"),
          o.log());
      assertTrue(o.get("ok") >= 20, o.result().toString());
      assertEquals(0, bad.requests(), "a call went to the server that failed its handshake");
    }
  }

  @Test
  void aCallToAServerWhoseHandshakeIsTooLargeFailsNamingTheLimit() throws Exception {
    byte[] hello = HostileServer.helloHeader(1, 65_535, 16);
    assertCallFailsAtTheHandshake(hello, "the server at %s answered the handshake with more than"
        + " this client accepts: Frame of " + (18 + hello.length) + " bytes exceeds the maximum"
        + " frame size of 1048576 bytes (minirpc.maxServerHelloSize, before HELLO). Raise"
        + " minirpc.maxServerHelloSize only for a server you trust to list that much");
  }

  @Test
  void aHandshakeListingMoreServicesThanAClientTakesIsRefused() throws Exception {
    assertCallFailsAtTheHandshake(HostileServer.helloHeader(5000, 0, 0), "protocol error: the"
        + " server broke the handshake: malformed HELLO: it lists more than 4096 services, the"
        + " most a client takes from a handshake");
  }

  /** A call to a server that greets with {@code hello} fails UNAVAILABLE, unsent, for {@code why}. */
  private static void assertCallFailsAtTheHandshake(byte[] hello, String why) throws Exception {
    try (HostileServer bad = HostileServer.greeting(hello);
        RpcClient client = RpcClient.builder().address("127.0.0.1", bad.port()).codec("json")
            .build()) {
      RpcException e = assertThrows(RpcException.class,
          () -> client.proxy(TypesService.class).echoString("x"));
      assertEquals(RpcException.Code.UNAVAILABLE, e.code());
      assertEquals("Call to io.minirpc.it.TypesService.echoString(java.lang.String) at "
          + bad.address() + " failed: there is no connection to " + bad.address() + " (the"
          + " connection closed during the handshake: " + why.replace("%s", bad.address())
          + ")." + NOT_RUN, e.getMessage());
    }
  }
}
