package io.minirpc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.minirpc.listing.JsonSchemas;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checks minirpc call makes, against schemas from minirpc's own generator. */
class SchemaValidatorTest {
  enum Size { SMALL, LARGE }

  record Line(String sku, int count, Size size) {}

  record Basket(List<Line> lines, Map<String, Integer> coupons, Set<String> tags, Instant at) {}

  record Tree(String name, List<Tree> children) {}

  private static String check(Type type, String json) throws Exception {
    return new SchemaValidator(Output.schema(JsonSchemas.of(type)))
        .check(Output.JSON.readTree(json));
  }

  @Test
  void acceptsWhatTheJsonCodecReads() throws Exception {
    assertNull(check(int.class, "7"));
    assertNull(check(Integer.class, "null"));
    assertNull(check(Basket.class, "{\"lines\": [{\"sku\": \"a\", \"count\": 2, \"size\":"
        + " \"LARGE\"}, null], \"coupons\": {\"x\": 1}, \"tags\": [\"a\", \"b\"],"
        + " \"at\": \"2026-11-30T10:15:30Z\"}"));
    assertNull(check(Basket.class, "null"));
    assertNull(check(Tree.class, "{\"name\": \"a\", \"children\": [{\"name\": \"b\","
        + " \"children\": []}]}"));
  }

  @Test
  void saysWhereAndWhy() throws Exception {
    assertEquals("expected an integer, got \"7\" (a string)", check(int.class, "\"7\""));
    assertEquals("1.5 is not a whole number", check(int.class, "1.5"));
    assertEquals("expected an integer, got null", check(int.class, "null"));
    assertEquals("at $.lines[0].size: \"HUGE\" (a string) is not one of \"SMALL\", \"LARGE\","
        + " null", check(Basket.class, "{\"lines\": [{\"sku\": \"a\", \"count\": 1,"
        + " \"size\": \"HUGE\"}]}"));
    assertEquals("at $.lines[0]: the property \"count\" is missing",
        check(Basket.class, "{\"lines\": [{\"sku\": \"a\"}]}"));
    assertEquals("at $.coupons.x: expected an integer or null, got true (a boolean)",
        check(Basket.class, "{\"coupons\": {\"x\": true}}"));
    assertEquals("at $.tags: \"a\" (a string) appears twice, but the items are a set",
        check(Basket.class, "{\"tags\": [\"a\", \"a\"]}"));
    assertEquals("at $.at: \"yesterday\" is not a date-time (ISO-8601 with an offset, such as"
        + " \"2026-11-30T10:15:30Z\")", check(Basket.class, "{\"at\": \"yesterday\"}"));
    assertEquals("at $.children[0].children[0]: unknown property \"nam\" (it has: name,"
        + " children)", check(Tree.class, "{\"children\": [{\"children\": [{\"nam\": 1}]}]}"));
    assertEquals("expected an object, got [] (an array)", check(Tree.class, "[]"));
  }
}
