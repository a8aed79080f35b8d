package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that breaks the rules on purpose costs its own connection, never the server or the
 * other clients: issue 10, "Safe on a hostile network". Raw sockets speak JSON; the well-behaved
 * client next to them speaks the codec under test. Settings are given as Properties, as a
 * deployment would.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class HostileNetworkTest {
  private static final int JSON = 1;
  private static final String CALC = Calculator.class.getName();

  @Parameter String codec;

  private final SlowServiceImpl slow = new SlowServiceImpl();

  private RpcServer start(String... settings) {
    Properties p = new Properties();
    for (int i = 0; i < settings.length; i += 2) {
      p.setProperty(settings[i], settings[i + 1]);
    }
    return RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .configure(p)
        .register(Calculator.class, new CalculatorImpl())
        .register(SlowService.class, slow)
        .build()
        .start();
  }

  private RpcClient client(int port) {
    return RpcClient.builder().address("127.0.0.1", port).codec(codec)
        .timeout(Duration.ofSeconds(10)).build();
  }

  /** Tests of raw frames alone run once, not once per codec. */
  private boolean once() {
    return codec.equals("json");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void aSequenceNumberReusedWhileItsCallIsInFlightClosesTheConnection() throws Exception {
    if (!once()) {
      return;
    }
    try (RpcServer s = start("minirpc.server.maxCallsPerConnection", "3");
        RpcClient other = client(s.port());
        RawConnection raw = new RawConnection(s.port())) {
      ByteArrayOutputStream five = new ByteArrayOutputStream();
      for (int i = 0; i < 5; i++) {
        five.write(RawConnection.requestBytes(JSON, 7, CALC, "sleepThenEcho(int,int)",
            utf8("1000"), utf8("1")));
      }
      raw.writeRaw(five.toByteArray());
      assertTrue(raw.closedByPeer(), "sequence 7 is in flight: its reuse breaks the protocol,"
          + " and it would slip past maxCallsPerConnection=3");
      assertEquals(3, other.proxy(Calculator.class).add(1, 2));
    }
  }

  @Test
  void metadataOverItsLimitsCostsOneRefusalAndTheConnectionLivesOn() throws Exception {
    if (!once()) {
      return;
    }
    try (RpcServer s = start();
        RawConnection raw = new RawConnection(s.port())) {
      for (int entries : new int[] {65_535, 8}) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        java.io.DataOutputStream h = new java.io.DataOutputStream(header);
        h.writeShort(CALC.length());
        h.write(utf8(CALC));
        h.writeShort("add(int,int)".length());
        h.write(utf8("add(int,int)"));
        h.writeLong(5_000_000_000L);
        h.writeShort(entries); // 65,535 one-byte pairs, or 8 pairs of 2 KiB values
        for (int i = 0; i < entries; i++) {
          String value = entries == 8 ? "v".repeat(2048) : "v";
          h.writeShort(1);
          h.write('k' + i % 16);
          h.writeShort(value.length());
          h.write(utf8(value));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        java.io.DataOutputStream b = new java.io.DataOutputStream(body);
        b.writeInt(1);
        b.write('1');
        b.writeInt(1);
        b.write('2');
        raw.frame(RawConnection.REQUEST, JSON, entries, header.toByteArray(), body.toByteArray());
        RawConnection.Reply reply = raw.read();
        assertEquals(RawConnection.ERROR, reply.type());
        assertEquals(8, reply.errorCode(), "RESOURCE_EXHAUSTED");
        assertTrue(reply.errorMessage().contains(entries == 8
            ? "more than 8192 bytes of metadata" : "65535 metadata entries, more than the 64"),
            reply.errorMessage());
      }
      raw.request(JSON, 1, CALC, "add(int,int)", utf8("1"), utf8("2"));
      assertEquals("3", raw.read().slotText());
    }
  }

  @Test
  void oneConnectionOfSlowCallsCannotTakeEveryWorkerFromAnotherClient() throws Exception {
    try (RpcServer s = start("minirpc.server.threads", "8");
        RpcClient a = client(s.port());
        RpcClient b = client(s.port())) {
      SlowService greedy = a.proxy(SlowService.class);
      SlowService polite = b.proxy(SlowService.class);
      polite.work(0);
      List<CompletableFuture<Long>> sleeping = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        sleeping.add(greedy.workAsync(3000));
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (slow.started.get() < 1 + 4 && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      Thread.sleep(200); // whatever else the server would give connection A, it has now
      long start = System.nanoTime();
      polite.work(0);
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs < 500, "B's call waited " + tookMs + " ms behind A's sleeping calls");
      assertEquals(1 + 4 + 1, slow.started.get(),
          "A's calls hold half the 8 workers (minirpc.server.maxRunningPerConnection)");
      assertEquals(20, sleeping.stream().filter(f -> !f.isDone()).count());
    }
  }

  @Test
  void aPingFloodGetsGoAwayTooManyPingsAndIsClosedWhileAnotherClientIsServed()
      throws Exception {
    if (!once()) {
      return;
    }
    try (RpcServer s = start();
        RpcClient other = client(s.port());
        RawConnection flood = new RawConnection(s.port())) {
      Calculator calc = other.proxy(Calculator.class);
      assertEquals(2, calc.add(1, 1));
      ByteArrayOutputStream pings = new ByteArrayOutputStream();
      for (int i = 0; i < 10_000; i++) {
        pings.write(RawConnection.frameBytes(RawConnection.PING, 0, i, new byte[0], new byte[0]));
      }
      flood.writeInBackground(pings.toByteArray());
      int pongs = 0;
      RawConnection.Reply reply;
      while ((reply = flood.read()).type() == RawConnection.PONG) {
        pongs++;
      }
      assertEquals(RawConnection.GOAWAY, reply.type());
      assertEquals("too_many_pings: more than 10 PINGs a second"
          + " (minirpc.server.maxPingsPerSecond)", reply.goAwayReason());
      assertTrue(pongs <= 10, pongs + " PINGs answered");
      assertTrue(flood.closedByPeer());
      assertEquals(3, calc.add(1, 2));
    }
  }

  @Test
  void aRapidResetFloodOfRequestAndCancelGetsGoAwayAndIsClosed() throws Exception {
    if (!once()) {
      return;
    }
    try (RpcServer s = start();
        RpcClient other = client(s.port());
        RawConnection flood = new RawConnection(s.port())) {
      Calculator calc = other.proxy(Calculator.class);
      assertEquals(2, calc.add(1, 1));
      ByteArrayOutputStream pairs = new ByteArrayOutputStream();
      for (int i = 1; i <= 20_000; i++) {
        pairs.write(RawConnection.requestBytes(JSON, i, CALC, "add(int,int)", utf8("1"),
            utf8("2")));
        pairs.write(RawConnection.frameBytes(RawConnection.CANCEL, 0, i, new byte[0],
            new byte[0]));
      }
      flood.writeInBackground(pairs.toByteArray());
      RawConnection.Reply reply;
      int answers = 0;
      while ((reply = flood.read()).type() != RawConnection.GOAWAY) {
        answers++;
      }
      assertEquals("too many CANCELs: more than 1000 a second"
          + " (minirpc.server.maxCancelsPerSecond)", reply.goAwayReason());
      assertTrue(answers < 5000, answers + " calls answered before the GOAWAY");
      assertTrue(flood.closedByPeer());
      assertEquals(3, calc.add(1, 2));
    }
  }

  @Test
  void stalledConnectionsBeforeHelloCannotTakeTheMemoryOfALegitimateCall() throws Exception {
    try (ServerProcess server = ServerProcess.start(0, "-Xmx128m")) {
      List<RawConnection> stalled = new ArrayList<>();
      List<Thread> writers = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          RawConnection raw = new RawConnection(server.port(), false);
          stalled.add(raw);
          // A HELLO that says it is 16 MiB long, 12 MiB of it sent, the rest never.
          ByteBuffer frame = ByteBuffer.allocate(12 << 20);
          frame.putInt(16 << 20).putShort((short) 0x4D52).put((byte) 1)
              .put((byte) RawConnection.HELLO);
          writers.add(raw.writeInBackground(frame.array()));
        }
        for (Thread w : writers) {
          w.join(TimeUnit.SECONDS.toMillis(20));
        }
        for (RawConnection raw : stalled) {
          assertTrue(raw.closedByPeer(), "a frame before HELLO is held to 64 KiB"
              + " (minirpc.server.maxPreHelloFrameSize)");
        }
        try (RpcClient c = client(server.port())) {
          String big = "x".repeat(8 << 20);
          assertEquals(big.length() + 2, c.proxy(Calculator.class).concat(big, "!").length());
        }
      } finally {
        for (RawConnection raw : stalled) {
          raw.close();
        }
      }
    }
  }

  @Test
  void aConnectionThatSendsNoHelloIsClosedAtTheHandshakeTimeout() throws Exception {
    if (!once()) {
      return;
    }
    try (RpcServer s = start("minirpc.server.handshakeTimeout", "1s");
        RawConnection silent = new RawConnection(s.port(), false)) {
      long start = System.nanoTime();
      assertTrue(silent.closedByPeer());
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs > 800 && tookMs < 3000, "closed after " + tookMs + " ms");
    }
  }

  @Test
  void aHelloWithNoCommonVersionIsRefused() throws Exception {
    if (!once()) {
      return;
    }
    try (RpcServer s = start();
        RawConnection raw = new RawConnection(s.port(), false)) {
      raw.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(9, 9, "json"), new byte[0]);
      assertTrue(raw.closedByPeer(), "versions 9..9 leave out version 1");
    }
  }

  @Test
  void hostileTextReachesTheLogEscapedAndRepeatedBadInputAtALimitedRate() throws Exception {
    if (!once()) {
      return;
    }
    File log = File.createTempFile("minirpc-server", ".log");
    log.deleteOnExit();
    try (ServerProcess server = ServerProcess.startLoggingTo(log, 0, "-Xmx128m")) {
      // A 1 MiB HELLO of 20,000 codec names, each with a line break and a forged ERROR line.
      List<String> names = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        names.add("c" + i + "\n[main] ERROR forged line " + i);
      }
      try (RawConnection raw = new RawConnection(server.port(), false)) {
        raw.frame(RawConnection.HELLO, 0, 0,
            RawConnection.helloHeader(1, 1, names.toArray(new String[0])), new byte[0]);
        raw.closedByPeer();
      }
      // One that fits the pre-HELLO limit: 1,500 names.
      try (RawConnection raw = new RawConnection(server.port(), false)) {
        raw.frame(RawConnection.HELLO, 0, 0,
            RawConnection.helloHeader(1, 1, names.subList(0, 1500).toArray(new String[0])),
            new byte[0]);
        assertEquals(RawConnection.HELLO, raw.read().type());
      }
      // 2,000 requests whose arguments cannot be decoded, each answered CODEC.
      try (RawConnection raw = new RawConnection(server.port())) {
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        for (int i = 1; i <= 2000; i++) {
          bad.write(RawConnection.requestBytes(JSON, i, CALC, "add(int,int)", utf8("x"),
              utf8("y")));
        }
        raw.writeRaw(bad.toByteArray());
        int codecErrors = 0;
        for (int i = 0; i < 2000; i++) {
          int code = raw.read().errorCode();
          assertTrue(code == 3 || code == 8, "CODEC, or RESOURCE_EXHAUSTED past 1000 in flight");
          codecErrors += code == 3 ? 1 : 0;
        }
        assertTrue(codecErrors >= 1000, codecErrors + " CODEC errors");
      }
      Thread.sleep(500);
    }
    List<String> lines = Files.readAllLines(log.toPath(), UTF_8);
    long forged = lines.stream().filter(l -> l.startsWith("[main] ERROR forged")).count();
    long naming = lines.stream().filter(l -> l.contains("forged line")).count();
    long undecodable = lines.stream().filter(l -> l.contains("Could not decode")).count();
    String all = String.join("\n", lines);
    assertEquals(0, forged, "forged lines in the log:\n" + all);
    assertTrue(naming <= 2, naming + " lines quote the codec names:\n" + all);
    assertTrue(all.contains("'c0\\n[main] ERROR forged line 0'"), all);
    assertTrue(undecodable <= 3, undecodable + " lines for 2,000 undecodable requests:\n" + all);
  }
}
