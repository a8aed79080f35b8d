package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.minirpc.RpcServer;
import io.minirpc.Timeout;
import io.minirpc.testing.LeakRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An Error while a value is decoded (out of memory, a stack overflow) ends that call with CODEC
 * and frees its slot: the next call works, and the server closes without waiting for the call.
 */
@Isolated("counts the log lines printed to System.err")
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class DecoderErrorsTest {
  @Parameter String codec;

  /** How many slow elements were decoded so far. */
  static final AtomicInteger slowDecoded = new AtomicInteger();

  /** Threads whose names start with this cannot construct a Bomb; null: every thread can. */
  static volatile String fragileThreads;

  /**
   * A value whose decoding throws an Error on the threads named in {@link #fragileThreads}. Each
   * codec has its own serializer for it, as a user's class may: the Error comes out of the codec
   * as it is, the way an OutOfMemoryError would.
   */
  @JsonSerialize(using = Bomb.ToJson.class)
  @JsonDeserialize(using = Bomb.FromJson.class)
  @DefaultSerializer(Bomb.ToKryo.class)
  public static final class Bomb {
    final String kind;

    Bomb(String kind) {
      this.kind = kind;
    }

    /** Decoding ends here: on a fragile thread, with an Error. */
    static Bomb decoded(String kind) {
      if (kind.equals("slow")) {
        // Half a millisecond of work per element, deaf to interruption, as a decoder is.
        for (long end = System.nanoTime() + 500_000; System.nanoTime() < end; ) {
          Thread.onSpinWait();
        }
        slowDecoded.incrementAndGet();
        return new Bomb(kind);
      }
      String fragile = fragileThreads;
      if (fragile != null && Thread.currentThread().getName().startsWith(fragile)) {
        if (kind.equals("oom")) {
          throw new OutOfMemoryError("Java heap space (simulated)");
        }
        throw new StackOverflowError();
      }
      return new Bomb(kind);
    }

    /**
     * Encoding ends here: on a fragile thread, an "oom" bomb throws an OutOfMemoryError once the
     * frame has begun.
     */
    static String encoded(Bomb b) {
      String fragile = fragileThreads;
      if (b.kind.equals("oom") && fragile != null
          && Thread.currentThread().getName().startsWith(fragile)) {
        throw new OutOfMemoryError("Java heap space (simulated)");
      }
      return b.kind;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bomb b && b.kind.equals(kind);
    }

    @Override
    public int hashCode() {
      return kind.hashCode();
    }

    static final class ToJson extends JsonSerializer<Bomb> {
      @Override
      public void serialize(Bomb b, JsonGenerator g, SerializerProvider p) throws IOException {
        g.writeString(encoded(b));
      }
    }

    static final class FromJson extends JsonDeserializer<Bomb> {
      @Override
      public Bomb deserialize(JsonParser p, DeserializationContext c) throws IOException {
        return decoded(p.getValueAsString());
      }
    }

    public static final class ToKryo extends Serializer<Bomb> {
      @Override
      public void write(Kryo kryo, Output output, Bomb b) {
        output.writeString(encoded(b));
      }

      @Override
      public Bomb read(Kryo kryo, Input input, Class<? extends Bomb> type) {
        return decoded(input.readString());
      }
    }
  }

  public record Node(List<Node> children) {}

  public interface Fragile {
    int accept(Bomb bomb);

    Bomb make(String kind);

    int depth(Node node);

    int count(List<Bomb> bombs);

    @Timeout(millis = 300)
    int countQuickly(List<Bomb> bombs);
  }

  static final class FragileImpl implements Fragile {
    @Override
    public int count(List<Bomb> bombs) {
      return bombs.size();
    }

    @Override
    public int countQuickly(List<Bomb> bombs) {
      return bombs.size();
    }

    @Override
    public int accept(Bomb bomb) {
      return 1;
    }

    @Override
    public Bomb make(String kind) {
      return new Bomb(kind);
    }

    @Override
    public int depth(Node node) {
      int depth = 0;
      for (Node n = node; n != null; n = n.children().isEmpty() ? null : n.children().get(0)) {
        depth++;
      }
      return depth;
    }
  }

  private Fixture start() {
    return start(s -> s);
  }

  private Fixture start(UnaryOperator<RpcServer.Builder> server) {
    return Fixture.start(codec,
        s -> server.apply(
            s.register(Fragile.class, new FragileImpl()).gracePeriod(Duration.ofSeconds(10))),
        c -> c.timeout(Duration.ofSeconds(10)));
  }

  /** 20,000 elements that take half a millisecond each to decode: ten seconds of work. */
  private static List<Bomb> slowList() {
    return new ArrayList<>(Collections.nCopies(20_000, new Bomb("slow")));
  }

  @Test
  void decodingStopsWhenTheDeadlinePassesAndTheWorkerServesTheNextCall() {
    try (Fixture f = start(s -> s.threads(1))) {
      Fragile fragile = f.client.proxy(Fragile.class);
      RpcException e = assertThrows(RpcException.class, () -> fragile.countQuickly(slowList()));
      assertEquals(Code.TIMEOUT, e.code(), e.getMessage());
      long start = System.nanoTime();
      assertEquals(1, fragile.count(List.of(new Bomb("fine"))), "the one worker is free again");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 3_000, "the next call waited " + ms + " ms for the worker");
    }
  }

  @Test
  void closingTheServerStopsADecodeUnderWay() throws Exception {
    Fixture f = start(s -> s.gracePeriod(Duration.ofSeconds(1)));
    try {
      Fragile fragile = f.client.proxy(Fragile.class);
      CompletableFuture<Integer> call =
          CompletableFuture.supplyAsync(() -> fragile.count(slowList()));
      Thread.sleep(1_000); // the request is sent and its decoding under way
      long closing = System.nanoTime();
      f.server.close(); // grace period 1 s, then the call is aborted; the decode takes 10 s
      long ms = (System.nanoTime() - closing) / 1_000_000;
      assertTrue(ms < 4_000, "the server took " + ms + " ms to close");
      // The aborted call's decoding stops too, instead of running on in a worker for seconds.
      Thread.sleep(200);
      int decoded = slowDecoded.get();
      Thread.sleep(1_000);
      assertEquals(decoded, slowDecoded.get(), "elements decoded after the call was aborted");
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> call.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof RpcException, e.getCause().toString());
    } finally {
      f.close();
    }
  }

  @AfterEach
  void disarm() {
    fragileThreads = null;
  }

  @Test
  void anErrorDecodingAnArgumentEndsThatCallWithCodecAndFreesItsSlot() {
    try (Fixture f = start()) {
      Fragile fragile = f.client.proxy(Fragile.class);
      assertEquals(1, fragile.accept(new Bomb("oom")));
      fragileThreads = "minirpc-server-worker";
      for (String kind : List.of("oom", "soe")) {
        Bomb bomb = withoutFragility(() -> new Bomb(kind));
        long start = System.nanoTime();
        RpcException e = assertThrows(RpcException.class, () -> fragile.accept(bomb));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Code.CODEC, e.code(), e.getMessage());
        assertTrue(ms < 5_000, "the call ended after " + ms + " ms");
        assertTrue(e.getMessage().contains(kind.equals("oom")
            ? "needs more memory than the server has (OutOfMemoryError)"
            : "nested too deeply"), e.getMessage());
        assertTrue(!e.getMessage().contains("at io.minirpc"), e.getMessage());
      }
      fragileThreads = null;
      assertEquals(1, fragile.accept(new Bomb("fine")), "the next call works");
      assertEquals(5, f.calculator().add(2, 3));
      long closing = System.nanoTime();
      f.server.close(); // its grace period is 10 s: a leaked slot would hold it that long
      long ms = (System.nanoTime() - closing) / 1_000_000;
      assertTrue(ms < 3_000, "the server took " + ms + " ms to close");
    }
  }

  @Test
  void aStreamOfDecoderErrorsIsLoggedOnceASecondNotOncePerCall() {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    long start;
    long seconds;
    try (Fixture f = start()) {
      Fragile fragile = f.client.proxy(Fragile.class);
      Bomb bomb = withoutFragility(() -> new Bomb("oom"));
      fragileThreads = "minirpc-server-worker";
      System.setErr(new java.io.PrintStream(captured, true,
          java.nio.charset.StandardCharsets.UTF_8));
      start = System.nanoTime();
      try {
        for (int i = 0; i < 50; i++) {
          assertThrows(RpcException.class, () -> fragile.accept(bomb));
        }
      } finally {
        seconds = (System.nanoTime() - start) / 1_000_000_000L;
        System.setErr(original);
      }
    }
    long lines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("Decoding the arguments of")).count();
    assertTrue(lines >= 1 && lines <= seconds + 2, "50 decoder errors in " + seconds + " s gave "
        + lines + " ERROR lines with stacks; at most one a second is expected");
  }

  @Test
  void anErrorEncodingAResultEndsThatCallWithCodecAndReleasesItsHalfWrittenFrame() {
    try (Fixture f = start()) {
      Fragile fragile = f.client.proxy(Fragile.class);
      fragileThreads = "minirpc-server-worker";
      RpcException e = assertThrows(RpcException.class, () -> fragile.make("oom"));
      assertEquals(Code.CODEC, e.code(), e.getMessage());
      assertTrue(e.getMessage().endsWith("the server could not encode the result of "
          + Fragile.class.getName() + ".make(java.lang.String) with codec " + codec + ": the"
          + " value needs more memory than the server has (OutOfMemoryError)"), e.getMessage());
      fragileThreads = null;
      assertEquals(new Bomb("again"), fragile.make("again"), "the connection lives on");
    }
    assertEquals(List.of(), LeakRecorder.collect(), "buffers never released");
  }

  @Test
  void anErrorDecodingAResultEndsThatCallWithCodecAndTheClientLivesOn() {
    try (Fixture f = start()) {
      Fragile fragile = f.client.proxy(Fragile.class);
      fragileThreads = "minirpc-client-io";
      RpcException e = assertThrows(RpcException.class, () -> fragile.make("oom"));
      assertEquals(Code.CODEC, e.code(), e.getMessage());
      fragileThreads = null;
      assertEquals(new Bomb("again"), fragile.make("again"), "the connection lives on");
      assertEquals(5, f.calculator().add(2, 3));
    }
  }

  @Test
  void nestingWithinTheCodecsLimitsDecodesOnAWorkerAndDeeperIsRefused() throws Exception {
    try (Fixture f = start()) {
      Fragile fragile = f.client.proxy(Fragile.class);
      // Kryo refuses more than 256 levels (a Node is two), JSON more than 1000 (a Node is two).
      int depth = codec.equals("kryo") ? 120 : 490;
      Node node = new Node(List.of());
      for (int i = 1; i < depth; i++) {
        node = new Node(List.of(node));
      }
      assertEquals(depth, fragile.depth(node));
      if (codec.equals("json")) {
        String deep = "{\"children\":[".repeat(5_000) + "]}".repeat(5_000);
        try (RawConnection raw = new RawConnection(f.server.port())) {
          raw.request(1, 1, Fragile.class.getName(), "depth(" + Node.class.getName() + ")",
              deep.getBytes(StandardCharsets.UTF_8));
          RawConnection.Reply reply = raw.read();
          assertEquals(RawConnection.ERROR, reply.type());
          assertEquals(Code.CODEC.wireNumber(), reply.errorCode());
          assertTrue(reply.errorMessage().contains("nesting depth"), reply.errorMessage());
        }
      } else {
        Node tooDeep = node;
        for (int i = 0; i < 200; i++) {
          tooDeep = new Node(List.of(tooDeep));
        }
        Node sent = tooDeep;
        RpcException e = assertThrows(RpcException.class, () -> fragile.depth(sent));
        assertEquals(Code.CODEC, e.code(), e.getMessage());
      }
      assertEquals(5, f.calculator().add(2, 3));
      f.server.close();
    }
  }

  private static <T> T withoutFragility(java.util.function.Supplier<T> make) {
    String fragile = fragileThreads;
    fragileThreads = null;
    try {
      return make.get();
    } finally {
      fragileThreads = fragile;
    }
  }
}
