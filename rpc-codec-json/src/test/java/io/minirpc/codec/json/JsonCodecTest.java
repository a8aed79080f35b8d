package io.minirpc.codec.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.CodecProvider;
import io.minirpc.codec.ValueReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
  private static final Codec CODEC = codec(Set.of(), 1 << 20);

  /**
   * Whether {@link Canary} was ever initialized or constructed. The flags live here, not in Canary,
   * because reading a static field of Canary would itself initialize it.
   */
  static final class CanaryFlags {
    static volatile boolean initialized;
    static volatile boolean constructed;
  }

  /** A class that crafted payloads name; no decoder may touch it. */
  static final class Canary {
    static {
      CanaryFlags.initialized = true;
    }

    Canary() {
      CanaryFlags.constructed = true;
    }
  }

  static final class Envelope {
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    Object payload;
  }

  record Point(int x, int y, Optional<String> label) {}

  interface Shape {}

  static Codec codec(Set<Class<?>> allowed, int maxFrameSize) {
    return new JsonCodecProvider()
        .create(
            new CodecContext() {
              @Override
              public Set<Class<?>> allowedClasses() {
                return allowed;
              }

              @Override
              public int maxFrameSize() {
                return maxFrameSize;
              }
            });
  }

  static byte[] write(Type type, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CODEC.writer(type).write(value, out);
    return out.toByteArray();
  }

  static Object read(Type type, String json) throws IOException {
    return CODEC.reader(type).read(in(json));
  }

  static InputStream in(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void isFoundByServiceLoaderAsJsonWithIdOne() {
    List<CodecProvider> found = new ArrayList<>();
    ServiceLoader.load(CodecProvider.class).forEach(found::add);
    assertEquals(1, found.size());
    assertEquals("json", found.get(0).name());
    assertEquals(1, found.get(0).id());
    assertEquals("io.minirpc:rpc-codec-json", found.get(0).artifact());
  }

  static final class Holder {
    Optional<String> value;

    Holder() {}

    Holder(Optional<String> value) {
      this.value = value;
    }
  }

  @Test
  void optionalsRoundTripAndPlainFieldsKeepNullApartFromEmpty() throws Exception {
    Point empty = new Point(1, 2, Optional.empty());
    Point full = new Point(1, 2, Optional.of("a"));
    for (Point p : List.of(empty, full)) {
      assertEquals(p, read(Point.class, new String(write(Point.class, p), StandardCharsets.UTF_8)));
    }
    assertEquals(
        "{\"x\":1,\"y\":2}",
        new String(write(Point.class, new Point(1, 2, null)), StandardCharsets.UTF_8));
    for (Optional<String> v : java.util.Arrays.asList(null, Optional.<String>empty())) {
      Holder h =
          (Holder) read(Holder.class, new String(write(Holder.class, new Holder(v)), StandardCharsets.UTF_8));
      assertEquals(v, h.value);
    }
    Type optional = new TypeRef<Optional<String>>() {}.type();
    assertEquals(Optional.empty(), read(optional, "null"));
    assertEquals(Optional.of("a"), read(optional, "\"a\""));
  }

  @Test
  void timeValuesKeepTheirNanoseconds() throws Exception {
    Instant at = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
    LocalDateTime local = LocalDateTime.of(2026, 11, 24, 17, 5, 1, 999_999_999);
    assertEquals(at, read(Instant.class, new String(write(Instant.class, at), StandardCharsets.UTF_8)));
    assertEquals(
        local,
        read(LocalDateTime.class, new String(write(LocalDateTime.class, local), StandardCharsets.UTF_8)));
  }

  @Test
  void aClassNamedByTypeInfoIsRefusedBeforeItIsLoaded() {
    String payload =
        "{\"payload\":[\"" + Canary.class.getName() + "\",{}]}";
    IOException e = assertThrows(IOException.class, () -> read(Envelope.class, payload));
    assertFalse(CanaryFlags.initialized, "the named class must not even be initialized");
    assertFalse(CanaryFlags.constructed);
    // An unknown name fails the same way, so a payload cannot probe the classpath.
    IOException unknown =
        assertThrows(
            IOException.class,
            () -> read(Envelope.class, "{\"payload\":[\"com.example.NoSuchClass\",{}]}"));
    assertEquals(
        firstLine(e.getMessage()).replace(Canary.class.getName(), "X"),
        firstLine(unknown.getMessage()).replace("com.example.NoSuchClass", "X"));
    assertTrue(e.getMessage().contains("denied resolution"), e.getMessage());
  }

  @Test
  void aClassAllowedInConfigurationPassesTypeInfo() throws Exception {
    Codec allowing = codec(Set.of(Point.class), 1 << 20);
    String payload = "{\"payload\":[\"" + Point.class.getName() + "\",{\"x\":3,\"y\":4}]}";
    Envelope e = (Envelope) allowing.reader(Envelope.class).read(in(payload));
    assertEquals(new Point(3, 4, Optional.empty()), e.payload);
  }

  @Test
  void strictness() {
    assertThrows(IOException.class, () -> read(int.class, "1 2"), "trailing tokens");
    assertThrows(IOException.class, () -> read(int.class, "null"), "null for a primitive");
    assertThrows(IOException.class, () -> read(int.class, "\"42\""), "string coerced to int");
    assertThrows(IOException.class, () -> read(int.class, "4.5"), "float coerced to int");
    assertThrows(IOException.class, () -> read(Point.class, "{\"x\":1,\"z\":2}"), "unknown field");
    assertThrows(IOException.class, () -> read(int.class, "3000000000"), "int overflow");
  }

  @Test
  void readLimitsBoundNestingAndNumbers() {
    String deep = "[".repeat(2000) + "]".repeat(2000);
    IOException depth =
        assertThrows(
            IOException.class,
            () -> read(new TypeRef<List<Object>>() {}.type(), deep));
    assertTrue(depth.getMessage().contains("nesting depth"), depth.getMessage());
    String longNumber = "1".repeat(5000);
    IOException number =
        assertThrows(IOException.class, () -> read(java.math.BigInteger.class, longNumber));
    assertTrue(number.getMessage().contains("Number value length"), number.getMessage());
    Codec small = codec(Set.of(), 100);
    IOException string =
        assertThrows(
            IOException.class,
            () -> small.reader(String.class).read(in("\"" + "a".repeat(500) + "\"")));
    assertTrue(string.getMessage().contains("String value length"), string.getMessage());
  }

  @Test
  void genericTypesDecideTheElementTypes() throws Exception {
    Type type = new TypeRef<Map<Integer, List<Byte>>>() {}.type();
    Object value = read(type, "{\"1\":[1,2],\"2\":[]}");
    assertEquals(Map.of(1, List.of((byte) 1, (byte) 2), 2, List.of()), value);
    Object element = ((List<?>) ((Map<?, ?>) value).get(1)).get(0);
    assertEquals(Byte.class, element.getClass());
    assertArrayEquals(new byte[] {1, 2}, (byte[]) read(byte[].class, "\"AQI=\""));
  }

  @Test
  void anInterfaceWithoutTypeInformationIsRefusedWhenTheServiceIsRegistered() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CODEC.reader(Shape.class));
    assertEquals(
        "JSON carries no class names, so it cannot tell which implementation of "
            + Shape.class.getName()
            + " to build. Declare a concrete type, or annotate Shape with @JsonTypeInfo(use ="
            + " NAME) and @JsonSubTypes",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CODEC.reader(Object.class));
  }

  @Test
  void theReaderLeavesTheStreamOpenAndConsumesTheSlot() throws Exception {
    ValueReader reader = CODEC.reader(String.class);
    ByteArrayInputStream in =
        new ByteArrayInputStream("\"abc\"  ".getBytes(StandardCharsets.UTF_8));
    assertEquals("abc", reader.read(in));
    assertEquals(0, in.available());
  }

  @Test
  void aJsonTreePassesThroughAsItIsUnderTheSameLimits() throws Exception {
    String json = "{\"name\":\"a\",\"tags\":[1,2.5,null,true],\"nested\":{\"x\":[]}}";
    Object tree = read(JsonNode.class, json);
    assertTrue(tree instanceof JsonNode, String.valueOf(tree));
    assertEquals(json, new String(write(JsonNode.class, tree), StandardCharsets.UTF_8));
    for (String exact : List.of("3", "7.50", "0.1000000000000000000001", "123456789012345678901")) {
      assertEquals(exact, new String(write(JsonNode.class, read(JsonNode.class, exact)),
          StandardCharsets.UTF_8));
    }
    // Trailing tokens and over-deep nesting are refused as for any other type.
    assertThrows(IOException.class, () -> read(JsonNode.class, "1 2"));
    assertThrows(IOException.class, () -> read(JsonNode.class,
        "[".repeat(JsonCodec.MAX_NESTING_DEPTH + 1) + "]".repeat(JsonCodec.MAX_NESTING_DEPTH + 1)));
  }

  private static String firstLine(String s) {
    return s.lines().findFirst().orElse("");
  }

  /** Captures a generic type, as a service method signature would declare it. */
  abstract static class TypeRef<T> {
    Type type() {
      return ((java.lang.reflect.ParameterizedType) getClass().getGenericSuperclass())
          .getActualTypeArguments()[0];
    }
  }
}
