package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.Authenticator;
import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import io.minirpc.metrics.RpcObserver;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Connections that never leave: idle ones, old ones, unauthenticated ones, and enough of them to
 * fill the server (issue 16, row 4). Raw sockets misbehave; a minirpc client beside them must
 * still be served.
 */
class ConnectionLifetimeTest {
  private static final int JSON = 1;
  private static final String CALC = Calculator.class.getName();
  private static final String SLOW = SlowService.class.getName();

  private static RpcServer start(Authenticator auth, String... settings) {
    Properties p = new Properties();
    for (int i = 0; i < settings.length; i += 2) {
      p.setProperty(settings[i], settings[i + 1]);
    }
    RpcServer.Builder b = RpcServer.builder().host("127.0.0.1").port(0)
        .gracePeriod(Duration.ofSeconds(1)).configure(p)
        .register(Calculator.class, new CalculatorImpl())
        .register(SlowService.class, new SlowServiceImpl());
    if (auth != null) {
      b.authenticator(auth);
    }
    return b.build().start();
  }

  private static RpcClient client(RpcServer s) {
    return RpcClient.builder().address("127.0.0.1", s.port()).timeout(Duration.ofSeconds(10))
        .build();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  /**
   * Sends a PING every 200 ms, as a client that keeps its connection alive on heartbeats alone,
   * until a frame other than PONG arrives (returned) or {@code millis} pass (null).
   */
  private static RawConnection.Reply pingUntilNotPong(RawConnection raw, long millis)
      throws IOException {
    long end = System.nanoTime() + millis * 1_000_000;
    long seq = 0;
    while (System.nanoTime() < end) {
      raw.frame(RawConnection.PING, 0, ++seq, new byte[0], new byte[0]);
      RawConnection.Reply r = raw.read();
      if (r.type() != RawConnection.PONG) {
        return r;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  @Test
  void aConnectionThatOnlyPingsGetsGoAwayAtMaxConnectionIdleAndAClientsNextCallStillWorks()
      throws Exception {
    AtomicInteger opened = new AtomicInteger();
    RpcObserver counting = new RpcObserver() {
      @Override
      public void connectionOpened() {
        opened.incrementAndGet();
      }
    };
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0)
            .maxConnectionIdle(Duration.ofSeconds(1)).observer(counting)
            .register(Calculator.class, new CalculatorImpl()).build().start();
        RpcClient c = client(s)) {
      Calculator calc = c.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));
      try (RawConnection pinger = new RawConnection(s.port())) {
        RawConnection.Reply r = pingUntilNotPong(pinger, 8000);
        assertTrue(r != null, "PINGs for 8 s, and still open");
        String reason = r.goAwayReason();
        assertTrue(reason.startsWith("the connection was idle for ") && reason.endsWith(
            " ms, with no call open and no request (minirpc.server.maxConnectionIdle=1000ms);"
                + " open a new one to call again"), reason);
        assertTrue(pinger.closedByPeer());
      }
      // The client's heartbeats do not keep its idle connection either: it gets GOAWAY too, and
      // opens another (the third connection the server sees).
      long deadline = System.nanoTime() + 8_000_000_000L;
      while (opened.get() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(3, opened.get(), "connections opened");
      assertEquals(5, calc.add(2, 3), "the next call");
    }
  }

  @Test
  void aCallKeepsItsConnectionFromBeingIdle() throws Exception {
    try (RpcServer s = start(null, "minirpc.server.maxConnectionIdle", "500ms");
        RawConnection raw = new RawConnection(s.port())) {
      raw.request(JSON, 1, SLOW, "work(long)", utf8("2000"));
      RawConnection.Reply r = raw.read();
      assertEquals(RawConnection.RESPONSE, r.type(), "the 2 s call's answer, before any GOAWAY");
      assertEquals(RawConnection.GOAWAY, raw.read().type(), "idle after the answer");
    }
  }

  @Test
  void aConnectionPastMaxConnectionAgeGetsGoAwayAndItsCallFinishesWithinTheGrace()
      throws Exception {
    try (RpcServer s = start(null, "minirpc.server.maxConnectionAge", "1s",
            "minirpc.server.maxConnectionAgeGrace", "5s");
        RawConnection raw = new RawConnection(s.port())) {
      long start = System.nanoTime();
      raw.request(JSON, 1, SLOW, "work(long)", utf8("2000"));
      String reason = raw.read().goAwayReason();
      long goAwayMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals("the connection reached its maximum age of 1000 ms"
          + " (minirpc.server.maxConnectionAge); calls open now have 5000 ms to end"
          + " (minirpc.server.maxConnectionAgeGrace)", reason);
      assertTrue(goAwayMs >= 800 && goAwayMs < 1800, "GOAWAY after " + goAwayMs + " ms");
      RawConnection.Reply answer = raw.read();
      assertEquals(RawConnection.RESPONSE, answer.type(), "the call open at GOAWAY ends");
      assertTrue(raw.closedByPeer(), "closed once its call ended");
    }
  }

  @Test
  void anUnauthenticatedConnectionGetsGoAwayAtTheHandshakeTimeoutEvenIfItPings()
      throws Exception {
    Authenticator auth = caller -> {
      if (!"Bearer right".equals(caller.metadata().get("authorization"))) {
        throw new RpcException(Code.UNAUTHENTICATED, "no");
      }
    };
    try (RpcServer s = start(auth, "minirpc.server.handshakeTimeout", "1s");
        RpcClient good = RpcClient.builder().address("127.0.0.1", s.port())
            .metadata("authorization", "Bearer right").timeout(Duration.ofSeconds(10)).build();
        RawConnection raw = new RawConnection(s.port())) {
      Calculator calc = good.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));
      RawConnection.Reply r = pingUntilNotPong(raw, 8000);
      assertTrue(r != null, "PINGs for 8 s unauthenticated, and still open");
      assertEquals("the connection was not authenticated within 1000 ms of opening"
          + " (minirpc.server.handshakeTimeout): send the credential in the client's metadata"
          + " (minirpc.metadata.*)", r.goAwayReason());
      assertTrue(raw.closedByPeer());
      assertEquals(5, calc.add(2, 3), "the authenticated client's connection stays");
    }
  }

  @Test
  void aConnectionBeyondTheLimitPerAddressGetsGoAwayNamingTheLimit() throws Exception {
    try (RpcServer s = start(null, "minirpc.server.maxConnectionsPerAddress", "2");
        RawConnection a1 = new RawConnection(s.port());
        RawConnection a2 = new RawConnection(s.port());
        RawConnection a3 = new RawConnection(s.port(), false);
        RpcClient c = client(s)) {
      assertEquals("the server already has 2 connections from 127.0.0.1"
          + " (minirpc.server.maxConnectionsPerAddress)", a3.read().goAwayReason());
      assertTrue(a3.closedByPeer());
      RpcException e = assertThrows(RpcException.class,
          () -> c.proxy(Calculator.class).add(1, 2));
      assertEquals(Code.UNAVAILABLE, e.code());
      String at = "127.0.0.1:" + s.port();
      assertEquals("Call to " + CALC + ".add(int,int) at " + at + " failed: there is no"
          + " connection to " + at + " (the connection closed during the handshake: the server"
          + " refused the connection: the server already has 2 connections from 127.0.0.1"
          + " (minirpc.server.maxConnectionsPerAddress)). It did not run, so it is safe to"
          + " retry. The client keeps reconnecting in the background; to make calls wait for a"
          + " connection within their timeout instead, set minirpc.waitForReady=true or"
          + " annotate the method with @WaitForReady", e.getMessage());
    }
  }

  @Test
  void theLimitPerAddressCountsAnIpv6HostByItsSlash64() throws Exception {
    InetAddress loopback = InetAddress.getByName("::1");
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, loopback)) {
      // IPv6 loopback is there
    } catch (IOException noIpv6) {
      Assumptions.abort("no IPv6 loopback: " + noIpv6);
    }
    try (RpcServer s = RpcServer.builder().host("::1").port(0).maxConnectionsPerAddress(2)
            .register(Calculator.class, new CalculatorImpl()).build().start();
        RawConnection a1 = new RawConnection(loopback, s.port(), true, loopback);
        RawConnection a2 = new RawConnection(loopback, s.port(), true, loopback);
        RawConnection a3 = new RawConnection(loopback, s.port(), false, loopback)) {
      assertEquals("the server already has 2 connections from 0:0:0:0:0:0:0:0/64"
          + " (minirpc.server.maxConnectionsPerAddress)", a3.read().goAwayReason());
      a1.request(JSON, 1, CALC, "add(int,int)", utf8("1"), utf8("2"));
      assertEquals("3", a1.read().slotText());
    }
  }

  @Test
  void atTheTotalLimitTheHostHoldingTheMostGivesUpItsLongestIdleConnection() throws Exception {
    try (RpcServer s = start(null, "minirpc.server.maxConnections", "3",
            "minirpc.server.maxConnectionsPerAddress", "2");
        RawConnection a1 = new RawConnection(s.port(), true, "127.0.0.2");
        RawConnection a2 = new RawConnection(s.port(), true, "127.0.0.2");
        RawConnection b1 = new RawConnection(s.port(), true, "127.0.0.3")) {
      a2.request(JSON, 1, CALC, "add(int,int)", utf8("1"), utf8("1"));
      assertEquals("2", a2.read().slotText());
      // 127.0.0.2 holds two, 127.0.0.1 none: a1, idle since it opened, makes room.
      try (RpcClient c = client(s)) {
        assertEquals(3, c.proxy(Calculator.class).add(1, 2));
        assertEquals("the server is at its limit of 3 connections (minirpc.server.maxConnections),"
            + " and the host 127.0.0.2 holds the most: its longest-idle connection is closed to"
            + " make room for one from 127.0.0.1", a1.read().goAwayReason());
        assertTrue(a1.closedByPeer());
        // Now every host holds one: nobody makes room for a second from 127.0.0.3.
        try (RawConnection b2 = new RawConnection(s.port(), false, "127.0.0.3")) {
          assertEquals("the server already has 3 connections (minirpc.server.maxConnections),"
              + " and none from a host with more connections than this one's to close for it",
              b2.read().goAwayReason());
        }
        a2.request(JSON, 2, CALC, "add(int,int)", utf8("2"), utf8("2"));
        assertEquals("4", a2.read().slotText());
        b1.request(JSON, 1, CALC, "add(int,int)", utf8("3"), utf8("3"));
        assertEquals("6", b1.read().slotText());
      }
    }
  }

  @Test
  void aHostOpeningConnectionsFasterThanItsRateIsClosedAtOnceWhileAnotherHostIsServed()
      throws Exception {
    try (RpcServer s = start(null, "minirpc.server.connectionRatePerAddress", "5",
            "minirpc.server.maxConnectionsPerAddress", "10");
        RpcClient good = client(s)) {
      Calculator calc = good.proxy(Calculator.class);
      int served = 0;
      int closedAtOnce = 0;
      long start = System.nanoTime();
      for (int i = 0; i < 40; i++) {
        try (RawConnection raw = new RawConnection(s.port(), false, "127.0.0.2")) {
          raw.hello();
          try {
            assertEquals(RawConnection.HELLO, raw.read().type());
            served++;
          } catch (java.io.EOFException | java.net.SocketException e) {
            closedAtOnce++; // not a byte, not even a GOAWAY: refused before any work
          }
        }
        assertEquals(i + 3, calc.add(i, 3), "the other host, meanwhile");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals(40, served + closedAtOnce);
      // The burst is the per-host limit and twice the rate: 20, then 5 a second.
      assertTrue(served >= 20 && served <= 20 + Math.ceil(5 * seconds) + 1,
          served + " served in " + seconds + " s: a burst of 20, then 5 a second");
    }
  }

  @Test
  void twoHundredSilentConnectionsAreLoggedInAFewLinesThatCountTheRest() throws Exception {
    File log = File.createTempFile("minirpc-server", ".log");
    log.deleteOnExit();
    try (ServerProcess server = ServerProcess.startLoggingTo(log, 0, "-Xmx128m",
        "-Dminirpc.idleTimeout=1s")) {
      List<RawConnection> silent = new ArrayList<>();
      try {
        for (int i = 0; i < 200; i++) {
          silent.add(new RawConnection(server.port(), true, "127.0.2." + (1 + i % 100)));
        }
        for (RawConnection r : silent) {
          assertTrue(r.closedByPeer(), "closed for silence");
        }
      } finally {
        for (RawConnection r : silent) {
          r.close();
        }
      }
      Thread.sleep(1100); // the next line may pass: it counts those left out
      try (RawConnection last = new RawConnection(server.port(), true, "127.0.2.200")) {
        assertTrue(last.closedByPeer());
      }
      Thread.sleep(300);
    }
    List<String> lines = Files.readAllLines(log.toPath(), UTF_8).stream()
        .filter(l -> l.contains("it sent nothing for 1000 ms")).toList();
    String all = String.join("\n", lines);
    assertTrue(lines.size() >= 2 && lines.size() <= 5, lines.size() + " lines:\n" + all);
    assertTrue(lines.get(lines.size() - 1).matches(".* \\((\\d+) similar line\\(s\\) left out\\)"),
        all);
  }

  /**
   * The probe of row 4, at a quarter of its size to stay quick, against a server in a 128 MiB
   * JVM: 1024 connections from 16 addresses, 64 each, all handshaken and idle, fill the server
   * (at the defaults, 4096 from 16 addresses fill it the same way); a new client from another
   * address is served at once, and one squatter is told why it had to go.
   */
  @Test
  void connectionsThatNeverLeaveCannotLockOutANewClient() throws Exception {
    List<RawConnection> squatters = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(0, "-Xmx128m",
        "-Dminirpc.server.maxConnections=1024", "-Dminirpc.server.maxConnectionsPerAddress=64")) {
      try {
        for (int host = 2; host < 18; host++) {
          for (int i = 0; i < 64; i++) {
            squatters.add(new RawConnection(server.port(), true, "127.0.1." + host));
          }
        }
        try (RpcClient c = RpcClient.builder().address("127.0.0.1", server.port())
            .timeout(Duration.ofSeconds(10)).build()) {
          Calculator calc = c.proxy(Calculator.class);
          for (int i = 0; i < 20; i++) {
            assertEquals(i + 1, calc.add(i, 1));
          }
        }
        List<String> told = new ArrayList<>();
        for (RawConnection r : squatters) {
          if (r.available() > 0) {
            told.add(r.read().goAwayReason());
          }
        }
        assertEquals(1, told.size(), "squatters sent GOAWAY: " + told);
        assertTrue(told.get(0).startsWith("the server is at its limit of 1024 connections"
            + " (minirpc.server.maxConnections), and the host 127.0.1."), told.get(0));
      } finally {
        for (RawConnection r : squatters) {
          r.close();
        }
      }
    }
  }
}
