package io.minirpc.codec.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import io.minirpc.codec.DecodeBudget;
import io.minirpc.codec.ValueReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Crafted payloads against every class the Kryo codec can decode: none may make it allocate, or
 * work, beyond what its bytes pay for.
 */
class KryoHostileInputTest {
  /** What each crafted payload declares: 2^30 elements, in a few bytes. */
  private static final int HUGE = 1 << 30;
  /** More than a decode of a few bytes needs, far less than any declared length would cost. */
  private static final long ALLOCATION_LIMIT = 4 << 20;

  enum Color { RED }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** How a serializer of each kind declares a length, or null if it declares none. */
  private static byte[] hugeDeclaration(Class<?> type, Serializer<?> serializer, int colorId) {
    Output o = new Output(32, -1);
    if (serializer instanceof CollectionSerializer) {
      o.writeVarIntFlag(false, HUGE + 1, true); // elements of any class; 2^30 of them
    } else if (serializer instanceof MapSerializer || type.isArray()
        || type == BigInteger.class || type == BigDecimal.class) {
      o.writeVarInt(HUGE + 1, true);
    } else if (type == EnumSet.class) {
      o.writeVarInt(colorId + 2, true);
      o.writeVarInt(HUGE, true);
    } else {
      return null;
    }
    return o.toBytes();
  }

  @Test
  void everyRegisteredClassRefusesAHugeDeclaredLengthWithoutAllocating() throws Exception {
    KryoCodec codec = KryoCodecTest.codec(Set.of(Color.class));
    ValueReader reader = codec.reader(Object.class);
    KryoCodec.Worker worker = new KryoCodec.Worker(new KryoRegistrations(Set.of(Color.class)), false,
        1 << 20);
    int colorId = KryoRegistrations.userId(Color.class.getName());
    // Warm up: the first decode builds a Kryo instance and its registrations.
    reader.read(new ByteArrayInputStream(KryoCodecTest.write(codec, Object.class, List.of(1))));
    List<String> withoutLength = new ArrayList<>();
    int checked = 0;
    for (KryoRegistrations.Entry e : KryoRegistrations.fixedEntries()) {
      byte[] declaration = hugeDeclaration(e.type(), e.serializerFor(worker.kryo), colorId);
      Output o = new Output(32, -1);
      o.writeVarInt(e.id() + 2, true);
      if (declaration == null) {
        // No length to lie about (values, singletons, Optional): the same bytes must still fail
        // cleanly, and cheaply.
        withoutLength.add(e.type().getName());
        o.writeVarInt(HUGE + 1, true);
        o.writeByte(0xFF);
      } else {
        o.writeBytes(declaration);
        checked++;
      }
      byte[] payload = o.toBytes();
      long tid = Thread.currentThread().getId();
      long before = THREADS.getThreadAllocatedBytes(tid);
      IOException refused =
          assertThrows(IOException.class,
              () -> reader.read(new ByteArrayInputStream(payload)), e.type().getName());
      long allocated = THREADS.getThreadAllocatedBytes(tid) - before;
      assertTrue(allocated < ALLOCATION_LIMIT,
          e.type().getName() + ": " + payload.length + " bytes made the decoder allocate "
              + allocated + " bytes");
      if (declaration != null) {
        assertTrue(refused.getMessage().contains("declares"),
            e.type().getName() + ": " + refused.getMessage());
      }
    }
    // Only values and the empty and singleton collections declare no length; every other
    // collection, map and array was checked above, including any class added later.
    assertEquals(27, withoutLength.size(), withoutLength.toString());
    assertTrue(withoutLength.stream().noneMatch(
            n -> n.matches(".*(List|Set|Map|Deque|Queue).*") && !n.matches(".*(Empty|Singleton).*")),
        withoutLength.toString());
    assertTrue(checked >= 40, "only " + checked + " classes declare lengths");
  }

  @Test
  void aCopyOnWriteArrayListOf300000ElementsDecodesInLinearTime() throws Exception {
    KryoCodec codec = KryoCodecTest.codec(Set.of());
    Type type = new KryoCodecTest.TypeRef<List<Integer>>() {}.type();
    List<Integer> big =
        new CopyOnWriteArrayList<>(IntStream.range(0, 300_000).boxed().toList());
    byte[] bytes = KryoCodecTest.write(codec, type, big);
    KryoCodecTest.read(codec, type, KryoCodecTest.write(codec, type, List.of(1))); // warm up
    Object back = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      long start = System.nanoTime();
      Object value = KryoCodecTest.read(codec, type, bytes);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 1_000, "300,000 elements took " + ms + " ms to decode");
      return value;
    });
    assertEquals(CopyOnWriteArrayList.class, back.getClass());
    assertEquals(big, back);
  }

  @Test
  void decodingStopsWithinAThousandElementsOnceTheBudgetRunsOut() throws Exception {
    KryoCodec codec = KryoCodecTest.codec(Set.of());
    Type type = new KryoCodecTest.TypeRef<List<List<String>>>() {}.type();
    List<List<String>> big = IntStream.range(0, 1_000)
        .mapToObj(i -> IntStream.range(0, 100).mapToObj(Integer::toString).toList()).toList();
    byte[] bytes = KryoCodecTest.write(codec, type, big);
    AtomicInteger checks = new AtomicInteger();
    DecodeBudget cancelled = () -> {
      checks.incrementAndGet();
      throw new IOException("the call was cancelled");
    };
    IOException e = assertThrows(IOException.class,
        () -> codec.reader(type).read(new ByteArrayInputStream(bytes), cancelled));
    assertEquals("the call was cancelled", e.getMessage());
    assertEquals(1, checks.get());
    // The budget is per value: the next one starts afresh.
    assertEquals(big, codec.reader(type).read(new ByteArrayInputStream(bytes),
        DecodeBudget.UNLIMITED));
  }
}
