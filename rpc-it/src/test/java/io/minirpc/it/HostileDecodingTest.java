package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException.Code;
import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.kryo.KryoCodecProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Crafted Kryo payloads, over a real socket, against a server JVM of 128 MiB at default settings:
 * payloads of a few bytes that declare gigabytes, and payloads whose decoding Kryo makes
 * quadratic. Each costs its caller one CODEC answer; the server stays up, keeps serving a
 * well-behaved client beside them, and closes promptly.
 */
@Isolated("holds decoding to a time budget")
class HostileDecodingTest {
  private static final String SERVICE = TypesService.class.getName();
  private static final String METHOD = "echoStringList(java.util.List)";

  private static Codec kryo() {
    return new KryoCodecProvider().create(new CodecContext() {
      @Override
      public Set<Class<?>> allowedClasses() {
        return Set.of();
      }

      @Override
      public int maxFrameSize() {
        return 16 << 20;
      }
    });
  }

  /** A boolean[] where List<String> is declared, claiming two billion elements: 6 bytes. */
  static byte[] hugeBooleanArray() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    kryo().writer(Object.class).write(new boolean[0], out);
    byte[] empty = out.toByteArray(); // class id, then length + 1 = 1
    ByteArrayOutputStream crafted = new ByteArrayOutputStream();
    crafted.write(empty, 0, empty.length - 1);
    for (long v = 2_000_000_001L; ; v >>>= 7) { // Kryo's unsigned varint
      if (v < 0x80) {
        crafted.write((int) v);
        break;
      }
      crafted.write((int) (v & 0x7F) | 0x80);
    }
    return crafted.toByteArray();
  }

  /**
   * A CopyOnWriteArrayList of 300,000 empty strings, one byte each, then one byte too many: the
   * call fails only once the whole list is decoded, which stock Kryo does in n² time.
   */
  static byte[] quadraticList() throws Exception {
    Type declared = TypesService.class.getMethod("echoStringList", List.class)
        .getGenericParameterTypes()[0];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    kryo().writer(declared).write(
        new CopyOnWriteArrayList<>(Collections.nCopies(300_000, "")), out);
    out.write(0);
    return out.toByteArray();
  }

  /**
   * A HashSet of 65,536 tags whose names' hashes are all equal ("Aa" and "BB" hash alike), sent
   * as a list (which the client builds in linear time) with the set's class id in front: the
   * server's HashSet walks every earlier tag at each insertion, about 16 s of work for 2.5 MB.
   */
  static byte[] collidingTagSet() throws Exception {
    List<TypesService.Tag> tags = new ArrayList<>();
    for (int i = 0; i < 1 << 16; i++) {
      StringBuilder name = new StringBuilder();
      for (int bit = 0; bit < 16; bit++) {
        name.append((i >> bit & 1) == 0 ? "Aa" : "BB");
      }
      tags.add(new TypesService.Tag(name.toString()));
    }
    byte[] setPrefix = classIdOf(new java.util.HashSet<>());
    byte[] listPrefix = classIdOf(new ArrayList<>());
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    kryo().writer(TagList.class.getMethod("tags").getGenericReturnType()).write(tags, list);
    byte[] bytes = list.toByteArray();
    assertTrue(Arrays.equals(bytes, 0, listPrefix.length, listPrefix, 0, listPrefix.length),
        "the list starts with ArrayList's class id");
    ByteArrayOutputStream crafted = new ByteArrayOutputStream();
    crafted.write(setPrefix);
    crafted.write(bytes, listPrefix.length, bytes.length - listPrefix.length);
    return crafted.toByteArray();
  }

  /** The class id Kryo writes in front of {@code value} in a slot declared {@code Object}. */
  private static byte[] classIdOf(java.util.Collection<?> empty) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    kryo().writer(Object.class).write(empty, out);
    byte[] b = out.toByteArray();
    return Arrays.copyOf(b, b.length - 1); // then the size, 0, one byte
  }

  /** Where {@code List<Tag>} is declared, for a writer of it. */
  private interface TagList {
    List<TypesService.Tag> tags();
  }

  @Test
  void setsOfKeysWhoseHashesCollideCostOneCodecAnswerEachWithinTheDecodingTimeBudget()
      throws Exception {
    byte[] slow = collidingTagSet();
    assertTrue(slow.length > 2_000_000, slow.length + " bytes");
    attack(slow, 3, "decoding took more than the", "echoTagSet(java.util.Set)");
  }

  @Test
  void twentyBooleanArraysDeclaringTwoBillionElementsCostOneCodecAnswerEach() throws Exception {
    byte[] bomb = hugeBooleanArray();
    assertTrue(bomb.length < 10, bomb.length + " bytes");
    attack(bomb, 20, "declares a boolean array of 2000000000 elements");
  }

  @Test
  void sixQuadraticCopyOnWriteListsCostOneCodecAnswerEach() throws Exception {
    byte[] slow = quadraticList();
    assertTrue(slow.length > 300_000, slow.length + " bytes");
    attack(slow, 6, "1 bytes of the slot unread");
  }

  /**
   * Sends {@code count} copies of {@code payload} at once, where {@code List<String>} is declared,
   * while a good client calls beside them: every copy must be answered CODEC (each within 5 s of
   * the previous answer), every good call must succeed, and the server must close promptly.
   */
  private static void attack(byte[] payload, int count, String expected) throws Exception {
    attack(payload, count, expected, METHOD);
  }

  private static void attack(byte[] payload, int count, String expected, String method)
      throws Exception {
    try (ServerProcess server = ServerProcess.start(0, "-Xmx128m");
        RpcClient good = RpcClient.builder().address("127.0.0.1", server.port()).codec("kryo")
            .timeout(Duration.ofSeconds(5)).build();
        RawConnection attacker = new RawConnection(server.port())) {
      Calculator calc = good.proxy(Calculator.class);
      assertEquals(2, calc.add(1, 1));
      AtomicInteger served = new AtomicInteger();
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Throwable> goodFailure = new AtomicReference<>();
      Thread goodCalls = new Thread(() -> {
        try {
          while (!done.get()) {
            int n = served.get();
            assertEquals(n + 1, calc.add(n, 1));
            served.incrementAndGet();
            Thread.sleep(10);
          }
        } catch (Throwable t) {
          goodFailure.set(t);
        }
      }, "good-client");
      goodCalls.start();

      long start = System.nanoTime();
      for (int seq = 1; seq <= count; seq++) {
        attacker.request(2, seq, SERVICE, method, payload);
      }
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        RawConnection.Reply reply = attacker.read(); // within 5 s of the previous one
        answers.add(reply.seq() + ": " + (reply.type() == RawConnection.ERROR
            ? reply.errorCode() + " " + reply.errorMessage() : "type " + reply.type()));
        assertEquals(RawConnection.ERROR, reply.type(), answers.toString());
        assertEquals(Code.CODEC.wireNumber(), reply.errorCode(), answers.toString());
        assertTrue(reply.errorMessage().contains(expected), answers.toString());
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 10_000, "the attack was answered in " + ms + " ms: " + answers);

      done.set(true);
      goodCalls.join(TimeUnit.SECONDS.toMillis(10));
      assertEquals(null, goodFailure.get(), "every call of the good client succeeds");
      assertTrue(served.get() > 0);
      // Still alive, still serving the attacked method, and not holding the attack's memory.
      assertEquals(List.of("still", "here"),
          good.proxy(TypesService.class).echoStringList(Arrays.asList("still", "here")));
      long heap = good.proxy(ServerInfo.class).usedHeapAfterGc();
      assertTrue(heap < 64L << 20, "the server holds " + heap + " bytes of heap");
      good.close();
      attacker.close();
      long closing = System.nanoTime();
      boolean stopped = server.stop(Duration.ofSeconds(20));
      long closeMs = (System.nanoTime() - closing) / 1_000_000;
      assertTrue(stopped && closeMs < 5_000, "the server took " + closeMs + " ms to close");
    }
  }
}
