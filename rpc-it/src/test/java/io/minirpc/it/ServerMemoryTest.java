package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The memory a server gives to requests is bounded, for the whole server and for each connection,
 * from the moment a frame's header declares its length until its call ends: issue 10, hole 4.
 * Each attack runs against a server JVM of 128 MiB (or 64) at default settings, with a
 * well-behaved client beside it; past a budget the server stops reading or refuses with
 * RESOURCE_EXHAUSTED, never runs out of memory, and gives all of it back afterwards.
 */
@Isolated("server JVMs at the edge of their heap, timed")
class ServerMemoryTest {
  private static final int JSON = 1;
  private static final String CALC = Calculator.class.getName();
  private static final int RESOURCE_EXHAUSTED = 8;

  private static RpcClient client(int port) {
    return RpcClient.builder().address("127.0.0.1", port).codec("json")
        .timeout(Duration.ofSeconds(20)).build();
  }

  /** A JSON string slot: {@code n} x's in quotes. */
  private static byte[] jsonString(int n) {
    byte[] s = new byte[n + 2];
    Arrays.fill(s, (byte) 'x');
    s[0] = '"';
    s[n + 1] = '"';
    return s;
  }

  /** A request for concat(a, b) with strings of {@code n} bytes each. */
  private static byte[] concat(long seq, int n) throws IOException {
    byte[] s = jsonString(n);
    return RawConnection.requestBytes(JSON, seq, CALC, "concat(java.lang.String,java.lang.String)",
        s, s);
  }

  /** Polls the server until requests hold none of its memory, or fails after 10 s. */
  private static void assertMemoryReturns(RpcClient client) throws InterruptedException {
    ServerInfo info = client.proxy(ServerInfo.class);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long held;
    while ((held = info.memoryInUse()) != 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, held, "bytes of the memory budget still held after the attack");
  }

  private static String log(File file) throws IOException {
    return String.join("\n", Files.readAllLines(file.toPath(), UTF_8));
  }

