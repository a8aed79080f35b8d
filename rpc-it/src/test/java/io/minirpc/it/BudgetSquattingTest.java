package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A connection cannot hold the memory budget by sending a large request in a drip, each piece
 * just in time to count as progress (issue 16, weak row "budget squatting"): while others wait
 * for memory, a frame must arrive at 128 KiB/s, or its connection is closed and its memory freed.
 */
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
}
