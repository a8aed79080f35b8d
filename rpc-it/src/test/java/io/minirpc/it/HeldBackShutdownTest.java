package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcServer;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A server that stops while a client's calls wait because their connection's unwritten answers
 * hold too much gives back every byte those waiting calls hold: none is left to the garbage
 * collector.
 */
class HeldBackShutdownTest {
  private static final int JSON = 1;
  private static final int MIB = 1 << 20;

  @Test
  void callsHeldBackForUnwrittenAnswersAreFreedWhenTheServerStops() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
        .maxConnectionMemory(16L * MIB).gracePeriod(Duration.ofMillis(200))
        .register(Calculator.class, new CalculatorImpl() {
          @Override
          public String repeat(String s, int times) {
            ran.incrementAndGet();
            return super.repeat(s, times);
          }
        }).build().start();
    try (RawConnection raw = new RawConnection(server.port())) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (long seq = 1; seq <= 200; seq++) {
        all.write(RawConnection.requestBytes(JSON, seq, Calculator.class.getName(),
            "repeat(java.lang.String,int)", "\"x\"".getBytes(UTF_8),
            Integer.toString(MIB).getBytes(UTF_8)));
      }
      raw.writeInBackground(all.toByteArray());
      // The raw client reads nothing: answers fill the socket, then the connection's share,
      // and the calls behind them wait.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long held = 0;
      long stableSince = System.nanoTime();
      while (System.nanoTime() < deadline) {
        long now = server.memoryInUse();
        if (now != held) {
          held = now;
          stableSince = System.nanoTime();
        } else if (held > 0 && System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(500)) {
          break;
        }
        Thread.sleep(20);
      }
      assertTrue(held > 0, "the unread answers and waiting calls hold memory");
      assertTrue(ran.get() < 100, ran.get() + " of the 200 calls ran: they did not wait");
      server.close();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while ((held = server.memoryInUse()) != 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, held, "bytes still held once the server stopped");
    } finally {
      server.close();
    }
  }
}
