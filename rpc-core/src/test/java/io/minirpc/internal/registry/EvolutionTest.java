package io.minirpc.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The evolution rules on shapes as a server would announce them: the client's own, changed one
 * way or another. Each verdict names the class and the field.
 */
class EvolutionTest {
  record Query(String text, Map<String, List<Integer>> filters) {}

  record Answer(long total, List<Hit> hits) {}

  record Hit(String id, float score) {}

  interface Search {
    Answer search(Query query);
  }

  private static final MethodDescriptor SEARCH = MethodDescriptor.forService(Search.class).get(0);
  private static final SortedMap<String, String> CLIENT = Fingerprints.shapes(SEARCH);

  private static String server(String type, String shape) {
    SortedMap<String, String> server = new TreeMap<>(CLIENT);
    server.put(EvolutionTest.class.getName() + "$" + type, shape);
    return Evolution.incompatibility(SEARCH, CLIENT, server);
  }

  private static String name(String type) {
    return EvolutionTest.class.getName() + "$" + type;
  }

  @Test
  void theShapesArePrecise() {
    assertEquals("record{text:java.lang.String,filters:java.util.Map<java.lang.String,"
        + " java.util.List<java.lang.Integer>>}", CLIENT.get(name("Query")));
  }

  @Test
  void equalShapesAndAddedOrRemovedFieldsMeet() {
    assertNull(Evolution.incompatibility(SEARCH, CLIENT, CLIENT));
    assertNull(server("Query", "record{text:java.lang.String,filters:java.util.Map<"
        + "java.lang.String, java.util.List<java.lang.Integer>>,limit:int}"), "added");
    assertNull(server("Query", "record{text:java.lang.String}"), "removed");
    assertNull(server("Hit", "class{id:java.lang.String,score:float,rank:int}"),
        "a record that became a class with one more field");
  }

  @Test
  void numbersWidenOnlyFromWriterToReader() {
    assertNull(server("Hit", "record{id:java.lang.String,score:float}"));
    // The server writes Hit (a result): it may not widen, the client may not narrow.
    assertEquals(name("Hit") + ".score is float on the client but double on the server (a number"
        + " may only widen, from the server that writes it to the client that reads it)",
        server("Hit", "record{id:java.lang.String,score:double}"));
    assertNull(server("Answer", "record{total:int,hits:java.util.List<" + name("Hit") + ">}"),
        "the server's int widens to the client's long");
  }

  @Test
  void aChangedTypeARequiredFieldAndAChangedKindAreRefused() {
    assertEquals(name("Query") + ".filters is java.util.Map<java.lang.String,"
        + " java.util.List<java.lang.Integer>> on the client but java.util.Map<java.lang.String,"
        + " java.util.List<java.lang.Long>> on the server",
        server("Query", "record{text:java.lang.String,filters:java.util.Map<java.lang.String,"
            + " java.util.List<java.lang.Long>>}"));
    assertEquals(name("Query") + ".owner is required on the server (marked never null), but"
        + " the client's " + name("Query") + " has no such field to send",
        server("Query", "record{text:java.lang.String,owner:java.lang.String!}"));
    assertEquals(name("Hit") + " is a record on the client but an enum on the server",
        server("Hit", "enum{A,B}"));
  }

  @Test
  void aShapeThatCannotBeReadIsAReasonNotAnException() {
    String why = server("Hit", "record{id:java.lang.String");
    assertEquals("the server describes " + name("Hit") + " in a form this client cannot read",
        why);
    assertFalse(server("Hit", "").isEmpty());
  }

  @Test
  void wideningRules() {
    assertTrue(Evolution.widens("int", "long"));
    assertTrue(Evolution.widens("int", "java.lang.Long"));
    assertTrue(Evolution.widens("java.lang.Integer", "java.lang.Long"));
    assertTrue(Evolution.widens("float", "double"));
    assertFalse(Evolution.widens("java.lang.Integer", "int"), "a null would have no value");
    assertFalse(Evolution.widens("long", "int"));
    assertFalse(Evolution.widens("int", "double"));
    assertFalse(Evolution.widens("double", "float"));
  }
}