  /** The {@code count} answers of {@code raw}; a close before them fails with the server's log. */
  private static List<RawConnection.Reply> answers(RawConnection raw, int count, String name,
      File logFile) throws IOException {
    List<RawConnection.Reply> replies = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      try {
        replies.add(raw.read());
      } catch (IOException closed) {
        throw new AssertionError(name + " was closed before its answer " + (k + 1) + " of "
            + count + "; the server's log:\n" + log(logFile), closed);
      }
    }
    return replies;
  }

  @Test
  void connectionsStalledHalfwayThroughLargeRequestsCannotTakeTheMemoryOfALegitimateCall()
      throws Exception {
    try (ServerProcess server = ServerProcess.start(0, "-Xmx128m")) {
      // A 16 MiB request, of which each connection sends 14 MiB and then nothing.
      byte[] request = concat(1, (8 << 20) - 64);
      List<RawConnection> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          RawConnection raw = new RawConnection(server.port());
          stalled.add(raw);
          raw.writeInBackground(request, 14 << 20);
        }
        Thread.sleep(500);
        try (RpcClient c = client(server.port())) {
          String big = "x".repeat(8 << 20);
          assertEquals(big.length() + 2, c.proxy(Calculator.class).concat(big, "!").length());
          for (RawConnection raw : stalled) {
            RawConnection.Reply reply = raw.read();
            assertEquals(RawConnection.ERROR, reply.type());
            assertEquals(RESOURCE_EXHAUSTED, reply.errorCode(), reply.errorMessage());
            assertTrue(reply.notRun(), "refused before it ran, from its header");
          }
          for (RawConnection raw : stalled) {
            raw.close();
          }
          assertMemoryReturns(c);
        }
      } finally {
        for (RawConnection raw : stalled) {
          raw.close();
        }
      }
    }
  }

  @Test
  void largeRequestsAllAtOnceAreRefusedOrWaitAndNeverRunTheServerOutOfMemory() throws Exception {
    File logFile = File.createTempFile("minirpc-server", ".log");
    logFile.deleteOnExit();
    try (ServerProcess server = ServerProcess.startLoggingTo(logFile, 0, "-Xmx128m")) {
      byte[] huge = concat(1, (8 << 20) - 64); // 16 MiB, the largest frame
      byte[] large = concat(1, 2 << 20); // 4 MiB
      List<RawConnection> raws = new ArrayList<>();
      List<Integer> sent = new ArrayList<>();
      try (RpcClient c = client(server.port())) {
        Calculator calc = c.proxy(Calculator.class);
        assertEquals(3, calc.add(1, 2));
        for (int i = 0; i < 12; i++) {
          RawConnection raw = new RawConnection(server.port());
          raw.readTimeout(Duration.ofSeconds(30));
          raws.add(raw);
          // Eight connections send two 16 MiB requests each, four send three of 4 MiB.
          byte[] one = i < 8 ? huge : large;
          int count = i < 8 ? 2 : 3;
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          for (int k = 0; k < count; k++) {
            all.write(one);
          }
          byte[] bytes = all.toByteArray();
          for (int k = 0; k < count; k++) {
            // sequence numbers 1..count
            int at = k * one.length + 10;
            for (int b = 0; b < 8; b++) {
              bytes[at + b] = (byte) ((k + 1L) >>> (56 - 8 * b));
            }
          }
          sent.add(count);
          raw.writeInBackground(bytes, bytes.length);
        }
        String mid = "y".repeat(1 << 20);
        assertEquals(mid.length() * 2 + 1, calc.concat(mid, mid).length(),
            "a well-behaved client is served during the attack");
        // Every connection reads its answers as they come, as a client does. One left unread
        // while the others are read (it was, reading them in turn) backs up the server's answers;
        // the server stops reading it, and on a busy machine closed it as silent after 20 s.
        ExecutorService readers = Executors.newFixedThreadPool(raws.size());
        List<Future<List<RawConnection.Reply>>> replies = new ArrayList<>();
        for (int i = 0; i < raws.size(); i++) {
          RawConnection raw = raws.get(i);
          String name = "connection " + i;
          int count = sent.get(i);
          replies.add(readers.submit(() -> answers(raw, count, name, logFile)));
        }
        int answered = 0;
        int refused = 0;
        try {
          for (Future<List<RawConnection.Reply>> f : replies) {
            List<RawConnection.Reply> got;
            try {
              got = f.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
              throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
            }
            for (RawConnection.Reply reply : got) {
              if (reply.type() == RawConnection.ERROR) {
                assertEquals(RESOURCE_EXHAUSTED, reply.errorCode(), reply.errorMessage());
                refused++;
              } else {
                assertEquals(RawConnection.RESPONSE, reply.type());
                assertEquals(4 + (2 << 20) * 2 + 3, reply.body().length, "a 4 MiB concat");
                answered++;
              }
            }
          }
        } finally {
          readers.shutdownNow();
        }
        assertEquals(16 + 12, answered + refused);
        assertTrue(answered >= 1, "the 4 MiB requests fit: " + answered + " answered");
        for (RawConnection raw : raws) {
          raw.close();
        }
        assertEquals(5, calc.add(2, 3));
        assertMemoryReturns(c);
      } finally {
        for (RawConnection raw : raws) {
          raw.close();
        }
      }
    }
    String log = log(logFile);
    assertFalse(log.contains("OutOfMemoryError"), log);
  }

  /** The header of an echoLater(millis, value) request with 64 metadata entries of 8 KiB. */
  private static byte[] heavyMetadataRequest(long seq, int millis) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    byte[] service = CALC.getBytes(UTF_8);
    byte[] method = "echoLater(int,int)".getBytes(UTF_8);
    h.writeShort(service.length);
    h.write(service);
    h.writeShort(method.length);
    h.write(method);
    h.writeLong(30_000_000_000L);
    h.writeShort(64); // the most entries, and 8 KiB in all: within minirpc.server.maxMetadata*
    for (int i = 0; i < 64; i++) {
      h.writeShort(2);
      h.write(new byte[] {'k', (byte) ('0' + i)});
      h.writeShort(126);
      byte[] value = new byte[126];
      Arrays.fill(value, (byte) 'v');
      h.write(value);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream b = new DataOutputStream(body);
    byte[] a = Integer.toString(millis).getBytes(UTF_8);
    b.writeInt(a.length);
    b.write(a);
    byte[] v = Long.toString(seq).getBytes(UTF_8);
    b.writeInt(v.length);
    b.write(v);
    return RawConnection.frameBytes(RawConnection.REQUEST, JSON, seq, header.toByteArray(),
        body.toByteArray());
  }

  @Test
  void callsHeldOpenWithAllTheMetadataTheyMayCarryCannotExhaustTheHeap() throws Exception {
    File logFile = File.createTempFile("minirpc-server", ".log");
    logFile.deleteOnExit();
    try (ServerProcess server = ServerProcess.startLoggingTo(logFile, 0, "-Xmx64m")) {
      List<RawConnection> raws = new ArrayList<>();
      try (RpcClient c = client(server.port())) {
        Calculator calc = c.proxy(Calculator.class);
        assertEquals(3, calc.add(1, 2));
        // Five connections, each with 1000 calls (its limit) that answer after 3 s: on the heap,
        // their metadata takes about twice its 8 KiB.
        for (int i = 0; i < 5; i++) {
          RawConnection raw = new RawConnection(server.port());
          raw.readTimeout(Duration.ofSeconds(30));
          raws.add(raw);
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          for (int seq = 1; seq <= 1000; seq++) {
            all.write(heavyMetadataRequest(seq, 3000));
          }
          byte[] bytes = all.toByteArray();
          raw.writeInBackground(bytes, bytes.length);
        }
        Thread.sleep(1000);
        assertEquals(5, calc.add(2, 3), "a well-behaved client is served during the attack");
        int answered = 0;
        int refused = 0;
        for (RawConnection raw : raws) {
          for (int k = 0; k < 1000; k++) {
            RawConnection.Reply reply = raw.read();
            if (reply.type() == RawConnection.ERROR) {
              assertEquals(RESOURCE_EXHAUSTED, reply.errorCode(), reply.errorMessage());
              assertTrue(reply.notRun());
              refused++;
            } else {
              assertEquals(RawConnection.RESPONSE, reply.type());
              assertEquals(Long.toString(reply.seq()), reply.slotText());
              answered++;
            }
          }
        }
        assertEquals(5000, answered + refused);
        for (RawConnection raw : raws) {
          raw.close();
        }
        assertEquals(7, calc.add(3, 4));
        assertMemoryReturns(c);
      } finally {
        for (RawConnection raw : raws) {
          raw.close();
        }
      }
    }
    String log = log(logFile);
    assertFalse(log.contains("OutOfMemoryError"), log);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void valuesThatExpandFarBeyondTheirBytesAreRefusedInsteadOfRunningTheServerOutOfMemory(
      String codec) throws Exception {
    File logFile = File.createTempFile("minirpc-server", ".log");
    logFile.deleteOnExit();
    try (ServerProcess server = ServerProcess.startLoggingTo(logFile, 0, "-Xmx128m");
        RpcClient good = client(server.port());
        RpcClient attacker = RpcClient.builder().address("127.0.0.1", server.port())
            .codec(codec).timeout(Duration.ofSeconds(60)).build()) {
      // One-character strings: 2 bytes each with kryo, 4 with json, some 50 on the heap. An
      // 8 MiB request passes the budget's estimate (5 times its size fits in 42 MiB) and would
      // decode into 100 to 200 MiB, more than the whole heap.
      int n = codec.equals("kryo") ? 4_000_000 : 2_000_000;
      List<String> many = new ArrayList<>(java.util.Collections.nCopies(n, "a"));
      TypesService types = attacker.proxy(TypesService.class);
      io.minirpc.RpcException e = org.junit.jupiter.api.Assertions.assertThrows(
          io.minirpc.RpcException.class, () -> types.echoStringList(many));
      assertEquals(io.minirpc.RpcException.Code.RESOURCE_EXHAUSTED, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("decoding its arguments took")
          && e.getMessage().contains("Its values expand far beyond their bytes"), e.getMessage());
      many.clear();

      Calculator calc = good.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2), "a well-behaved client is served");
      List<String> fits = new ArrayList<>(java.util.Collections.nCopies(20_000, "b"));
      assertEquals(fits, types.echoStringList(fits), "a list that fits is decoded as before");
      assertMemoryReturns(good);
    }
    String log = log(logFile);
    assertFalse(log.contains("OutOfMemoryError"), log);
  }

  @Test
  void asynchronousCallsKeepingLargeArgumentsCannotExhaustTheHeap() throws Exception {
    File logFile = File.createTempFile("minirpc-server", ".log");
    logFile.deleteOnExit();
    try (ServerProcess server = ServerProcess.startLoggingTo(logFile, 0, "-Xmx128m")) {
      List<RawConnection> raws = new ArrayList<>();
      try (RpcClient c = client(server.port())) {
        Calculator calc = c.proxy(Calculator.class);
        assertEquals(3, calc.add(1, 2));
        // Four connections, each with 10 calls of a 2 MiB string that the server keeps for 2 s.
        byte[] one = RawConnection.requestBytes(JSON, 1, CALC, "lengthLater(int,java.lang.String)",
            "2000".getBytes(UTF_8), jsonString(2 << 20));
        for (int i = 0; i < 4; i++) {
          RawConnection raw = new RawConnection(server.port());
          raw.readTimeout(Duration.ofSeconds(30));
          raws.add(raw);
          byte[] bytes = new byte[10 * one.length];
          for (int k = 0; k < 10; k++) {
            System.arraycopy(one, 0, bytes, k * one.length, one.length);
            bytes[k * one.length + 17] = (byte) (k + 1); // sequence numbers 1..10
          }
          raw.writeInBackground(bytes, bytes.length);
        }
        Thread.sleep(500);
        assertEquals(5, calc.add(2, 3), "a well-behaved client is served during the attack");
        for (RawConnection raw : raws) {
          for (int k = 0; k < 10; k++) {
            RawConnection.Reply reply = raw.read();
            if (reply.type() == RawConnection.ERROR) {
              assertEquals(RESOURCE_EXHAUSTED, reply.errorCode(), reply.errorMessage());
            } else {
              assertEquals(Integer.toString(2 << 20), reply.slotText());
            }
          }
          raw.close();
        }
        assertMemoryReturns(c);
      } finally {
        for (RawConnection raw : raws) {
          raw.close();
        }
      }
    }
    String log = log(logFile);
    assertFalse(log.contains("OutOfMemoryError"), log);
  }

  @Test
  void aConnectionThatStopsSendingAFrameItHoldsMemoryForIsClosedWhenAnotherNeedsTheMemory()
      throws Exception {
    Properties p = new Properties();
    p.setProperty("minirpc.server.maxMemory", "16MiB");
    p.setProperty("minirpc.server.maxConnectionMemory", "8MiB");
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0).configure(p)
            .register(Calculator.class, new CalculatorImpl()).build().start();
        RpcClient c = client(s.port())) {
      Calculator calc = c.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));
      // Requests of 1.5 MiB hold 7.5 MiB each: two fill the server; each sends 1 MiB, then stops.
      byte[] request = concat(1, (3 << 19) / 2);
      List<RawConnection> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          RawConnection raw = new RawConnection(s.port());
          stalled.add(raw);
          raw.writeInBackground(request, 1 << 20);
        }
        Thread.sleep(300);
        long start = System.nanoTime();
        String mb = "z".repeat(1 << 20);
        assertEquals(mb.length() + 2, calc.concat(mb, "!").length());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs > 1000 && tookMs < 6000, "the call waited " + tookMs + " ms for the"
            + " stalled connections to be closed, 2 s after they stopped");
        int closed = 0;
        for (RawConnection raw : stalled) {
          raw.readTimeout(Duration.ofMillis(200));
          closed += raw.closedByPeer() ? 1 : 0;
        }
        assertTrue(closed >= 2, closed + " stalled connections closed");
      } finally {
        for (RawConnection raw : stalled) {
          raw.close();
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (s.memoryInUse() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, s.memoryInUse());
      assertEquals(5, calc.add(2, 3));
    }
  }
}
