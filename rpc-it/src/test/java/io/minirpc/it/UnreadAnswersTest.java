package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A call holds memory until the last byte of its answer is written (issue 16, row 2): a client
 * that asks for large answers and never reads them holds them in the server's memory budget, no
 * more than its share, and the server stops running its calls until it reads. Against a server
 * JVM of 128 MiB at default settings, with a well-behaved client beside the attack.
 */
class UnreadAnswersTest {
  private static final int JSON = 1;
  private static final String CALC = Calculator.class.getName();
  private static final int MIB = 1 << 20;

  private static RpcClient client(int port) {
    return RpcClient.builder().address("127.0.0.1", port).codec("json")
        .timeout(Duration.ofSeconds(20)).build();
  }

  /** {@code count} pipelined calls of repeat("x", 1 MiB): 1 MiB answers for 80-byte requests. */
  private static byte[] megabyteAnswers(int count) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] x = "\"x\"".getBytes(UTF_8);
    byte[] times = Integer.toString(MIB).getBytes(UTF_8);
    for (long seq = 1; seq <= count; seq++) {
      all.write(RawConnection.requestBytes(JSON, seq, CALC, "repeat(java.lang.String,int)", x,
          times));
    }
    return all.toByteArray();
  }

  @Test
  void answersAClientDoesNotReadAreCountedUntilWrittenAndOtherClientsAreServed() throws Exception {
    File logFile = File.createTempFile("minirpc-server", ".log");
    logFile.deleteOnExit();
    try (ServerProcess server = ServerProcess.startLoggingTo(logFile, 0, "-Xmx128m");
        RpcClient good = client(server.port())) {
      ServerInfo info = good.proxy(ServerInfo.class);
      Calculator calc = good.proxy(Calculator.class);
      assertEquals(3, calc.add(1, 2));
      try (RawConnection hostile = new RawConnection(server.port())) {
        hostile.writeInBackground(megabyteAnswers(1000));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long held;
        while ((held = info.memoryInUse()) < 8 * MIB && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(held >= 8 * MIB, "the unread answers hold " + held + " bytes of the budget");
        for (int i = 0; i < 20; i++) {
          assertEquals(MIB, calc.repeat("y", MIB).length(), "a well-behaved client's call");
        }
        held = info.memoryInUse();
        assertTrue(held <= 84 * MIB, "the unread answers hold " + held + " bytes, more than the"
            + " server's budget");
      }
      // The connection is gone: its answers are dropped and give their memory back.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long held;
      while ((held = info.memoryInUse()) != 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(0, held, "bytes of the budget still held after the client left");
      assertEquals(5, calc.add(2, 3));
    }
    String log = String.join("\n", Files.readAllLines(logFile.toPath(), UTF_8));
    assertFalse(log.contains("OutOfMemoryError") || log.contains("direct buffer memory"), log);
  }
}
