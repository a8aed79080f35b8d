package io.minirpc.codec.kryo;

import static io.minirpc.codec.kryo.KryoCodecTest.codec;
import static io.minirpc.codec.kryo.KryoCodecTest.read;
import static io.minirpc.codec.kryo.KryoCodecTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minirpc.codec.kryo.KryoCodecTest.TypeRef;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Kryo erases type arguments; the codec does not. A value decoded for a declared type holds, at
 * every position, what the declaration says there, or the payload fails with a codec error that
 * says where; a polluted value (built through an unchecked cast) is refused before it is sent.
 */
class KryoConformanceTest {
  record Item(String sku) {}

  record Page<T>(int number, List<T> items) {}

  record Box<T>(T value) {}

  record Tree(String name, List<Tree> kids) {}

  sealed interface Shape permits Circle, Square {}

  record Circle(List<Integer> radii) implements Shape {}

  record Square(int side) implements Shape {}

  /** A plain class, not a record, generic through its superclass. */
  static class Named<T> {
    T named;
    List<T> others = new ArrayList<>();
  }

  static final class NamedNumber extends Named<Number> {}

  record Range<T extends Comparable<T>>(T lo, T hi) {}

  @SuppressWarnings("rawtypes") // on purpose: a raw F-bounded type
  record Window(Range range, List<Range<Integer>> more) {}

  /** Its type arguments grow as it recurses: Nest<String> holds a Nest<List<String>>. */
  static final class Nest<T> {
    T value;
    Nest<List<T>> next;
  }

  static final Type INTS = new TypeRef<List<Integer>>() {}.type();
  static final Type OBJECTS = new TypeRef<List<Object>>() {}.type();

  private final KryoCodec codec = codec(Set.of());

  @Test
  void aStringWhereTheListDeclaresIntegersFailsToDecodeAndSaysWhere() throws Exception {
    byte[] payload = write(codec, OBJECTS, List.of(1, "two", 3));
    IOException e = assertThrows(IOException.class, () -> read(codec, INTS, payload));
    assertEquals("the payload's java.util.List<java.lang.Integer> holds a java.lang.String at [1],"
        + " where java.lang.Integer is declared", e.getMessage());
    assertEquals(List.of(1, 2, 3), read(codec, INTS, write(codec, OBJECTS, List.of(1, 2, 3))));
  }

  @Test
  void aClassTheSignatureNamesElsewhereIsRefusedWhereItIsNotDeclared() throws Exception {
    // Page and Item are both in the slot's scope; a Page where an Item belongs is still wrong.
    KryoCodec codec = codec(Set.of(Item.class));
    Type pageOfItems = new TypeRef<Page<Item>>() {}.type();
    Type pageOfAnything = new TypeRef<Page<Object>>() {}.type();
    byte[] payload = write(codec, pageOfAnything,
        new Page<Object>(1, List.of(new Item("a"), new Page<>(2, List.of()))));
    IOException e = assertThrows(IOException.class, () -> read(codec, pageOfItems, payload));
    assertEquals("the payload's " + pageOfItems.getTypeName() + " holds a " + Page.class.getName()
        + " at .items[1], where " + Item.class.getName() + " is declared", e.getMessage());
  }

  @Test
  void aFieldDeclaredAsATypeVariableHoldsItsArgument() throws Exception {
    Type boxOfInt = new TypeRef<Box<Integer>>() {}.type();
    byte[] payload = write(codec, new TypeRef<Box<Object>>() {}.type(), new Box<Object>("x"));
    IOException e = assertThrows(IOException.class, () -> read(codec, boxOfInt, payload));
    assertEquals("the payload's " + boxOfInt.getTypeName() + " holds a java.lang.String at"
        + " .value, where java.lang.Integer is declared", e.getMessage());
    assertEquals(new Box<>(7), read(codec, boxOfInt, write(codec, boxOfInt, new Box<>(7))));
  }

  @Test
  void nestedMapsOptionalsAndArraysAreCheckedAllTheWayDown() throws Exception {
    Type declared = new TypeRef<Map<String, Optional<List<Integer>>[]>>() {}.type();
    Type loose = new TypeRef<Map<String, Optional<List<Object>>[]>>() {}.type();
    Map<String, Optional<List<Object>>[]> value = new LinkedHashMap<>();
    @SuppressWarnings({"unchecked", "rawtypes"})
    Optional<List<Object>>[] good = new Optional[] {Optional.of(List.of(1)), Optional.empty()};
    @SuppressWarnings({"unchecked", "rawtypes"})
    Optional<List<Object>>[] bad = new Optional[] {null, Optional.of(Arrays.asList(1, null, 2L))};
    value.put("good", good);
    value.put("bad", bad);
    byte[] payload = write(codec, loose, value);
    IOException e = assertThrows(IOException.class, () -> read(codec, declared, payload));
    assertEquals("the payload's " + declared.getTypeName() + " holds a java.lang.Long at"
        + " [value of entry 1][1].get()[2], where java.lang.Integer is declared", e.getMessage());
  }

