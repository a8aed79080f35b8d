package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server speaks only the codecs it is configured for (minirpc.codec), although both are
 * installed: it lists only those, refuses a HELLO that offers none of them, and refuses a request
 * in another one.
 */
class ConfiguredCodecsTest {
  private static final String CALC = Calculator.class.getName();

  private static RpcServer server(String codec) {
    Properties p = new Properties();
    p.setProperty("minirpc.codec", codec);
    return RpcServer.builder().configure(p).host("127.0.0.1").port(0)
        .register(Calculator.class, new CalculatorImpl()).build().start();
  }

  private static String other(String codec) {
    return codec.equals("json") ? "kryo" : "json";
  }

  @ParameterizedTest(name = "{0} only")
  @ValueSource(strings = {"json", "kryo"})
  void aHelloOfferingOnlyAnotherCodecGetsTheServersHelloThenGoAwayAndTheConnectionCloses(
      String codec) throws Exception {
    try (RpcServer s = server(codec); RawConnection raw = new RawConnection(s.port(), false)) {
      raw.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1, other(codec)),
          new byte[0]);
      RawConnection.Reply hello = raw.read();
      assertEquals(RawConnection.HELLO, hello.type());
      assertEquals(List.of(codec), RawConnection.ServerHello.parse(hello.header()).codecs());
      RawConnection.Reply goAway = raw.read();
      assertEquals(RawConnection.GOAWAY, goAway.type());
      int length = ((goAway.header()[0] & 0xFF) << 8) | (goAway.header()[1] & 0xFF);
      assertEquals("no codec in common: the client speaks '" + other(codec) + "', this server"
          + " speaks only " + codec + " (minirpc.codec). Set minirpc.codec on the client to one of"
          + " those",
          new String(goAway.header(), 2, length, UTF_8));
      assertTrue(raw.closedByPeer());
    }
  }

  @ParameterizedTest(name = "{0} only")
  @ValueSource(strings = {"json", "kryo"})
  void aRequestInAnotherCodecIsRefusedWithCodecAndTheCodecsTheServerSpeaks(String codec)
      throws Exception {
    try (RpcServer s = server(codec); RawConnection raw = new RawConnection(s.port(), false)) {
      raw.frame(RawConnection.HELLO, 0, 0, RawConnection.helloHeader(1, 1, codec, other(codec)),
          new byte[0]);
      assertEquals(RawConnection.HELLO, raw.read().type());
      int otherId = codec.equals("json") ? 2 : 1;
      raw.request(otherId, 1, CALC, "add(int,int)", "1".getBytes(UTF_8), "2".getBytes(UTF_8));
      RawConnection.Reply r = raw.read();
      assertEquals(Code.CODEC.wireNumber(), r.errorCode());
      assertEquals(0x01, r.flags(), "NOT_RUN");
      assertEquals("the server does not speak codec id " + otherId + " (it speaks: " + codec
          + "). Set minirpc.codec on the client to one of those", r.errorMessage());
    }
  }

  @ParameterizedTest(name = "{0} only")
  @ValueSource(strings = {"json", "kryo"})
  void aClientOfAnotherCodecFailsWithTheCodecsTheServerSpeaks(String codec) {
    try (RpcServer s = server(codec);
        RpcClient c = RpcClient.builder().address("127.0.0.1", s.port()).codec(other(codec))
            .timeout(Duration.ofSeconds(5)).build()) {
      RpcException e = assertThrows(RpcException.class, () -> c.proxy(Calculator.class).add(1, 2));
      assertEquals(Code.CODEC, e.code());
      assertTrue(e.getMessage().contains("does not speak codec '" + other(codec) + "' (it speaks: "
          + codec + ")"), e.getMessage());
    }
  }
}
