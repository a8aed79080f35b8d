package io.minirpc.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** In-process means no port: no TCP or UDP socket listens or connects. */
class NothingListensTest {
  /** The TCP and UDP sockets open before any server of this class started. */
  private static Set<String> before;

  @BeforeAll
  static void socketsBeforeAnyServer() throws Exception {
    assumeTrue(Sockets.available(), "needs Linux's /proc");
    before = Sockets.inet();
  }

  @RegisterExtension
  RpcTestServer server = RpcTestServer.builder()
      .register(Calculator.class, new CalculatorImpl())
      .build();

  @Test
  void anInProcessServerAndItsClientsOpenNoSocket(Calculator calc) throws Exception {
    assertEquals(5, calc.add(2, 3));
    assertEquals(7, server.newClient(b -> b.codec("kryo")).proxy(Calculator.class).add(3, 4));
    assertEquals(2, server.server().connectionCount());
    assertEquals(Set.of(), Sockets.listening());
    Set<String> opened = new HashSet<>(Sockets.inet());
    opened.removeAll(before);
    assertEquals(Set.of(), opened, "TCP or UDP sockets opened since the class started");
  }

  /** The check above would see a socket: a TCP server beside the in-process one is seen. */
  @Test
  void aTcpServerIsSeenListening() throws Exception {
    try (RpcServer tcp = RpcServer.builder().host("127.0.0.1").port(0)
            .register(Calculator.class, new CalculatorImpl()).build().start();
        RpcClient client = RpcClient.builder().address("127.0.0.1", tcp.port()).build()) {
      assertEquals(3, client.proxy(Calculator.class).add(1, 2));
      assertEquals(1, Sockets.listening().size());
      Set<String> opened = new HashSet<>(Sockets.inet());
      opened.removeAll(before);
      assertEquals(3, opened.size(), "listening, the client's and the accepted: " + opened);
    }
  }
}
