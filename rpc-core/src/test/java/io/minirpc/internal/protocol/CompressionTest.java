package io.minirpc.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.internal.compression.Gzip;
import io.minirpc.internal.registry.CompressorRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compressed bodies on the wire: what the sender writes and what the receiver takes. */
class CompressionTest {
  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
  private static final CompressorRegistry COMPRESSORS = CompressorRegistry.installed();

  /** A whole RESPONSE frame whose one slot holds {@code text}. */
  private static ByteBuf response(String text) {
    return response(text.getBytes(StandardCharsets.UTF_8));
  }

  private static ByteBuf response(byte[] bytes) {
    ByteBuf buf = ALLOC.ioBuffer();
    int start = Frames.begin(buf, FrameType.RESPONSE, (byte) 1, 7);
    Frames.endHeader(buf, start);
    buf.writeInt(bytes.length).writeBytes(bytes);
    Frames.finish(buf, start);
    return buf;
  }

  /** {@code frame} as the receiver's decoder hands it over. */
  private static Frame received(ByteBuf frame) {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1 << 20));
    ch.writeInbound(frame);
    Frame f = ch.readInbound();
    ch.finishAndReleaseAll();
    return f;
  }

  @Test
  void aLargeBodyIsSentCompressedAndInflatesToWhatWasWritten() throws IOException {
    String text = "a page of records that repeat ".repeat(200);
    ByteBuf plain = response(text);
    int plainSize = plain.readableBytes();
    byte[] expected = ByteBufUtil.getBytes(plain);
    ByteBuf compressed = Compression.compress(plain, Gzip.INSTANCE, 1024, ALLOC);
    assertTrue(compressed.readableBytes() * 10 < plainSize,
        compressed.readableBytes() + " bytes against " + plainSize);
    assertTrue(Compression.isCompressed(compressed));

    Frame frame = received(compressed);
    assertTrue(Compression.isCompressed(frame));
    assertEquals(expected.length - 22, Compression.declaredSize(frame));
    Compression.inflate(frame, COMPRESSORS, ALLOC);
    assertFalse(Compression.isCompressed(frame), "inflated once");
    assertEquals(text, Slots.read(frame.body(), in -> new String(in.readAllBytes(),
        StandardCharsets.UTF_8)));
    frame.release();
  }

  @Test
  void aBodyUnderTheMinimumOrThatWouldNotShrinkIsSentAsItIs() throws IOException {
    ByteBuf small = response("short");
    assertSame(small, Compression.compress(small, Gzip.INSTANCE, 1024, ALLOC));
    small.release();

    byte[] random = new byte[4096];
    new java.util.Random(1).nextBytes(random);
    ByteBuf noise = response(random);
    assertSame(noise, Compression.compress(noise, Gzip.INSTANCE, 0, ALLOC), "noise does not shrink");
    assertFalse(Compression.isCompressed(noise));
    noise.release();
  }

  @Test
  void aFrameCompressedForAReceiverWithoutTheCompressorIsUncompressedByteForByte()
      throws IOException {
    ByteBuf plain = response("x".repeat(5000));
    byte[] expected = ByteBufUtil.getBytes(plain);
    ByteBuf compressed = Compression.compress(plain, Gzip.INSTANCE, 1024, ALLOC);
    ByteBuf again = Compression.uncompress(compressed, COMPRESSORS, ALLOC);
    assertEquals(ByteBuffer.wrap(expected), again.nioBuffer());
    again.release();
  }

  @Test
  void gzipRefusesMoreOrFewerBytesThanDeclaredAndBrokenStreams() throws IOException {
    byte[] zeros = new byte[1 << 20];
    ByteBuffer packed = ByteBuffer.allocate(1 << 20);
    int n = Gzip.INSTANCE.compress(ByteBuffer.wrap(zeros), packed);
    assertTrue(n > 0 && n < 8192, "a MiB of zeros packs into " + n + " bytes");
    packed.flip();

    IOException more = assertThrows(IOException.class,
        () -> Gzip.INSTANCE.decompress(packed.duplicate(), ByteBuffer.allocate(1000)));
    assertTrue(more.getMessage().contains("more than the 1000 bytes"), more.getMessage());
    IOException fewer = assertThrows(IOException.class,
        () -> Gzip.INSTANCE.decompress(packed.duplicate(), ByteBuffer.allocate((1 << 20) + 1)));
    assertTrue(fewer.getMessage().contains("fewer than"), fewer.getMessage());
    ByteBuffer cut = packed.duplicate().limit(n / 2);
    assertThrows(IOException.class, () -> Gzip.INSTANCE.decompress(cut,
        ByteBuffer.allocate(1 << 20)));
    ByteBuffer badCrc = ByteBuffer.allocate(n).put(packed.duplicate()).flip();
    badCrc.put(n - 5, (byte) (badCrc.get(n - 5) ^ 1)); // the trailer's CRC-32
    IOException crc = assertThrows(IOException.class, () -> Gzip.INSTANCE.decompress(badCrc,
        ByteBuffer.allocate(1 << 20)));
    assertTrue(crc.getMessage().contains("CRC-32"), crc.getMessage());
    ByteBuffer badLength = ByteBuffer.allocate(n).put(packed.duplicate()).flip();
    badLength.put(n - 3, (byte) (badLength.get(n - 3) ^ 1)); // the trailer's length
    IOException length = assertThrows(IOException.class, () -> Gzip.INSTANCE.decompress(badLength,
        ByteBuffer.allocate(1 << 20)));
    assertTrue(length.getMessage().contains("trailer"), length.getMessage());

    ByteBuffer out = ByteBuffer.allocate(1 << 20);
    Gzip.INSTANCE.decompress(packed.duplicate(), out);
    assertEquals(ByteBuffer.wrap(zeros), out.flip());
  }

  @Test
  void theHelloCarriesTheCompressorsBothWaysAndAnOlderHelloNamesNone() {
    Hello base = new Hello(1, 1, 1 << 20, 0, 0, 0, List.of(new Hello.CodecInfo((byte) 1, "json")),
        List.of(), List.of(), Map.of()).withMetadata(Map.of("k", "v"));
    Hello withGzip = base.withCompression(List.of(new Hello.CodecInfo((byte) 1, "gzip")), 1);
    ByteBuf frame = withGzip.toFrame(ALLOC);
    Hello read = HelloReader.read(frame.skipBytes(Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER));
    frame.release();
    assertEquals(withGzip, read);
    assertTrue(read.inflates(1));
    assertEquals(1, read.answerCompressor());

    ByteBuf old = base.toFrame(ALLOC);
    ByteBuf header = old.skipBytes(Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER);
    // The layout before compression ends after the metadata: the last 3 bytes are ours.
    Hello older = HelloReader.read(header.slice(header.readerIndex(), header.readableBytes() - 3));
    old.release();
    assertEquals(List.of(), older.compressors());
    assertFalse(older.inflates(1));
  }
}
