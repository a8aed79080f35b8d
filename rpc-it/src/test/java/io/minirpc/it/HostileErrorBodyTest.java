package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import org.junit.jupiter.api.Test;

/**
 * The fields of a declared exception come from the server, so they are hostile too: a body that
 * lies about its counts and lengths, repeats a field, or is in another codec still gives the
 * caller the exception, with a note that says what was not rebuilt, and nothing else happens.
 */
class HostileErrorBodyTest {

  private static byte[] header(String exceptionClass, String message) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(2); // APPLICATION
    writeString(d, exceptionClass);
    writeString(d, message);
    d.writeShort(0); // no stack
    return b.toByteArray();
  }

  private static void writeString(DataOutputStream d, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    d.writeShort(bytes.length);
    d.write(bytes);
  }

  private static byte[] body(Object... parts) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    for (Object p : parts) {
      if (p instanceof Integer count) {
        d.writeShort(count);
      } else if (p instanceof String name) {
        writeString(d, name);
      } else {
        d.write((byte[]) p);
      }
    }
    return b.toByteArray();
  }

  private static Stockroom.Shortage call(byte[] body, int codec, int flags) throws Exception {
    try (HostileServer bad = HostileServer.erroring(
            header(Stockroom.Shortage.class.getName(), "short"), codec, flags, body);
        RpcClient client = RpcClient.builder().address(bad.address()).codec("json")
            .timeout(Duration.ofSeconds(5)).build()) {
      return assertThrows(Stockroom.Shortage.class,
          () -> client.proxy(Stockroom.class).reserve("bolt"));
    }
  }

  private static String notes(Throwable t) {
    return Arrays.toString(t.getSuppressed());
  }

  @Test
  void fieldsThatCameAreSetAndTheRestAreNamed() throws Exception {
    Stockroom.Shortage s = call(body(1, "available", HostileServer.slot("7".getBytes())), 1, 4);
    assertEquals(7, s.available());
    assertEquals("short", s.getMessage());
    assertTrue(notes(s).contains("Fields of io.minirpc.it.Stockroom$Shortage not rebuilt on the"
        + " client: nearby: the server did not send it"), notes(s));
  }

  @Test
  void countsAndLengthsThatLieLeaveTheExceptionWithANote() throws Exception {
    Stockroom.Shortage many = call(body(65_535, "available"), 1, 4);
    assertTrue(notes(many).contains("the error's body is malformed"), notes(many));
    byte[] hugeSlot = {0x7f, 0, 0, 0, 1};
    Stockroom.Shortage longer = call(body(1, "nearby", hugeSlot), 1, 4);
    assertTrue(notes(longer).contains("nearby: could not be decoded (slot length 2130706432 does"
        + " not fit the 1 bytes left)"), notes(longer));
    Stockroom.Shortage wrong = call(body(1, "available",
        HostileServer.slot("\"many\"".getBytes())), 1, 4);
    assertTrue(notes(wrong).contains("available: could not be decoded"), notes(wrong));
  }

  @Test
  void aBodyOverItsLimitIsNotDecoded() throws Exception {
    // Decoded on the client's I/O thread, a body stays small whatever the frame limit allows.
    byte[] lists = new byte[100_000];
    java.util.Arrays.fill(lists, (byte) '[');
    Stockroom.Shortage s = call(body(1, "nearby", HostileServer.slot(lists)), 1, 4);
    assertEquals(0, s.available());
    assertTrue(notes(s).contains("the server sent 100014 bytes of them, more than the 65536 a"
        + " client reads"), notes(s));
  }

  @Test
  void aFieldSentTwiceIsTakenOnceAndUnknownFieldsAreSkipped() throws Exception {
    byte[] seven = HostileServer.slot("7".getBytes());
    Stockroom.Shortage s = call(body(4, "available", seven, "secret", seven, "available",
        HostileServer.slot("9".getBytes()), "nearby",
        HostileServer.slot("[\"gent\"]".getBytes())), 1, 4);
    assertEquals(7, s.available());
    assertEquals(List.of("gent"), s.nearby());
  }

  @Test
  void fieldsInAnotherCodecAreNotRead() throws Exception {
    Stockroom.Shortage s = call(body(1, "available", HostileServer.slot(new byte[] {14})), 2, 0);
    assertEquals(0, s.available());
    assertTrue(notes(s).contains("they came in another codec or layout than the client's (codec"
        + " id 2)"), notes(s));
  }

  @Test
  void aRealServerSendsTheFieldsWithEitherCodec() throws Exception {
    for (String codec : List.of("json", "kryo")) {
      try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
              .register(Stockroom.class, sku -> {
                throw new Stockroom.Shortage("only 2 of " + sku, 2, List.of("lyon"));
              }).build().start();
          RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
              .codec(codec).timeout(Duration.ofSeconds(5)).build()) {
        Stockroom.Shortage s = assertThrows(Stockroom.Shortage.class,
            () -> client.proxy(Stockroom.class).reserve("bolt"));
        assertEquals("only 2 of bolt", s.getMessage());
        assertEquals(2, s.available());
        assertEquals(List.of("lyon"), s.nearby());
        assertEquals(1, s.getSuppressed().length, codec + ": " + notes(s));
      }
    }
  }
}
