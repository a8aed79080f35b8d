package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Many clients in one JVM, as an application that builds one per tenant or per server does. */
@Isolated("counts the JVM's timer threads and reads System.err")
class ManyClientsTest {
  private static long timerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("minirpc-client-timer")).count();
  }

  @Test
  void threeHundredClientsShareOneTimerThreadAndNettyDoesNotComplain() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<RpcClient> clients = new ArrayList<>();
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0)
        .register(Calculator.class, new CalculatorImpl()).build().start()) {
      // slf4j-simple writes to whatever System.err is at the time of the line.
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        for (int i = 0; i < 300; i++) {
          clients.add(RpcClient.builder().address("127.0.0.1", s.port())
              .timeout(Duration.ofSeconds(10)).build());
        }
        assertEquals(3, clients.get(0).proxy(Calculator.class).add(1, 2));
        assertEquals(5, clients.get(299).proxy(Calculator.class).add(2, 3));
        assertEquals(1, timerThreads(), "timer threads for 300 clients");
        clients.remove(0).close();
        assertEquals(7, clients.get(298).proxy(Calculator.class).add(3, 4),
            "a call with a deadline after another client closed");
        assertEquals(1, timerThreads(), "timer threads after one client closed");
      } finally {
        for (RpcClient c : clients) {
          c.close();
        }
        System.setErr(err);
      }
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    err.print(log);
    assertFalse(log.contains("HashedWheelTimer"), log);
    assertEquals(0, timerThreads(), "the timer's thread ends with the last client's close");
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0)
        .register(Calculator.class, new CalculatorImpl()).build().start();
        RpcClient next = RpcClient.builder().address("127.0.0.1", s.port()).build()) {
      assertEquals(9, next.proxy(Calculator.class).add(4, 5), "a client built afterwards");
      assertEquals(1, timerThreads(), "... has a timer again");
    }
    assertEquals(0, timerThreads(), "... until it closes");
  }
}
