package io.minirpc.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Mistakes a new user makes in the first hour, and what minirpc says about each. */
class FirstHourTest {
  /** A shape of some kind; the concrete classes must be allowed to the Kryo codec. */
  public interface Shape {}

  public record Circle(double radius) implements Shape {}

  public interface Shapes {
    double area(Shape shape);
  }

  @Test
  void aPortHeldBySomethingElseSaysItIsNotAMinirpcServer() throws Exception {
    try (ServerSocket http = new ServerSocket(0)) {
      Thread answering = new Thread(() -> {
        while (!http.isClosed()) {
          try (Socket s = http.accept()) {
            InputStream in = s.getInputStream();
            in.read(new byte[512]);
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(US_ASCII));
            out.flush();
          } catch (Exception closed) {
            return;
          }
        }
      }, "fake-http");
      answering.setDaemon(true);
      answering.start();
      try (RpcClient client = RpcClient.builder().address("127.0.0.1", http.getLocalPort())
          .timeout(Duration.ofSeconds(5)).build()) {
        RpcException e = assertThrows(RpcException.class,
            () -> client.proxy(Calculator.class).add(1, 2));
        assertEquals(Code.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("(the connection closed during the handshake: what"
            + " answers at 127.0.0.1:" + http.getLocalPort() + " is not a minirpc server"
            + " (Invalid magic number 0x2f31 (expected 0x4d52): the peer does not speak the"
            + " minirpc protocol)"), e.getMessage());
        assertTrue(e.getMessage().contains("Check the address and port (minirpc.address))"),
            e.getMessage());
      }
    }
  }

  @Test
  void aClassAllowedOnTheClientButNotOnTheServerIsNamedInTheError() {
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0).codecs("kryo")
            .register(Shapes.class, shape -> 1.0).build().start();
        RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
            .codec("kryo").allowClasses(Circle.class).build()) {
      RpcException e = assertThrows(RpcException.class,
          () -> client.proxy(Shapes.class).area(new Circle(2)));
      assertEquals(Code.CODEC, e.code());
      assertTrue(e.getMessage().endsWith("Client and server allow different classes to the codec"
          + " (minirpc.codec.allow): only the client allows [" + Circle.class.getName() + "]. A"
          + " value of such a class decodes on one side only: allow the same classes on both"),
          e.getMessage());
    }
  }
}
