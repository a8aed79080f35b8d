package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.Compress;
import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.metrics.RpcObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compression, as a user sees it: chosen per client ({@code minirpc.compression}) or per method
 * ({@code @Compress}), negotiated at the handshake, paid only by large bodies, and bounded on the
 * receiving side by the declared size, the frame limit and the memory budget.
 */
class CompressionTest {
  private static final String CATALOG = Catalog.class.getName();
  private static final int JSON = 1;
  private static final int GZIP = 1;

  private RpcServer server;
  private final List<RpcClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    server = RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .register(Catalog.class, Catalog.impl()).build().start();
  }

  @AfterEach
  void stop() {
    clients.forEach(RpcClient::close);
    server.close();
  }

  /** The bytes a client reads and writes, on the wire. */
  static final class Bytes implements RpcObserver {
    final AtomicLong read = new AtomicLong();
    final AtomicLong written = new AtomicLong();

    @Override
    public void bytesRead(long bytes) {
      read.addAndGet(bytes);
    }

    @Override
    public void bytesWritten(long bytes) {
      written.addAndGet(bytes);
    }
  }

  private Catalog client(String codec, String compression, Bytes bytes) {
    RpcClient c = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .compression(compression).observer(bytes).timeout(Duration.ofSeconds(10)).build();
    clients.add(c);
    Catalog catalog = c.proxy(Catalog.class);
    catalog.echo("connect"); // the handshake's bytes stay out of what the tests compare
    return catalog;
  }

  /** Bytes the client read for the answer of {@code call}. */
  private static long answerBytes(Bytes bytes, Runnable call) {
    long before = bytes.read.get();
    call.run();
    return bytes.read.get() - before;
  }

  private static long requestBytes(Bytes bytes, Runnable call) {
    long before = bytes.written.get();
    call.run();
    return bytes.written.get() - before;
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void aClientThatAsksForGzipGetsLargeAnswersCompressedAndIntact(String codec) {
    Bytes plainBytes = new Bytes();
    Bytes gzipBytes = new Bytes();
    Catalog plain = client(codec, "none", plainBytes);
    Catalog gzip = client(codec, "gzip", gzipBytes);

    long uncompressed = answerBytes(plainBytes, () -> assertEquals(Catalog.items(500),
        plain.page(500)));
    long compressed = answerBytes(gzipBytes, () -> assertEquals(Catalog.items(500),
        gzip.page(500)));

    assertTrue(compressed * 4 < uncompressed, codec + ": a page of 500 records took "
        + compressed + " bytes compressed, against " + uncompressed + " uncompressed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void largeRequestsAreCompressedToo(String codec) {
    Bytes plainBytes = new Bytes();
    Bytes gzipBytes = new Bytes();
    Catalog plain = client(codec, "none", plainBytes);
    Catalog gzip = client(codec, "gzip", gzipBytes);
    List<Catalog.Item> items = Catalog.items(2000);

    long uncompressed = requestBytes(plainBytes, () -> assertEquals(2000, plain.count(items)));
    long compressed = requestBytes(gzipBytes, () -> assertEquals(2000, gzip.count(items)));

    assertTrue(compressed * 4 < uncompressed, codec + ": " + compressed + " bytes compressed,"
        + " against " + uncompressed + " uncompressed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void smallCallsGoUncompressedByteForByte(String codec) {
    Bytes plainBytes = new Bytes();
    Bytes gzipBytes = new Bytes();
    Catalog plain = client(codec, "none", plainBytes);
    Catalog gzip = client(codec, "gzip", gzipBytes);
    String text = "x".repeat(900); // under the 1 KiB minSize with its frame header

    long plainOut = requestBytes(plainBytes, () -> plain.echo(text));
    long gzipOut = requestBytes(gzipBytes, () -> gzip.echo(text));
    long plainIn = answerBytes(plainBytes, () -> plain.echo(text));
    long gzipIn = answerBytes(gzipBytes, () -> gzip.echo(text));

    assertEquals(plainOut, gzipOut, "a small request is sent as it is");
    assertEquals(plainIn, gzipIn, "a small answer is sent as it is");
  }

  @Test
  void aMethodsCompressOverridesTheClientsChoice() {
    Bytes noneBytes = new Bytes();
    Bytes gzipBytes = new Bytes();
    Catalog none = client("json", "none", noneBytes);
    Catalog gzip = client("json", "gzip", gzipBytes);

    long plainPage = answerBytes(noneBytes, () -> none.page(500));
    long gzippedForNone = answerBytes(noneBytes, () -> none.gzippedPage(500));
    long plainForGzip = answerBytes(gzipBytes, () -> gzip.plainPage(500));

    assertTrue(gzippedForNone * 4 < plainPage,
        "@Compress(\"gzip\") compresses for a client that asked for none: " + gzippedForNone
            + " against " + plainPage);
    assertEquals(plainPage, plainForGzip,
        "@Compress(NONE) leaves the answer uncompressed for a client that asked for gzip");
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void manyConcurrentCallsOfEverySizeComeBackIntact(String codec) throws Exception {
    Catalog catalog = client(codec, "gzip", new Bytes());
    List<CompletableFuture<List<Catalog.Item>>> pages = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int size = (i * 37) % 700; // 0 to 699 items: small, large, and either side of minSize
      sizes.add(size);
      pages.add(CompletableFuture.supplyAsync(() -> catalog.page(size)));
    }
    for (int i = 0; i < pages.size(); i++) {
      assertEquals(Catalog.items(sizes.get(i)), pages.get(i).get());
    }
  }

  @Test
  void aCompressorThatIsNotInstalledFailsBuildNamingTheModule() {
    IllegalArgumentException lz4 = assertThrows(IllegalArgumentException.class, () ->
        RpcClient.builder().address("127.0.0.1", server.port()).compression("lz4").build());
    assertTrue(lz4.getMessage().contains("io.minirpc:rpc-compression-lz4"), lz4.getMessage());

    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () ->
        RpcClient.builder().address("127.0.0.1", server.port()).compression("gzp").build());
    assertTrue(typo.getMessage().contains("Did you mean 'gzip'"), typo.getMessage());
  }

  /** A service whose annotation names a compressor this JVM lacks. */
  public interface Zstd {
    @Compress("zstd")
    String get();
  }

  @Test
  void registeringAMethodWhoseCompressorIsNotInstalledFails() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        RpcServer.builder().port(0).register(Zstd.class, () -> "x").build());
    assertTrue(e.getMessage().contains("@Compress") && e.getMessage().contains("zstd"),
        e.getMessage());
  }

  @Test
  void aClientFromBeforeCompressionGetsUncompressedAnswersEvenFromAnAnnotatedMethod()
      throws Exception {
    try (RawConnection raw = new RawConnection(server.port())) { // its HELLO names no compressor
      raw.request(JSON, 1, CATALOG, "gzippedPage(int)", utf8("300"));
      RawConnection.Reply reply = raw.read();
      assertEquals(RawConnection.RESPONSE, reply.type());
      assertEquals(0, reply.flags(), "not flagged compressed");
      assertTrue(reply.slotText().startsWith("[{\"name\":\"item-0\""), reply.slotText());
    }
  }

  @Test
  void aCompressedRequestIsInflatedAndServed() throws Exception {
    try (RawConnection raw = new RawConnection(server.port())) {
      byte[] slots = slots(utf8("\"" + "hello ".repeat(1000) + "\""));
      raw.writeRaw(RawConnection.compressedRequestBytes(JSON, 1, CATALOG, "echo(java.lang.String)", GZIP,
          slots.length, gzip(slots)));
      RawConnection.Reply reply = raw.read();
      assertEquals(RawConnection.RESPONSE, reply.type(), () -> describe(reply));
      assertEquals("\"" + "hello ".repeat(1000) + "\"", reply.slotText());
    }
  }

  @Test
  void hostileCompressedRequestsFailTheirCallOnlyAndNothingElse() throws Exception {
    RpcClient good = RpcClient.builder().address("127.0.0.1", server.port())
        .compression("gzip").build();
    clients.add(good);
    Catalog catalog = good.proxy(Catalog.class);
    try (RawConnection raw = new RawConnection(server.port())) {
      byte[] slots = slots(utf8("\"" + "x".repeat(100_000) + "\""));
      byte[] bomb = gzip(new byte[8 << 20]); // 8 MiB of zeros in about 8 KiB

      // Declares more than the maximum frame size: refused before a byte is inflated.
      raw.writeRaw(RawConnection.compressedRequestBytes(JSON, 1, CATALOG, "echo(java.lang.String)", GZIP,
          64 << 20, bomb));
      assertFails(raw.read(), "declares 67108864 bytes uncompressed, more than the server's"
          + " maximum frame size");
      // Inflates to more than it declares: stopped at the declared size.
      raw.writeRaw(RawConnection.compressedRequestBytes(JSON, 2, CATALOG, "echo(java.lang.String)", GZIP,
          1000, bomb));
      assertFails(raw.read(), "inflates to more than the 1000 bytes its sender declared");
      // Inflates to less.
      raw.writeRaw(RawConnection.compressedRequestBytes(JSON, 3, CATALOG, "echo(java.lang.String)", GZIP,
          slots.length + 1, gzip(slots)));
      assertFails(raw.read(), "fewer than the " + (slots.length + 1));
      // Names a compressor the server does not have.
      raw.writeRaw(RawConnection.compressedRequestBytes(JSON, 4, CATALOG, "echo(java.lang.String)", 99,
          slots.length, gzip(slots)));
      assertFails(raw.read(), "compressor id 99, which this side does not have");
      // Not gzip at all.
      raw.writeRaw(RawConnection.compressedRequestBytes(JSON, 5, CATALOG, "echo(java.lang.String)", GZIP,
          slots.length, slots));
      assertFails(raw.read(), "lacks gzip's magic number");
      // A corrupted byte in the deflate stream, or its checksum.
      byte[] corrupted = gzip(slots);
      corrupted[corrupted.length - 6] ^= 0x55;
      raw.writeRaw(RawConnection.compressedRequestBytes(JSON, 6, CATALOG, "echo(java.lang.String)", GZIP,
          slots.length, corrupted));
      assertFails(raw.read(), "could not be decompressed");

      // The connection lives on, and so does every other.
      raw.writeRaw(RawConnection.compressedRequestBytes(JSON, 7, CATALOG, "echo(java.lang.String)", GZIP,
          slots.length, gzip(slots)));
      assertEquals(RawConnection.RESPONSE, raw.read().type());
      assertEquals(Catalog.items(300), catalog.page(300));
    }
  }

  @Test
  void aCompressedRequestThatWouldInflatePastTheMemoryBudgetIsRefusedBeforeInflating()
      throws Exception {
    try (RpcServer small = RpcServer.builder().host("127.0.0.1").port(0)
        .maxMemory(4 << 20).maxConnectionMemory(2 << 20)
        .register(Catalog.class, Catalog.impl()).build().start();
        RawConnection raw = new RawConnection(small.port())) {
      byte[] slots = slots(utf8("\"" + "y".repeat(3 << 20) + "\"")); // 3 MiB, in about 3 KiB
      raw.writeRaw(RawConnection.compressedRequestBytes(JSON, 1, CATALOG, "echo(java.lang.String)", GZIP,
          slots.length, gzip(slots)));
      RawConnection.Reply reply = raw.read();
      assertEquals(RawConnection.ERROR, reply.type());
      assertEquals(io.minirpc.RpcException.Code.RESOURCE_EXHAUSTED.wireNumber(),
          reply.errorCode(), () -> describe(reply));
      assertTrue(reply.errorMessage().contains("inflates to " + slots.length + " bytes"),
          () -> describe(reply));

      byte[] fits = slots(utf8("\"" + "y".repeat(100_000) + "\""));
      raw.writeRaw(RawConnection.compressedRequestBytes(JSON, 2, CATALOG, "echo(java.lang.String)", GZIP,
          fits.length, gzip(fits)));
      assertEquals(RawConnection.RESPONSE, raw.read().type(), "what fits is served");
    }
  }

  @Test
  void aServersCompressedAnswerIsBoundedByTheClientsLimitsBeforeItIsInflated() throws Exception {
    byte[] huge = slots(utf8("\"" + "z".repeat(12 << 20) + "\"")); // 12 MiB, in about 12 KiB
    byte[] zeros = gzip(new byte[8 << 20]);
    try (HostileServer overBudget = HostileServer.answeringCompressed(GZIP, huge.length,
            gzip(huge));
        HostileServer tooLarge = HostileServer.answeringCompressed(GZIP, 64 << 20, zeros);
        HostileServer bomb = HostileServer.answeringCompressed(GZIP, 1000, zeros)) {
      io.minirpc.RpcException budget = assertThrows(io.minirpc.RpcException.class,
          () -> echoAt(overBudget, 1 << 20));
      assertEquals(io.minirpc.RpcException.Code.RESOURCE_EXHAUSTED, budget.code());
      assertTrue(budget.getMessage().contains("the response inflates to " + (22 + huge.length)
          + " bytes, more than the 1048576 left"), budget.getMessage());

      io.minirpc.RpcException frame = assertThrows(io.minirpc.RpcException.class,
          () -> echoAt(tooLarge, 0));
      assertEquals(io.minirpc.RpcException.Code.CODEC, frame.code());
      assertTrue(frame.getMessage().contains("declares 67108864 bytes uncompressed, more than the"
          + " client's maximum frame size"), frame.getMessage());

      io.minirpc.RpcException inflated = assertThrows(io.minirpc.RpcException.class,
          () -> echoAt(bomb, 0));
      assertEquals(io.minirpc.RpcException.Code.CODEC, inflated.code());
      assertTrue(inflated.getMessage().contains("more than the 1000 bytes its sender declared"),
          inflated.getMessage());
    }
  }

  /** One call to the hostile {@code server}, by a client of {@code maxResponseMemory} (0: default). */
  private String echoAt(HostileServer server, long maxResponseMemory) {
    RpcClient.Builder b = RpcClient.builder().address("127.0.0.1", server.port())
        .timeout(Duration.ofSeconds(5));
    if (maxResponseMemory > 0) {
      b.maxResponseMemory(maxResponseMemory);
    }
    RpcClient c = b.build();
    clients.add(c);
    return c.proxy(TypesService.class).echoString("hi");
  }

  private static void assertFails(RawConnection.Reply reply, String says) throws Exception {
    assertEquals(RawConnection.ERROR, reply.type(), () -> describe(reply));
    assertEquals(io.minirpc.RpcException.Code.CODEC.wireNumber(), reply.errorCode(),
        () -> describe(reply));
    assertTrue(reply.errorMessage().contains(says), () -> describe(reply));
  }

  private static String describe(RawConnection.Reply reply) {
    try {
      return reply.type() == RawConnection.ERROR ? "ERROR " + reply.errorCode() + ": "
          + reply.errorMessage() : "frame type " + reply.type();
    } catch (Exception e) {
      return "frame type " + reply.type();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] slots(byte[]... values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(
        java.util.Arrays.stream(values).mapToInt(v -> 4 + v.length).sum());
    for (byte[] v : values) {
      b.putInt(v.length).put(v);
    }
    return b.array();
  }

  /** gzip as the JDK's stream writes it: an independent check of the built-in compressor. */
  private static byte[] gzip(byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }
}
