package io.minirpc.compression.lz4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.Compress;
import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.metrics.RpcObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lz4 module on the classpath: found at run time, chosen by name, bounded like gzip. */
class Lz4CompressionTest {
  public interface Pages {
    List<String> page(int size);

    @Compress("lz4")
    List<String> lz4Page(int size);
  }

  private static List<String> lines(int size) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      lines.add("line " + i + ": the same few words, as a listing repeats them");
    }
    return lines;
  }

  private static final Pages IMPL = new Pages() {
    @Override
    public List<String> page(int size) {
      return lines(size);
    }

    @Override
    public List<String> lz4Page(int size) {
      return lines(size);
    }
  };

  private static final class Bytes implements RpcObserver {
    final AtomicLong read = new AtomicLong();

    @Override
    public void bytesRead(long bytes) {
      read.addAndGet(bytes);
    }
  }

  @Test
  void aClientThatChoosesLz4GetsSmallerAnswersAcrossManyConcurrentCalls() throws Exception {
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
        .gracePeriod(Duration.ofSeconds(1)).register(Pages.class, IMPL).build().start()) {
      Bytes plainBytes = new Bytes();
      Bytes lz4Bytes = new Bytes();
      try (RpcClient plain = RpcClient.builder().address("127.0.0.1", server.port())
              .observer(plainBytes).build();
          RpcClient lz4 = RpcClient.builder().address("127.0.0.1", server.port())
              .compression("lz4").observer(lz4Bytes).build()) {
        Pages p = plain.proxy(Pages.class);
        Pages l = lz4.proxy(Pages.class);
        p.page(1);
        l.page(1);
        long before = plainBytes.read.get();
        assertEquals(lines(1000), p.page(1000));
        long uncompressed = plainBytes.read.get() - before;
        before = lz4Bytes.read.get();
        assertEquals(lines(1000), l.page(1000));
        long compressed = lz4Bytes.read.get() - before;
        assertTrue(compressed * 3 < uncompressed, compressed + " against " + uncompressed);

        before = plainBytes.read.get();
        assertEquals(lines(1000), p.lz4Page(1000));
        assertTrue((plainBytes.read.get() - before) * 3 < uncompressed, "@Compress(\"lz4\")");

        List<CompletableFuture<List<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          int size = i * 13;
          calls.add(CompletableFuture.supplyAsync(() -> l.page(size)));
        }
        for (int i = 0; i < calls.size(); i++) {
          assertEquals(lines(i * 13), calls.get(i).get());
        }
      }
    }
  }

  @Test
  void itCompressesOnlyWhatShrinksAndInflatesOnlyToTheDeclaredLength() throws IOException {
    Lz4Compressor lz4 = new Lz4Compressor();
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    assertEquals(-1, lz4.compress(ByteBuffer.wrap(noise), ByteBuffer.allocateDirect(4000)),
        "noise does not shrink");

    byte[] zeros = new byte[1 << 20];
    ByteBuffer packed = ByteBuffer.allocateDirect(1 << 20);
    int n = lz4.compress(ByteBuffer.wrap(zeros), packed);
    assertTrue(n > 0 && n < 8192, n + " bytes");
    packed.flip();

    IOException more = assertThrows(IOException.class,
        () -> lz4.decompress(packed.duplicate(), ByteBuffer.allocate(1000)));
    assertTrue(more.getMessage().contains("1000 bytes its sender declared"), more.getMessage());
    IOException fewer = assertThrows(IOException.class,
        () -> lz4.decompress(packed.duplicate(), ByteBuffer.allocate((1 << 20) + 10)));
    assertTrue(fewer.getMessage().contains("declared"), fewer.getMessage());
    ByteBuffer cut = packed.duplicate().limit(n / 2);
    assertThrows(IOException.class, () -> lz4.decompress(cut, ByteBuffer.allocate(1 << 20)));
    for (int seed = 0; seed < 200; seed++) { // garbage never escapes the buffers it is given
      byte[] garbage = new byte[64];
      new Random(seed).nextBytes(garbage);
      try {
        lz4.decompress(ByteBuffer.wrap(garbage), ByteBuffer.allocate(256));
      } catch (IOException expected) {
        // what garbage gets
      }
    }

    ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
    lz4.decompress(packed.duplicate(), out);
    assertEquals(1 << 20, out.position());
    out.flip();
    assertEquals(ByteBuffer.wrap(zeros), out);
  }
}
