package io.minirpc.codec.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.io.Output;
import io.minirpc.Fallback;
import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.DecodeBudget;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Kryo codec's evolving layout: what it reads when the writer's version of a class differs,
 * and what it refuses when the bytes lie about their own lengths.
 */
class EvolvingLayoutTest {
  enum Size { S, M, @Fallback UNKNOWN }

  enum Color { RED, GREEN }

  record Item(String name, long quantity, List<String> tags, Optional<String> note, Size size,
      Color color) {}

  private final Codec codec = new KryoCodec(new CodecContext() {
    @Override
    public Set<Class<?>> allowedClasses() {
      return Set.of();
    }

    @Override
    public int maxFrameSize() {
      return 1 << 20;
    }
  }).evolving();

  /** The evolving encoding of an Item-shaped object whose fields the test chooses. */
  private static byte[] object(Object... namesAndWriters) {
    Output o = new Output(256, -1);
    o.writeVarInt(namesAndWriters.length / 2, true);
    for (int i = 0; i < namesAndWriters.length; i += 2) {
      o.writeString((String) namesAndWriters[i]);
      byte[] value = (byte[]) namesAndWriters[i + 1];
      o.writeVarInt(value.length, true);
      o.writeBytes(value);
    }
    return o.toBytes();
  }

  private static byte[] varlong(long v) {
    Output o = new Output(16, -1);
    o.writeVarLong(v, false);
    return o.toBytes();
  }

  /** Reads an Item slot: its class id (the evolving layout always writes one), then bytes. */
  private Object read(byte[] bytes) throws IOException {
    return codec.reader(Item.class).read(new ByteArrayInputStream(withClassId(Item.class, bytes)),
        DecodeBudget.UNLIMITED);
  }

  @Test
  void aRoundTripKeepsEveryField() throws IOException {
    Item item = new Item("bolt", 5_000_000_000L, List.of("m8"), Optional.of("x"), Size.M,
        Color.GREEN);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.writer(Item.class).write(item, out);
    assertEquals(item, codec.reader(Item.class).read(new ByteArrayInputStream(out.toByteArray()),
        DecodeBudget.UNLIMITED));
  }

  @Test
  void unknownFieldsAreSkippedAndMissingOnesGetTheirMissingValues() throws IOException {
    Item read = (Item) read(object("warehouse", new byte[] {1, 2, 3}, "quantity", varlong(7)));
    assertEquals(new Item(null, 7, List.of(), Optional.empty(), null, null), read);
  }

  @Test
  void anUnknownConstantFallsBackOrIsRefusedByName() throws IOException {
    Output xl = new Output(16, -1);
    xl.writeString("XL");
    assertEquals(Size.UNKNOWN, ((Item) read(object("size", withClassId(Size.class, xl))))
        .size());
    Output blue = new Output(16, -1);
    blue.writeString("BLUE\n\u001b[31m");
    IOException e = assertThrows(IOException.class,
        () -> read(object("color", withClassId(Color.class, blue))));
    assertTrue(e.getMessage().contains("the constant 'BLUE\\u000a\\u001b[31m' of "
        + Color.class.getName() + ", which this side's version of it does not have (it has:"),
        e.getMessage());
  }

  @Test
  void lengthsThatLieAreRefused() {
    // A field count far beyond the bytes that follow.
    Output many = new Output(16, -1);
    many.writeVarInt(1 << 30, true);
    assertThrows(IOException.class, () -> read(many.toBytes()));
    // A field length beyond the slot.
    Output longer = new Output(32, -1);
    longer.writeVarInt(1, true);
    longer.writeString("quantity");
    longer.writeVarInt(1 << 20, true);
    longer.writeByte(2);
    assertThrows(IOException.class, () -> read(longer.toBytes()));
    // A value that takes more or fewer bytes than its field declared.
    byte[] sevenInTwo = {varlong(7)[0], 0};
    IOException e = assertThrows(IOException.class,
        () -> read(object("quantity", sevenInTwo)));
    assertTrue(e.getMessage().contains("was sent as 2 bytes, but its value took 1"),
        e.getMessage());
  }

  @Test
  void aNumberTooLargeForTheReadersFieldIsRefused() {
    record Small(int count) {}
    IOException e = assertThrows(IOException.class, () -> codec.reader(Small.class).read(
        new ByteArrayInputStream(withClassId(Small.class, object("count", varlong(1L << 40))))));
    assertTrue(e.getMessage().contains("holds 1099511627776, which does not fit its type int"),
        e.getMessage());
  }

  private static byte[] withClassId(Class<?> type, Output value) {
    return withClassId(type, value.toBytes());
  }

  private static byte[] withClassId(Class<?> type, byte[] value) {
    Output o = new Output(32, -1);
    o.writeVarInt(KryoRegistrations.userId(type.getName()) + 2, true);
    o.writeBytes(value);
    return o.toBytes();
  }
}
