package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * No one can hold the memory budget against everyone else (issue 16, weak row "budget
 * squatting"). A connection cannot by sending a large request in a drip, each piece just in time
 * to count as progress: while others wait for memory, a frame must arrive at 128 KiB/s, or its
 * connection is closed and its memory freed. A host cannot by keeping it full of calls at full
 * speed: while a host below its share waits, a host holding more than its share
 * ({@code minirpc.server.maxAddressMemory}) takes no more.
 */
@Isolated("times connections against the rate a frame must arrive at")
class BudgetSquattingTest {
  private static final int JSON = 1;
  private static final String CALC = Calculator.class.getName();
  private static final int CHUNK = 64 * 1024;

  /** A request for concat(a, b) with strings of {@code n} bytes each. */
  private static byte[] concat(long seq, int n) throws IOException {
    byte[] s = new byte[n + 2];
    Arrays.fill(s, (byte) 'x');
    s[0] = '"';
    s[n + 1] = '"';
    return RawConnection.requestBytes(JSON, seq, CALC, "concat(java.lang.String,java.lang.String)",
        s, s);
  }

  /** Sends {@code request} on every connection, 64 KiB a second, until it is sent or closed. */
  private static Thread drip(List<RawConnection> squatters, byte[] request) {
    Thread t = new Thread(() -> {
      try {
        for (int at = 0; at < request.length; at += CHUNK) {
          byte[] chunk = Arrays.copyOfRange(request, at, Math.min(request.length, at + CHUNK));
          for (RawConnection raw : squatters) {
            try {
              raw.writeRaw(chunk);
            } catch (IOException closed) {
              // closed by the server, as it should be
            }
          }
          Thread.sleep(1000);
        }
      } catch (InterruptedException stop) {
        // the test is over
      }
    }, "dripper");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void connectionsDrippingLargeRequestsAreClosedWhenALegitimateCallWaitsForTheirMemory()
      throws Exception {
    File logFile = File.createTempFile("minirpc-server", ".log");
    logFile.deleteOnExit();
    List<RawConnection> squatters = new ArrayList<>();
    Thread dripper = null;
    // A 34 MiB budget, of which eight requests of 1 MiB sent at 64 KiB/s (progress enough for the
    // rule that a frame must advance 64 KiB in 2 s) would hold 30 MiB for 16 s; the two that do
    // not fit wait, and take too little when the others are closed to crowd out the legitimate
    // call of 3 MiB.
    try (ServerProcess server = ServerProcess.startLoggingTo(logFile, 0, "-Xmx64m")) {
      try {
        for (int i = 0; i < 8; i++) {
          squatters.add(new RawConnection(server.port(), true, "127.0.0." + (2 + i)));
        }
        dripper = drip(squatters, concat(1, 512 * 1024));
        Thread.sleep(1500);
        try (RpcClient good = RpcClient.builder().address("127.0.0.1", server.port())
            .codec("json").timeout(Duration.ofSeconds(12)).build()) {
          String half = "y".repeat(3 << 19);
          // Served once the squatters' frames are overdue: 2 s and 1 MiB at 128 KiB/s, 10 s.
          assertEquals((3 << 20) + 1, good.proxy(Calculator.class).concat(half, half).length(),
              "a 3 MiB call, served within its 12 s timeout");
        }
      } finally {
        if (dripper != null) {
          dripper.interrupt();
        }
        for (RawConnection raw : squatters) {
          raw.close();
        }
      }
    }
    String log = String.join("\n", Files.readAllLines(logFile.toPath(), UTF_8));
    assertTrue(log.contains("bytes that it has been sending for ") && log.contains(" ms, slower"
        + " than the 128 KiB/s a frame must arrive at while other connections wait for memory"
        + " (minirpc.server.maxMemory="), log);
  }

  /**
   * Sends lengthLater(3000, a string of 1 MiB) on {@code raw}, again and again as fast as the
   * server reads, until interrupted or closed: calls that hold 5 MiB each for 3 s. One frame,
   * its sequence number rewritten each time, so the flood costs this JVM little.
   */
  private static Thread flood(RawConnection raw) throws IOException {
    byte[] s = new byte[(1 << 20) + 2];
    Arrays.fill(s, (byte) 'z');
    s[0] = '"';
    s[s.length - 1] = '"';
    byte[] frame = RawConnection.requestBytes(JSON, 1, CALC, "lengthLater(int,java.lang.String)",
        "3000".getBytes(UTF_8), s);
    ByteBuffer seqAt = ByteBuffer.wrap(frame);
    Thread t = new Thread(() -> {
      try {
        for (long seq = 1; !Thread.currentThread().isInterrupted(); seq++) {
          seqAt.putLong(10, seq);
          raw.writeRaw(frame);
        }
      } catch (IOException closed) {
        // the test is over
      }
    }, "flooder");
    t.setDaemon(true);
    return t;
  }

  @Test
  void aHostKeepingTheBudgetFullOfCallsGivesWayToAnotherHostsCall() throws Exception {
    File logFile = File.createTempFile("minirpc-server", ".log");
    logFile.deleteOnExit();
    List<RawConnection> hog = new ArrayList<>();
    List<Thread> flooders = new ArrayList<>();
    // An 84 MiB budget, kept full by 32 connections from 127.0.0.2 of calls that hold 5 MiB
    // each for 3 s, sent at full speed: each 5 MiB given back is taken again at once by one of
    // them, so a call of 3 MiB from another host (15 MiB) finds no room unless the hog, holding
    // more than its half of the budget, gives way to it.
    try (ServerProcess server = ServerProcess.startLoggingTo(logFile, 0, "-Xmx128m")) {
      try {
        for (int i = 0; i < 32; i++) {
          RawConnection raw = new RawConnection(server.port(), true, "127.0.0.2");
          hog.add(raw);
          flooders.add(flood(raw));
        }
        flooders.forEach(Thread::start);
        Thread.sleep(2000);
        try (RpcClient good = RpcClient.builder().address("127.0.0.1", server.port())
            .codec("json").timeout(Duration.ofSeconds(15)).build()) {
          String half = "y".repeat(3 << 19);
          assertEquals((3 << 20) + 1, good.proxy(Calculator.class).concat(half, half).length(),
              "a 3 MiB call from another host, served within its 15 s timeout");
        }
      } finally {
        for (Thread t : flooders) {
          t.interrupt();
        }
        for (RawConnection raw : hog) {
          raw.close();
        }
      }
    }
    String log = String.join("\n", Files.readAllLines(logFile.toPath(), UTF_8));
    assertTrue(log.contains("Client host 127.0.0.2 holds ") && log.contains(" bytes of the"
        + " server's memory, its share or more (minirpc.server.maxAddressMemory="), log);
  }
}
