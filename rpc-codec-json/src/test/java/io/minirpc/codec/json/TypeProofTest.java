package io.minirpc.codec.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.codec.Codec;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The JSON codec reads every shape the Kryo codec reads that JSON can carry, and refuses the rest
 * when the service is registered, saying what to change, instead of failing on the first call.
 * This module's classes are compiled with -parameters, as the refusal tells users to do.
 */
class TypeProofTest {
  private static final Codec CODEC = JsonCodecTest.codec(Set.of(), 1 << 20);

  /** State set through the constructor only: final fields, no constructor without arguments. */
  static final class Item {
    private final String name;
    private final int quantity;
    private final List<Item> parts;

    Item(String name, int quantity, List<Item> parts) {
      this.name = name;
      this.quantity = quantity;
      this.parts = parts;
    }
  }

  /** Two constructors and no way to choose: nothing says which one JSON's fields are for. */
  static final class Ambiguous {
    private final String text;

    Ambiguous(String text, int unused) {
      this.text = text;
    }

    Ambiguous(int unused, String text) {
      this.text = text;
    }
  }

  record Key(String region, int shard) {}

  record Holder(String name, Map<Key, String> byKey) {}

  record Wrapper(List<Ambiguous> items) {}

  @Test
  void aClassWithFinalFieldsAndAnAllArgumentsConstructorRoundTrips() throws Exception {
    Item item = new Item("kit", 1, List.of(new Item("pen", 3, List.of())));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CODEC.writer(Item.class).write(item, out);
    Item back = (Item) CODEC.reader(Item.class).read(JsonCodecTest.in(out.toString("UTF-8")));
    assertEquals("kit", back.name);
    assertEquals(1, back.quantity);
    assertEquals("pen", back.parts.get(0).name);
    assertEquals(3, back.parts.get(0).quantity);
  }

  @Test
  void aClassItCannotBuildIsRefusedWhenTheServiceIsRegisteredWithTheFix() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CODEC.reader(Ambiguous.class));
    assertTrue(e.getMessage().startsWith("the json codec cannot build "
        + Ambiguous.class.getName() + ": it has no constructor without arguments"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Compile it with -parameters"), e.getMessage());
    assertTrue(e.getMessage().endsWith("or use the kryo codec"), e.getMessage());
  }

  @Test
  void aTypeReachedThroughAnotherIsNamedWithWhereItWasReachedFrom() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CODEC.reader(Wrapper.class));
    assertTrue(e.getMessage().startsWith("the json codec cannot build "
        + Ambiguous.class.getName() + " (reached from " + Wrapper.class.getName() + ")"),
        e.getMessage());
  }

  @Test
  void aMapWithRecordKeysIsRefusedWithTheFixWhereverItIs() {
    Type map = new JsonCodecTest.TypeRef<Map<Key, String>>() {}.type();
    for (Type type : new Type[] {map, Holder.class}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> CODEC.reader(type));
      assertTrue(e.getMessage().startsWith(
          "the json codec cannot read a Map whose keys are " + Key.class.getName()),
          e.getMessage());
      assertTrue(e.getMessage().contains("carry a List of entries instead, or use the kryo"
          + " codec"), e.getMessage());
    }
  }

  @Test
  void mapsWithKeysJsonCanCarryPass() {
    CODEC.reader(new JsonCodecTest.TypeRef<Map<String, List<Item>>>() {}.type());
    CODEC.reader(new JsonCodecTest.TypeRef<Map<java.util.UUID, Item>>() {}.type());
    CODEC.reader(new JsonCodecTest.TypeRef<Map<Long, Integer>>() {}.type());
  }
}
