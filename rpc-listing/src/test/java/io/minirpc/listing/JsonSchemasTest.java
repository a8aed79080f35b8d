package io.minirpc.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {
  private static final String S = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",";

  enum Color { RED, GREEN }

  record Point(int x, Integer y, String label) {}

  record Node(String name, List<Node> children) {}

  record Page<T>(List<T> items, int total) {}

  static class Base<T> {
    T id;
    static int ignoredStatic;
    transient String ignoredTransient;
  }

  static class User extends Base<Long> {
    String name;
    boolean active;
    Optional<Color> favourite;
  }

  abstract static class TypeRef<T> {
    Type type() {
      return ((ParameterizedType) getClass().getGenericSuperclass()).getActualTypeArguments()[0];
    }
  }

  private static String of(Type t) {
    return JsonSchemas.of(t);
  }

  @Test
  void primitivesAreRequiredValuesAndBoxesAcceptNull() {
    assertEquals(S + "\"type\":\"integer\",\"minimum\":-2147483648,\"maximum\":2147483647}",
        of(int.class));
    assertEquals(S + "\"type\":[\"integer\",\"null\"],\"minimum\":-2147483648,"
        + "\"maximum\":2147483647}", of(Integer.class));
    assertEquals(S + "\"type\":\"integer\",\"minimum\":-9223372036854775808,"
        + "\"maximum\":9223372036854775807}", of(long.class));
    assertEquals(S + "\"type\":\"number\"}", of(double.class));
    assertEquals(S + "\"type\":\"boolean\"}", of(boolean.class));
    assertEquals(S + "\"type\":\"string\",\"minLength\":1,\"maxLength\":1}", of(char.class));
    assertEquals(S + "\"type\":[\"string\",\"null\"]}", of(String.class));
    assertEquals(S + "\"type\":\"null\"}", of(void.class));
  }

  @Test
  void jdkValuesAreTheTextJacksonWrites() {
    assertEquals(S + "\"type\":[\"string\",\"null\"],\"format\":\"uuid\"}", of(UUID.class));
    assertEquals(S + "\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}",
        of(Instant.class));
    assertEquals(S + "\"type\":[\"number\",\"null\"]}", of(BigDecimal.class));
    assertEquals(S + "\"type\":[\"string\",\"null\"],\"contentEncoding\":\"base64\"}",
        of(byte[].class));
  }

  @Test
  void enumsAreTheirNames() {
    assertEquals(S + "\"title\":\"io.minirpc.listing.JsonSchemasTest$Color\","
        + "\"enum\":[\"RED\",\"GREEN\",null]}", of(Color.class));
  }

  @Test
  void arraysCollectionsMapsAndOptionalsNest() {
    assertEquals(S + "\"type\":[\"array\",\"null\"],\"items\":{\"type\":\"integer\","
        + "\"minimum\":-2147483648,\"maximum\":2147483647}}", of(int[].class));
    assertEquals(S + "\"type\":[\"array\",\"null\"],\"items\":{\"type\":[\"array\",\"null\"],"
        + "\"items\":{\"type\":[\"string\",\"null\"]},\"uniqueItems\":true}}",
        of(new TypeRef<List<Set<String>>>() {}.type()));
    assertEquals(S + "\"type\":[\"object\",\"null\"],\"propertyNames\":{\"enum\":[\"RED\","
        + "\"GREEN\"]},\"additionalProperties\":{\"type\":[\"array\",\"null\"],\"items\":"
        + "{\"type\":[\"integer\",\"null\"],\"minimum\":-9223372036854775808,"
        + "\"maximum\":9223372036854775807}}}",
        of(new TypeRef<Map<Color, List<Long>>>() {}.type()));
    assertEquals(S + "\"type\":[\"string\",\"null\"]}",
        of(new TypeRef<Optional<String>>() {}.type()));
  }

  @Test
  void recordsAreDefinitionsWithTheirComponents() {
    assertEquals(S + "\"anyOf\":[{\"$ref\":\"#/$defs/io.minirpc.listing."
        + "JsonSchemasTest$Point\"},{\"type\":\"null\"}],\"$defs\":{\"io.minirpc."
        + "listing.JsonSchemasTest$Point\":{\"title\":\"io.minirpc.listing."
        + "JsonSchemasTest$Point\",\"type\":\"object\",\"properties\":{\"x\":{\"type\":"
        + "\"integer\",\"minimum\":-2147483648,\"maximum\":2147483647},\"y\":{\"type\":"
        + "[\"integer\",\"null\"],\"minimum\":-2147483648,\"maximum\":2147483647},\"label\":"
        + "{\"type\":[\"string\",\"null\"]}},\"required\":[\"x\"],"
        + "\"additionalProperties\":false}}}", of(Point.class));
  }

  @Test
  void aRecursiveTypeRefersToItsOwnDefinition() {
    String node = "io.minirpc.listing.JsonSchemasTest$Node";
    assertEquals(S + "\"anyOf\":[{\"$ref\":\"#/$defs/" + node + "\"},{\"type\":\"null\"}],"
        + "\"$defs\":{\"" + node + "\":{\"title\":\"" + node + "\",\"type\":\"object\","
        + "\"properties\":{\"name\":{\"type\":[\"string\",\"null\"]},\"children\":{\"type\":"
        + "[\"array\",\"null\"],\"items\":{\"anyOf\":[{\"$ref\":\"#/$defs/" + node + "\"},"
        + "{\"type\":\"null\"}]}}},\"additionalProperties\":false}}}", of(Node.class));
  }

  @Test
  void classesAreTheirFieldsSuperclassFirstWithTypeArgumentsResolved() {
    String user = "io.minirpc.listing.JsonSchemasTest$User";
    String color = "io.minirpc.listing.JsonSchemasTest$Color";
    assertEquals(S + "\"anyOf\":[{\"$ref\":\"#/$defs/" + user + "\"},{\"type\":\"null\"}],"
        + "\"$defs\":{\"" + user + "\":{\"title\":\"" + user + "\",\"type\":\"object\","
        + "\"properties\":{\"id\":{\"type\":[\"integer\",\"null\"],\"minimum\":"
        + "-9223372036854775808,\"maximum\":9223372036854775807},\"name\":{\"type\":[\"string\","
        + "\"null\"]},\"active\":{\"type\":\"boolean\"},\"favourite\":{\"title\":\"" + color
        + "\",\"enum\":[\"RED\",\"GREEN\",null]}},\"required\":[\"active\"],"
        + "\"additionalProperties\":false}}}", of(User.class));
  }

  @Test
  void aGenericRecordIsDefinedPerTypeArgument() {
    String page = "io.minirpc.listing.JsonSchemasTest$Page";
    String point = "io.minirpc.listing.JsonSchemasTest$Point";
    String pageOfPoint = page + "(" + point + ")";
    assertEquals(S + "\"anyOf\":[{\"$ref\":\"#/$defs/" + pageOfPoint + "\"},{\"type\":\"null\"}],"
        + "\"$defs\":{\"" + pageOfPoint + "\":{\"title\":\"" + pageOfPoint + "\",\"type\":"
        + "\"object\",\"properties\":{\"items\":{\"type\":[\"array\",\"null\"],\"items\":"
        + "{\"anyOf\":[{\"$ref\":\"#/$defs/" + point + "\"},{\"type\":\"null\"}]}},\"total\":"
        + "{\"type\":\"integer\",\"minimum\":-2147483648,\"maximum\":2147483647}},\"required\":"
        + "[\"total\"],\"additionalProperties\":false},\"" + point + "\":{\"title\":\"" + point
        + "\",\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\",\"minimum\":"
        + "-2147483648,\"maximum\":2147483647},\"y\":{\"type\":[\"integer\",\"null\"],"
        + "\"minimum\":-2147483648,\"maximum\":2147483647},\"label\":{\"type\":[\"string\","
        + "\"null\"]}},\"required\":[\"x\"],\"additionalProperties\":false}}}",
        of(new TypeRef<Page<Point>>() {}.type()));
  }

  @Test
  void objectAndAbstractTypesAcceptAnything() {
    assertEquals(S.substring(0, S.length() - 1) + "}", of(Object.class));
    assertEquals(S + "\"description\":\"an implementation of java.lang.Runnable, as its Jackson"
        + " annotations describe it\"}", of(Runnable.class));
  }
}
