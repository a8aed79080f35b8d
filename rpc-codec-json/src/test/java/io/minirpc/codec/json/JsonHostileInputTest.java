package io.minirpc.codec.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.codec.Codec;
import io.minirpc.codec.DecodeBudget;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Crafted JSON payloads: none may make the codec work beyond what its bytes pay for. */
class JsonHostileInputTest {
  private static final Codec CODEC = JsonCodecTest.codec(Set.of(), 16 << 20);

  record Node(List<Node> children) {}

  record Pool(CopyOnWriteArraySet<String> names) {}

  private static Object read(Codec codec, Type type, String json, DecodeBudget budget)
      throws IOException {
    return codec.reader(type).read(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), budget);
  }

  @Test
  void aCopyOnWriteArrayListOf300000ElementsDecodesInLinearTime() throws Exception {
    Type type = new JsonCodecTest.TypeRef<CopyOnWriteArrayList<Integer>>() {}.type();
    String json = IntStream.range(0, 300_000).mapToObj(Integer::toString)
        .collect(Collectors.joining(",", "[", "]"));
    read(CODEC, type, "[1]", DecodeBudget.UNLIMITED); // warm up
    Object back = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      long start = System.nanoTime();
      Object value = read(CODEC, type, json, DecodeBudget.UNLIMITED);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 1_000, "300,000 elements took " + ms + " ms to decode");
      return value;
    });
    assertEquals(CopyOnWriteArrayList.class, back.getClass());
    assertEquals(300_000, ((List<?>) back).size());
    assertEquals(299_999, ((List<?>) back).get(299_999));
  }

  @Test
  void aCopyOnWriteArraySetIsRefusedBecauseBuildingOneIsQuadratic() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CODEC.reader(new JsonCodecTest.TypeRef<CopyOnWriteArraySet<String>>() {}.type()));
    assertEquals("the json codec does not decode java.util.concurrent.CopyOnWriteArraySet:"
        + " building one from n elements takes n\u00b2 time. Declare a Set, and copy it",
        e.getMessage());
    IllegalArgumentException nested =
        assertThrows(IllegalArgumentException.class, () -> CODEC.reader(Pool.class));
    assertEquals(e.getMessage(), nested.getMessage());
  }

  @Test
  void decodingStopsWithinAThousandTokensOnceTheBudgetRunsOut() throws Exception {
    Type type = new JsonCodecTest.TypeRef<Map<String, List<String>>>() {}.type();
    String json = IntStream.range(0, 1_000)
        .mapToObj(i -> "\"k" + i + "\":[\"a\",\"b\",\"c\"]")
        .collect(Collectors.joining(",", "{", "}"));
    AtomicInteger checks = new AtomicInteger();
    DecodeBudget cancelled = () -> {
      checks.incrementAndGet();
      throw new IOException("the call was cancelled");
    };
    IOException e = assertThrows(IOException.class, () -> read(CODEC, type, json, cancelled));
    assertTrue(e.getMessage().startsWith("the call was cancelled"), e.getMessage());
    assertEquals(1, checks.get());
    assertEquals(1_000, ((Map<?, ?>) read(CODEC, type, json, DecodeBudget.UNLIMITED)).size());
  }

  @Test
  void nestingAtTheLimitDecodesWithoutOverflowingAWorkersStack() throws Exception {
    String atLimit = nested(JsonCodec.MAX_NESTING_DEPTH / 2 - 1);
    String beyond = nested(JsonCodec.MAX_NESTING_DEPTH);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Object> value = new AtomicReference<>();
    AtomicReference<Throwable> refused = new AtomicReference<>();
    // A new thread has the default stack size, as the server's workers do.
    Thread t = new Thread(() -> {
      try {
        value.set(read(CODEC, Node.class, atLimit, DecodeBudget.UNLIMITED));
      } catch (Throwable e) {
        failure.set(e);
      }
      try {
        read(CODEC, Node.class, beyond, DecodeBudget.UNLIMITED);
      } catch (Throwable e) {
        refused.set(e);
      }
    });
    t.start();
    t.join();
    assertEquals(null, failure.get());
    assertTrue(value.get() instanceof Node);
    assertTrue(refused.get() instanceof IOException, String.valueOf(refused.get()));
    assertTrue(refused.get().getMessage().contains("nesting depth"), refused.get().getMessage());
  }

  /** {"children":[{"children":[...]}]}: two levels of JSON nesting per Node. */
  private static String nested(int nodes) {
    return "{\"children\":[".repeat(nodes) + "{\"children\":[]}" + "]}".repeat(nodes);
  }
}