  @Test
  void aRecursiveTypeIsCheckedAtEveryDepth() throws Exception {
    Tree leaf = new Tree("leaf", List.of());
    Tree tree = new Tree("root", List.of(new Tree("inner", List.of(leaf))));
    assertEquals(tree, read(codec, Tree.class, write(codec, Tree.class, tree)));
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Tree> polluted = (List) List.of("not a tree");
    Tree bad = new Tree("root", List.of(new Tree("inner", polluted)));
    IOException e = assertThrows(IOException.class, () -> write(codec, Tree.class, bad));
    assertEquals("kryo could not encode the value: the " + Tree.class.getName() + " holds a"
        + " java.lang.String at .kids[0].kids[0], where " + Tree.class.getName() + " is declared",
        e.getMessage());
  }

  @Test
  void eachImplementationOfAnInterfaceIsCheckedByItsOwnComponents() throws Exception {
    Type shapes = new TypeRef<List<Shape>>() {}.type();
    List<Shape> good = List.of(new Square(2), new Circle(List.of(1, 2)));
    assertEquals(good, read(codec, shapes, write(codec, shapes, good)));
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Integer> polluted = (List) List.of(1, "2");
    IOException e = assertThrows(IOException.class,
        () -> write(codec, shapes, List.of(new Square(1), new Circle(polluted))));
    assertEquals("kryo could not encode the value: the " + shapes.getTypeName() + " holds a"
        + " java.lang.String at [1].radii[1], where java.lang.Integer is declared",
        e.getMessage());
  }

  @Test
  void aClassGenericThroughItsSuperclassIsCheckedByWhatItsParentIsGiven() throws Exception {
    NamedNumber good = new NamedNumber();
    good.named = 1;
    good.others.add(2L);
    NamedNumber back = (NamedNumber) read(codec, NamedNumber.class,
        write(codec, NamedNumber.class, good));
    assertEquals(List.of(2L), back.others);
    NamedNumber bad = new NamedNumber();
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Object> others = (List) bad.others;
    others.add("3");
    IOException e = assertThrows(IOException.class, () -> write(codec, NamedNumber.class, bad));
    assertEquals("kryo could not encode the value: the " + NamedNumber.class.getName()
        + " holds a java.lang.String at .others[0], where java.lang.Number is declared",
        e.getMessage());
    bad.others.clear();
    @SuppressWarnings({"unchecked", "rawtypes"})
    Named<Object> raw = (Named) bad;
    raw.named = "4";
    e = assertThrows(IOException.class, () -> write(codec, NamedNumber.class, bad));
    assertEquals("kryo could not encode the value: the " + NamedNumber.class.getName()
        + " holds a java.lang.String at .named, where java.lang.Number is declared",
        e.getMessage());
  }

  @Test
  void selfReferentialBoundsAndGrowingTypeArgumentsAreCheckedWithoutEndlessRecursion()
      throws Exception {
    Window w = new Window(new Range<>("a", "b"), List.of(new Range<>(1, 2)));
    assertEquals(w, read(codec, Window.class, write(codec, Window.class, w)));
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Range<Integer>> polluted = (List) List.of(new Range<>(1, 2), "3");
    IOException e = assertThrows(IOException.class,
        () -> write(codec, Window.class, new Window(null, polluted)));
    assertEquals("kryo could not encode the value: the " + Window.class.getName() + " holds a"
        + " java.lang.String at .more[1], where " + new TypeRef<Range<Integer>>() {}.type()
            .getTypeName() + " is declared", e.getMessage());

    Type nest = new TypeRef<Nest<String>>() {}.type();
    Nest<String> n = new Nest<>();
    n.value = "v";
    n.next = new Nest<>();
    n.next.value = List.of("w");
    @SuppressWarnings("unchecked")
    Nest<String> back = (Nest<String>) read(codec, nest, write(codec, nest, n));
    assertEquals(List.of("w"), back.next.value);
  }

  @Test
  void declaredTypesWithNothingGenericNeedNoCheck() {
    assertEquals(null, Conformance.of(String.class));
    assertEquals(null, Conformance.of(Item.class));
    assertEquals(null, Conformance.of(OBJECTS));
    assertEquals(null, Conformance.of(int[].class));
    assertEquals(null, Conformance.of(new TypeRef<Map<Object, Object>>() {}.type()));
  }
}
