package io.minirpc.codec.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.io.Output;
import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.CodecProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KryoCodecTest {
  private static final int LIMIT = 1 << 20;

  record User(long id, String name, List<String> tags, LocalDate born) {}

  record Order(long id, User buyer, Map<String, Integer> lines) {}

  record Holder(Object anything) {}

  record Clock(AtomicLong ticks) {}

  record Tree(String name, Tree left, Tree right, List<Tree> more) {}

  /** Flags outside {@link Canary}: reading a static field of Canary would initialize it. */
  static final class CanaryFlags {
    static volatile boolean initialized;
    static volatile boolean constructed;
  }

  /** Named by crafted payloads; no decoder may touch it. */
  static final class Canary {
    static {
      CanaryFlags.initialized = true;
    }

    Canary() {
      CanaryFlags.constructed = true;
    }
  }

  static KryoCodec codec(Set<Class<?>> allowed) {
    return (KryoCodec)
        new KryoCodecProvider()
            .create(
                new CodecContext() {
                  @Override
                  public Set<Class<?>> allowedClasses() {
                    return allowed;
                  }

                  @Override
                  public int maxFrameSize() {
                    return LIMIT;
                  }
                });
  }

  static byte[] write(Codec codec, Type type, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.writer(type).write(value, out);
    return out.toByteArray();
  }

  static Object read(Codec codec, Type type, byte[] bytes) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    Object value = codec.reader(type).read(in);
    assertEquals(0, in.available(), "the reader consumes its whole slot");
    return value;
  }

  static Object roundTrip(Type type, Object value) throws IOException {
    Codec codec = codec(Set.of());
    return read(codec, type, write(codec, type, value));
  }

  /** Bytes as Kryo's Output writes them, to craft payloads. */
  static byte[] bytes(java.util.function.Consumer<Output> writes) {
    Output out = new Output(64, -1);
    writes.accept(out);
    return out.toBytes();
  }

  static int fixedId(Class<?> c) {
    return new KryoRegistrations(Set.of()).entry(c).id();
  }

  static final Type STRING_LIST = new TypeRef<List<String>>() {}.type();
  static final Type BYTES_BY_NAME = new TypeRef<Map<String, byte[]>>() {}.type();

  @Test
  void isFoundByServiceLoaderAsKryoWithIdTwo() {
    List<CodecProvider> found = new ArrayList<>();
    ServiceLoader.load(CodecProvider.class).forEach(found::add);
    assertEquals(1, found.size());
    assertEquals("kryo", found.get(0).name());
    assertEquals(2, found.get(0).id());
    assertEquals("io.minirpc:rpc-codec-binary", found.get(0).artifact());
  }

  @Test
  void recordsHoldingTheirOwnKindReadBackWholeOneAfterAnother() throws Exception {
    // The serializer lends one array to the record it reads; the records inside it, of the same
    // class, and the next value read by the same codec each get what is theirs.
    Codec codec = codec(Set.of());
    for (int n = 0; n < 50; n++) {
      Tree leaf = new Tree("leaf" + n, null, null, List.of());
      Tree tree = new Tree("root" + n, new Tree("l" + n, leaf, null, List.of(leaf)), leaf,
          List.of(leaf, new Tree("m" + n, null, leaf, List.of())));
      assertEquals(tree, read(codec, Tree.class, write(codec, Tree.class, tree)));
    }
  }

  @Test
  void recordsAndGenericsRoundTrip() throws Exception {
    User u = new User(7, "ada", List.of("a", "b"), LocalDate.of(1815, 12, 10));
    Order o = new Order(1, u, new LinkedHashMap<>(Map.of("tea", 2)));
    assertEquals(o, roundTrip(Order.class, o));
    Map<String, byte[]> m = new HashMap<>();
    m.put("x", new byte[] {1, 2, 3});
    m.put("nothing", null);
    @SuppressWarnings("unchecked")
    Map<String, byte[]> back = (Map<String, byte[]>) roundTrip(BYTES_BY_NAME, m);
    assertArrayEquals(new byte[] {1, 2, 3}, back.get("x"));
    assertTrue(back.containsKey("nothing"));
  }

  @Test
  void jdkImmutableAndUnmodifiableCollectionsRoundTripAsTheSameKind() throws Exception {
    Type listType = new TypeRef<List<Integer>>() {}.type();
    List<List<Integer>> lists =
        List.of(
            List.of(),
            List.of(1),
            List.of(1, 2, 3),
            List.of(1, 2, 3).subList(1, 2),
            Arrays.asList(1, null, 3),
            Collections.unmodifiableList(new ArrayList<>(List.of(4, 5))),
            Collections.emptyList(),
            Collections.singletonList(9),
            java.util.stream.Stream.of(1, null).toList());
    for (List<Integer> l : lists) {
      Object back = roundTrip(listType, l);
      assertEquals(l, back, l.getClass().getName());
    }
    Type setType = new TypeRef<Set<String>>() {}.type();
    for (Set<String> s :
        List.<Set<String>>of(
            Set.of(),
            Set.of("a"),
            Set.of("a", "b", "c"),
            Collections.unmodifiableSet(new TreeSet<>(Set.of("x"))),
            Collections.unmodifiableSortedSet(new TreeSet<>(Set.of("y", "z"))),
            new TreeSet<>(Set.of("q")),
            Collections.singleton("s"))) {
      assertEquals(s, roundTrip(setType, s), s.getClass().getName());
    }
    Type mapType = new TypeRef<Map<String, Integer>>() {}.type();
    for (Map<String, Integer> m :
        List.<Map<String, Integer>>of(
            Map.of(),
            Map.of("a", 1),
            Map.of("a", 1, "b", 2),
            Collections.unmodifiableMap(new HashMap<>(Map.of("c", 3))),
            new TreeMap<>(Map.of("d", 4)),
            Collections.singletonMap("e", 5))) {
      assertEquals(m, roundTrip(mapType, m), m.getClass().getName());
    }
    assertEquals(Optional.of("x"), roundTrip(new TypeRef<Optional<String>>() {}.type(), Optional.of("x")));
  }

  @Test
  void idsComeFromClassNamesNotFromTheOrderOfRegistration() throws Exception {
    KryoCodec a = codec(Set.of());
    a.writer(User.class);
    a.writer(Order.class);
    KryoCodec b = codec(Set.of());
    b.reader(Order.class);
    b.reader(User.class);
    Type holder = new TypeRef<List<Object>>() {}.type();
    KryoCodec c = codec(Set.of(User.class));
    Order o = new Order(3, new User(1, "x", List.of(), null), Map.of());
    assertArrayEquals(write(a, Order.class, o), write(b, Order.class, o));
    assertEquals(o, read(b, Order.class, write(a, Order.class, o)));
    // Allowed classes get their ids the same way.
    List<Object> list = List.of(new User(2, "y", List.of("t"), null));
    assertEquals(list, read(codec(Set.of(User.class)), holder, write(c, holder, list)));
  }

  @Test
  void fiveBytesDeclaringTwoBillionBytesAreRefusedBeforeAllocating() {
    byte[] payload = bytes(o -> o.writeVarInt(2_000_000_001, true));
    assertEquals(5, payload.length);
    IOException e =
        assertThrows(IOException.class, () -> read(codec(Set.of()), byte[].class, payload));
    assertEquals(
        "kryo could not decode a byte[]: the payload declares a byte array of 2000000000"
            + " elements, but only 0 bytes are left",
        e.getMessage());
  }

  @Test
  void aStringDeclaringTwoBillionCharactersIsRefusedBeforeAllocating() {
    byte[] payload = bytes(o -> o.writeVarIntFlag(true, 2_000_000_001, true));
    IOException e =
        assertThrows(IOException.class, () -> read(codec(Set.of()), String.class, payload));
    assertEquals(
        "kryo could not decode a java.lang.String: the payload declares a string of 2000000000"
            + " elements, but only 0 bytes are left",
        e.getMessage());
  }

  @Test
  void collectionsMapsAndArraysDeclaringTwoBillionElementsAreRefused() {
    int arrayList = fixedId(ArrayList.class);
    byte[] list =
        bytes(o -> {
          o.writeVarInt(arrayList + 2, true);
          o.writeVarIntFlag(false, 2_000_000_001, true);
        });
    IOException e =
        assertThrows(IOException.class, () -> read(codec(Set.of()), STRING_LIST, list));
    assertTrue(
        e.getMessage().contains("declares a collection of 2000000000 elements, but only 0 bytes"),
        e.getMessage());
    int hashMap = fixedId(HashMap.class);
    byte[] map =
        bytes(o -> {
          o.writeVarInt(hashMap + 2, true);
          o.writeVarInt(2_000_000_001, true);
        });
    e = assertThrows(IOException.class, () -> read(codec(Set.of()), BYTES_BY_NAME, map));
    assertTrue(e.getMessage().contains("declares a map of 2000000000 elements"), e.getMessage());
    byte[] array = bytes(o -> o.writeVarInt(2_000_000_001, true));
    e = assertThrows(IOException.class, () -> read(codec(Set.of()), User[].class, array));
    assertTrue(e.getMessage().contains("declares an array of 2000000000 elements"), e.getMessage());
    e = assertThrows(IOException.class, () -> read(codec(Set.of()), long[].class, array));
    assertTrue(e.getMessage().contains("declares a long array of 2000000000"), e.getMessage());
  }

  @Test
  void aClassNameOnTheWireIsNeverReadLoadedOrConstructed() {
    byte[] name = Canary.class.getName().getBytes(StandardCharsets.US_ASCII);
    name[name.length - 1] |= (byte) 0x80;
    byte[] payload = new byte[name.length + 1];
    payload[0] = 1; // Kryo's "class by name" marker
    System.arraycopy(name, 0, payload, 1, name.length);
    IOException named =
        assertThrows(IOException.class, () -> read(codec(Set.of()), STRING_LIST, payload));
    assertFalse(CanaryFlags.initialized, "the named class must not even be initialized");
    assertFalse(CanaryFlags.constructed);
    byte[] unknown = "com.example.Nope".getBytes(StandardCharsets.US_ASCII);
    unknown[unknown.length - 1] |= (byte) 0x80;
    byte[] payload2 = new byte[unknown.length + 1];
    payload2[0] = 1;
    System.arraycopy(unknown, 0, payload2, 1, unknown.length);
    IOException unknownName =
        assertThrows(IOException.class, () -> read(codec(Set.of()), STRING_LIST, payload2));
    String expected =
        "kryo could not decode a java.util.List<java.lang.String>: the payload names a class that"
            + " is not allowed where java.util.List<java.lang.String> is declared";
    assertEquals(expected, named.getMessage());
    assertEquals(expected, unknownName.getMessage());
  }

  @Test
  void aClassRegisteredForAnotherMethodIsRefusedWhereItsTypeIsNotDeclared() throws Exception {
    KryoCodec codec = codec(Set.of());
    byte[] user = write(codec, new TypeRef<List<User>>() {}.type(),
        List.of(new User(1, "a", List.of(), null)));
    // The same bytes, read where List<String> is declared: User is registered, but not reached.
    IOException refused = assertThrows(IOException.class, () -> read(codec, STRING_LIST, user));
    assertTrue(refused.getMessage().contains("names a class that is not allowed"), refused.getMessage());
    // An id nobody registered fails with the same words.
    byte[] unknownId = bytes(o -> o.writeVarInt(KryoRegistrations.USER_ID_BASE + 12_345 + 2, true));
    IOException unknown = assertThrows(IOException.class, () -> read(codec, STRING_LIST, unknownId));
    assertEquals(refused.getMessage(), unknown.getMessage());
    // And the writer refuses to send it there in the first place.
    List<Object> mixed = new ArrayList<>(List.of("fine"));
    mixed.add(new User(1, "a", List.of(), null));
    IOException sent = assertThrows(IOException.class, () -> write(codec, STRING_LIST, mixed));
    assertTrue(
        sent.getMessage().contains("a " + User.class.getName() + " cannot be sent where"
            + " java.util.List<java.lang.String> is declared"),
        sent.getMessage());
  }

  @Test
  void anObjectFieldTakesOnlyJdkValuesAndAllowedClasses() throws Exception {
    assertEquals(new Holder(List.of(1, 2)), roundTrip(Holder.class, new Holder(List.of(1, 2))));
    IOException e =
        assertThrows(
            IOException.class,
            () -> write(codec(Set.of()), Holder.class, new Holder(new User(1, "a", null, null))));
    assertTrue(e.getMessage().contains("minirpc.codec.allow"), e.getMessage());
    KryoCodec allowing = codec(Set.of(User.class));
    Holder h = new Holder(new User(1, "a", null, null));
    assertEquals(h, read(allowing, Holder.class, write(allowing, Holder.class, h)));
  }

  @Test
  void deepNestingFailsCleanlyInsteadOfOverflowingTheStack() {
    int arrayList = fixedId(ArrayList.class);
    byte[] deep =
        bytes(o -> {
          for (int i = 0; i < 100_000; i++) {
            o.writeVarInt(arrayList + 2, true);
            o.writeVarIntFlag(false, 2, true); // one element, which is the next list
          }
        });
    Type nested = new TypeRef<List<Object>>() {}.type();
    IOException e = assertThrows(IOException.class, () -> read(codec(Set.of()), nested, deep));
    assertTrue(e.getMessage().contains("Max depth exceeded"), e.getMessage());
  }

  @Test
  void trailingBytesAndWrongTopLevelClassesAreErrors() throws Exception {
    KryoCodec codec = codec(Set.of());
    byte[] ok = write(codec, STRING_LIST, List.of("a"));
    byte[] longer = Arrays.copyOf(ok, ok.length + 1);
    IOException e = assertThrows(IOException.class, () -> read(codec, STRING_LIST, longer));
    assertTrue(e.getMessage().contains("1 bytes of the slot unread"), e.getMessage());
    Type stringSet = new TypeRef<Set<String>>() {}.type();
    IOException wrong = assertThrows(IOException.class, () -> read(codec, stringSet, ok));
    assertTrue(
        wrong.getMessage().contains("holds a java.util.ImmutableCollections$List12 where"),
        wrong.getMessage());
  }

  @Test
  void anUnsupportedJdkClassIsRefusedWhenTheServiceIsRegistered() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> codec(Set.of()).reader(Clock.class));
    assertEquals(
        "java.util.concurrent.atomic.AtomicLong (reached from "
            + Clock.class.getTypeName()
            + ".ticks) is not one of the JDK classes the Kryo codec supports. Use a supported"
            + " type (collections, java.time, BigDecimal, UUID, Optional, ...) or the json codec",
        e.getMessage());
  }

  /** Captures a generic type, as a service method signature would declare it. */
  abstract static class TypeRef<T> {
    Type type() {
      return ((ParameterizedType) getClass().getGenericSuperclass()).getActualTypeArguments()[0];
    }
  }
}
