package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad bytes on a raw socket: each costs at most that one connection, never the server or the other
 * clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedInputTest {
  private static final int JSON = 1;
  private static final int KRYO = 2;
  private static final String CALC = Calculator.class.getName();

  private Fixture fixture;
  private int port;

  @BeforeAll
  void start() {
    fixture = Fixture.start("json");
    port = fixture.server.port();
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWellFormedRawRequestIsAnswered() throws Exception {
    try (RawConnection raw = new RawConnection(port)) {
      raw.request(JSON, 77, CALC, "add(int,int)", utf8("40"), utf8("2"));
      RawConnection.Reply reply = raw.read();
      assertEquals(RawConnection.RESPONSE, reply.type());
      assertEquals(77, reply.seq());
      assertEquals("42", reply.slotText());
    }
  }

  @Test
  void theEvolvingFlagMakesReadingLenientAndNothingElse() throws Exception {
    String types = TypesService.class.getName();
    String method = "echoUser(" + TypesService.User.class.getName() + ")";
    byte[] user = utf8("{\"id\":7,\"name\":\"ada\",\"shoeSize\":42}");
    try (RawConnection raw = new RawConnection(port)) {
      byte[] strict = RawConnection.requestBytes(JSON, 1, types, method, user);
      raw.writeRaw(strict);
      RawConnection.Reply refused = raw.read();
      assertEquals(RawConnection.ERROR, refused.type(), "a field the class lacks, unflagged");
      assertTrue(refused.errorMessage().contains("shoeSize"), refused.errorMessage());

      byte[] evolving = RawConnection.requestBytes(JSON, 2, types, method, user);
      evolving[9] = 0x04; // flags: EVOLVING
      raw.writeRaw(evolving);
      RawConnection.Reply answered = raw.read();
      assertEquals(RawConnection.RESPONSE, answered.type(), "skipped in the evolving layout");
      assertEquals(0x04, answered.flags(), "and answered in it");
      assertTrue(answered.slotText().contains("\"name\":\"ada\""), answered.slotText());
      assertFalse(answered.slotText().contains("shoeSize"), answered.slotText());

      byte[] unknownConstant = RawConnection.requestBytes(JSON, 3, types,
          "echoEnum(" + TypesService.Color.class.getName() + ")", utf8("\"PURPLE\""));
      unknownConstant[9] = 0x04;
      raw.writeRaw(unknownConstant);
      RawConnection.Reply purple = raw.read();
      assertEquals(RawConnection.ERROR, purple.type());
      assertTrue(purple.errorMessage().contains("PURPLE"), purple.errorMessage());

      raw.request(JSON, 4, CALC, "add(int,int)", utf8("1"), utf8("2"));
      assertEquals("3", raw.read().slotText(), "the connection lives on");
    }
    assertEquals(5, fixture.calculator().add(2, 3));
  }

  @Test
  void garbageClosesOnlyThatConnection() throws Exception {
    try (RawConnection good = new RawConnection(port);
        RawConnection bad = new RawConnection(port)) {
      bad.writeRaw(utf8("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
      assertTrue(bad.closedByPeer(), "the server should close a connection that sends garbage");
      good.request(JSON, 1, CALC, "add(int,int)", utf8("1"), utf8("2"));
      assertEquals("3", good.read().slotText());
      assertEquals(5, fixture.calculator().add(2, 3));
    }
  }

  @Test
  void anOversizedFrameIsRefusedFromItsLengthBeforeItsBytesArrive() throws Exception {
    try (RawConnection raw = new RawConnection(port)) {
      // Only the first seven bytes of a 100 MiB frame: the server must not wait for the rest.
      raw.writeRaw(ByteBuffer.allocate(7).putInt(100 * 1024 * 1024).putShort((short) 0x4D52)
          .put((byte) 1).array());
      assertTrue(raw.closedByPeer());
    }
    assertEquals(5, fixture.calculator().add(2, 3));
  }

  @Test
  void anUnknownVersionClosesTheConnection() throws Exception {
    try (RawConnection raw = new RawConnection(port)) {
      raw.writeRaw(ByteBuffer.allocate(7).putInt(30).putShort((short) 0x4D52).put((byte) 2)
          .array());
      assertTrue(raw.closedByPeer());
    }
  }

  @Test
  void aMalformedHeaderClosesTheConnection() throws Exception {
    try (RawConnection raw = new RawConnection(port)) {
      raw.frame(RawConnection.REQUEST, JSON, 1, new byte[] {0, 50, 'x'}, new byte[0]);
      assertTrue(raw.closedByPeer());
    }
  }

  @Test
  void anUnknownMethodCostsOneErrorAndTheConnectionLivesOn() throws Exception {
    try (RawConnection raw = new RawConnection(port)) {
      raw.request(JSON, 5, CALC, "multiply(int,int)", utf8("1"), utf8("2"));
      RawConnection.Reply error = raw.read();
      assertEquals(RawConnection.ERROR, error.type());
      assertEquals(5, error.seq());
      assertEquals(5, error.errorCode(), "NOT_FOUND");
      assertEquals(
          "method io.minirpc.it.Calculator.multiply(int,int) is not found on the server (its"
              + " Calculator has: add(double,double), add(int,int), add(long[]), concat(java.lang"
              + ".String,java.lang.String), counter(), divide(int,int), echoLater(int,int),"
              + " factorial(int), fail(java.lang.String,java.lang.String),"
              + " failAsync(java.lang.String), greet(java.lang.String),"
              + " lengthLater(int,java.lang.String), nothing(),"
              + " repeat(java.lang.String,int), reset(), sleepThenEcho(int,int)). Check that client"
              + " and server use the same version of the interface",
          error.errorMessage());
      raw.request(JSON, 6, CALC, "add(int,int)", utf8("1"), utf8("2"));
      assertEquals("3", raw.read().slotText());
    }
  }

  @Test
  void aMissingArgumentIsACodecErrorForThatCallOnly() throws Exception {
    try (RawConnection raw = new RawConnection(port)) {
      raw.request(JSON, 9, CALC, "add(int,int)", utf8("1"));
      RawConnection.Reply error = raw.read();
      assertEquals(RawConnection.ERROR, error.type());
      assertEquals(3, error.errorCode(), "CODEC");
      assertEquals(
          "the server could not decode the arguments of io.minirpc.it.Calculator.add(int,int)"
              + " with codec json: argument 2 (int): the frame body ends before the value's slot"
              + " (0 bytes left). Check that client and server use the same version of the"
              + " interface",
          error.errorMessage());
      raw.request(JSON, 10, CALC, "add(int,int)", utf8("1"), utf8("1"));
      assertEquals("2", raw.read().slotText());
    }
  }

  @Test
  void aSlotThatClaimsMoreBytesThanTheFrameHasIsACodecError() throws Exception {
    try (RawConnection raw = new RawConnection(port)) {
      byte[] body = ByteBuffer.allocate(9).putInt(1).put((byte) '1').putInt(1_000_000).array();
      raw.requestWithBody(JSON, 13, CALC, "add(int,int)", body);
      RawConnection.Reply error = raw.read();
      assertEquals(3, error.errorCode(), "CODEC");
      assertTrue(error.errorMessage().contains(
          "argument 2 (int): slot length 1000000 does not fit the 0 bytes left"),
          error.errorMessage());
    }
  }

  @Test
  void nullForAPrimitiveArgumentIsACodecError() throws Exception {
    try (RawConnection raw = new RawConnection(port)) {
      byte[] body = ByteBuffer.allocate(9).putInt(1).put((byte) '1').putInt(-1).array();
      raw.requestWithBody(JSON, 14, CALC, "add(int,int)", body);
      RawConnection.Reply error = raw.read();
      assertEquals(3, error.errorCode(), "CODEC");
      assertTrue(error.errorMessage().contains(
          "argument 2 (int) is null, which a primitive cannot be"), error.errorMessage());
    }
  }

  @Test
  void aCraftedKryoPayloadNamingAClassOutsideTheInterfaceIsRefusedUnconstructed()
      throws Exception {
    try (RawConnection raw = new RawConnection(port)) {
      // Kryo's class-by-name reference: varint 1, then the name as a Kryo ASCII string whose
      // last character carries the high bit. A stock Kryo would load and build this class.
      byte[] name = utf8(Canary.class.getName());
      name[name.length - 1] |= (byte) 0x80;
      byte[] payload = new byte[name.length + 1];
      payload[0] = 1;
      System.arraycopy(name, 0, payload, 1, name.length);
      raw.request(KRYO, 11, TypesService.class.getName(), "echoStringList(java.util.List)",
          payload);
      RawConnection.Reply error = raw.read();
      assertEquals(RawConnection.ERROR, error.type());
      assertEquals(3, error.errorCode(), "CODEC");
      assertTrue(error.errorMessage().startsWith("the server could not decode the arguments of"
          + " io.minirpc.it.TypesService.echoStringList(java.util.List) with codec kryo:"),
          error.errorMessage());
      assertFalse(Canary.Flags.initialized, "the named class must not even be initialized");
      assertFalse(Canary.Flags.constructed);
      // The same connection still serves calls.
      raw.request(JSON, 12, CALC, "add(int,int)", utf8("2"), utf8("2"));
      assertEquals("4", raw.read().slotText());
    }
  }
}
