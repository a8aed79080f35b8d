package io.minirpc.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  private static final int MAX = 1024;

  private static ByteBuf frame(FrameType type, long seq, String header, String body) {
    ByteBuf buf = Unpooled.buffer();
    int start = Frames.begin(buf, type, (byte) 1, seq);
    buf.writeCharSequence(header, StandardCharsets.UTF_8);
    Frames.endHeader(buf, start);
    buf.writeCharSequence(body, StandardCharsets.UTF_8);
    Frames.finish(buf, start);
    return buf;
  }

  @Test
  void decodesAFrameSplitAcrossReads() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
    ByteBuf whole = frame(FrameType.REQUEST, 42, "head", "body!");
    ByteBuf first = whole.readRetainedSlice(9);
    assertFalse(ch.writeInbound(first));
    assertTrue(ch.writeInbound(whole));
    Frame f = ch.readInbound();
    try {
      assertEquals(FrameType.REQUEST, f.type());
      assertEquals(42, f.sequence());
      assertEquals(1, f.codecId());
      assertEquals("head", f.header().toString(StandardCharsets.UTF_8));
      assertEquals("body!", f.body().toString(StandardCharsets.UTF_8));
    } finally {
      f.release();
    }
    assertFalse(ch.finish());
  }

  @Test
  void decodesBackToBackFramesFromOneRead() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
    ByteBuf both = Unpooled.wrappedBuffer(
        frame(FrameType.RESPONSE, 1, "", "a"), frame(FrameType.ERROR, 2, "x", ""));
    assertTrue(ch.writeInbound(both));
    Frame a = ch.readInbound();
    Frame b = ch.readInbound();
    assertEquals(1, a.sequence());
    assertEquals(FrameType.ERROR, b.type());
    assertEquals(0, b.body().readableBytes());
    a.release();
    b.release();
    assertFalse(ch.finish());
  }

  @Test
  void refusesABadMagicNumberBeforeTheLength() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
    ByteBuf http = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII);
    CorruptedFrameException e =
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(http));
    assertEquals(
        "Invalid magic number 0x2f20 (expected 0x4d52): the peer does not speak the minirpc"
            + " protocol",
        e.getMessage());
    // Everything after the error is swallowed, not decoded again.
    assertFalse(ch.writeInbound(frame(FrameType.REQUEST, 1, "", "")));
    assertNull(ch.readInbound());
    ch.finishAndReleaseAll();
  }

  @Test
  void refusesAnUnknownVersion() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
    ByteBuf f = frame(FrameType.REQUEST, 1, "", "");
    f.setByte(6, 9);
    CorruptedFrameException e =
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(f));
    assertEquals(
        "Unsupported protocol version 9 (this side speaks 1): upgrade the older side",
        e.getMessage());
    ch.finishAndReleaseAll();
  }

  @Test
  void refusesAnOversizedFrameFromItsFirstBytesWithoutBufferingIt() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
    ByteBuf head = Unpooled.buffer();
    head.writeInt(2_000_000_000).writeShort(Protocol.MAGIC).writeByte(Protocol.VERSION);
    TooLongFrameException e =
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(head));
    assertEquals(
        "Frame of 2000000000 bytes exceeds the maximum frame size of 1024 bytes"
            + " (minirpc.maxFrameSize)",
        e.getMessage());
    ch.finishAndReleaseAll();
  }

  @Test
  void refusesAnUnknownFrameType() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
    ByteBuf f = frame(FrameType.REQUEST, 1, "", "");
    f.setByte(7, 99);
    CorruptedFrameException e =
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(f));
    assertEquals("Unknown frame type 99", e.getMessage());
    ch.finishAndReleaseAll();
  }

  @Test
  void refusesAHeaderLongerThanTheFrame() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
    ByteBuf f = frame(FrameType.REQUEST, 1, "", "abc");
    f.setInt(Protocol.HEADER_LENGTH_OFFSET, 100);
    CorruptedFrameException e =
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(f));
    assertEquals("Header length 100 does not fit a frame of 21 bytes", e.getMessage());
    ch.finishAndReleaseAll();
  }

  @Test
  void refusesALengthBelowTheFixedHeader() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
    ByteBuf f = Unpooled.buffer();
    f.writeInt(3).writeShort(Protocol.MAGIC).writeByte(Protocol.VERSION);
    CorruptedFrameException e =
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(f));
    assertEquals("Frame length 3 is below the minimum of 18", e.getMessage());
    ch.finishAndReleaseAll();
  }

  @Test
  void anUnknownFrameTypeIsRefusedFromItsHeaderBeforeTheFrameIsBuffered() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
    ByteBuf head = Unpooled.buffer();
    // Eight bytes of a frame that says it is 1000 bytes long: the type alone condemns it.
    head.writeInt(1000).writeShort(Protocol.MAGIC).writeByte(Protocol.VERSION).writeByte(99);
    CorruptedFrameException e =
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(head));
    assertEquals("Unknown frame type 99", e.getMessage());
    ch.finishAndReleaseAll();
  }

  @Test
  void beforeHelloAFrameOverThePreHelloLimitIsRefusedFromItsFirstBytes() {
    EmbeddedChannel ch = new EmbeddedChannel(
        new FrameDecoder(16 << 20, 64 << 10, "minirpc.server.maxPreHelloFrameSize"));
    ByteBuf head = Unpooled.buffer();
    head.writeInt(8 << 20).writeShort(Protocol.MAGIC).writeByte(Protocol.VERSION);
    TooLongFrameException e =
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(head));
    assertEquals("Frame of 8388608 bytes exceeds the maximum frame size of 65536 bytes"
        + " (minirpc.server.maxPreHelloFrameSize, before HELLO)", e.getMessage());
    ch.finishAndReleaseAll();
  }

  @Test
  void beforeHelloAnyOtherTypeIsRefusedFromItsHeader() {
    EmbeddedChannel ch = new EmbeddedChannel(
        new FrameDecoder(16 << 20, 64 << 10, "minirpc.server.maxPreHelloFrameSize"));
    ByteBuf head = Unpooled.buffer();
    head.writeInt(1000).writeShort(Protocol.MAGIC).writeByte(Protocol.VERSION)
        .writeByte(FrameType.REQUEST.code());
    CorruptedFrameException e =
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(head));
    assertEquals("the first frame must be HELLO, not REQUEST", e.getMessage());
    ch.finishAndReleaseAll();
  }

  @Test
  void onceHandshakenFramesOfEveryTypeUpToTheMaximumPass() {
    FrameDecoder decoder = new FrameDecoder(4096, 1024, "minirpc.server.maxPreHelloFrameSize");
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    assertTrue(ch.writeInbound(frame(FrameType.HELLO, 0, "hello", "")));
    Frame hello = ch.readInbound();
    assertEquals(FrameType.HELLO, hello.type());
    hello.release();
    decoder.handshaken();
    assertTrue(ch.writeInbound(frame(FrameType.PING, 1, "", "")));
    ((Frame) ch.readInbound()).release();
    decoder.authenticated();
    assertTrue(ch.writeInbound(frame(FrameType.REQUEST, 1, "", "x".repeat(2000))));
    Frame request = ch.readInbound();
    assertEquals(2000, request.body().readableBytes());
    request.release();
    assertFalse(ch.finish());
  }

  /** A budget of {@code limit} bytes that records what it was asked. */
  private static final class FakeMemory implements FrameMemory {
    long limit;
    long used;
    final List<Long> asked = new ArrayList<>();
    Runnable wake;
    boolean closed;

    FakeMemory(long limit) {
      this.limit = limit;
    }

    @Override
    public void attach(Runnable resume) {
      wake = resume;
    }

    @Override
    public long reserve(FrameType type, int frameBytes) {
      long charge = type == FrameType.REQUEST ? 5L * frameBytes : frameBytes;
      asked.add(charge);
      if (charge > limit) {
        return NEVER;
      }
      if (used + charge > limit) {
        return LATER;
      }
      used += charge;
      return charge;
    }

    @Override
    public String tooLarge(FrameType type, int frameBytes) {
      return type + " of " + frameBytes + " bytes is too large";
    }

    @Override
    public void hold(long bytes) {
      used += bytes;
    }

    @Override
    public void release(long bytes) {
      used -= bytes;
    }

    long stalledSince;
    long frameStarted;

    @Override
    public void stalledSince(long sinceNanos) {
      stalledSince = sinceNanos;
    }

    @Override
    public void frameStarted(long sinceNanos, int frameBytes) {
      frameStarted = sinceNanos;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static EmbeddedChannel withMemory(FakeMemory memory) {
    FrameDecoder decoder = new FrameDecoder(1 << 20, 1 << 20, "pre-HELLO", memory);
    decoder.handshaken();
    return new EmbeddedChannel(decoder);
  }

  @Test
  void aFrameIsReservedFromItsFirstBytesAndGivenBackWhenReleased() {
    FakeMemory memory = new FakeMemory(1 << 20);
    EmbeddedChannel ch = withMemory(memory);
    ByteBuf whole = frame(FrameType.REQUEST, 7, "h", "x".repeat(1000));
    int size = whole.readableBytes();
    assertFalse(ch.writeInbound(whole.readRetainedSlice(8)));
    assertEquals(List.of(5L * size), memory.asked, "reserved from the eighth byte");
    assertEquals(5L * size, memory.used);
    assertTrue(ch.writeInbound(whole));
    Frame f = ch.readInbound();
    assertEquals(1, memory.asked.size(), "once per frame");
    f.release();
    assertEquals(0, memory.used);
    assertFalse(ch.finish());
    assertTrue(memory.closed);
  }

  @Test
  void theTimeTheServerDoesNotReadIsNotCountedAsTheFrameStalling() throws Exception {
    FakeMemory memory = new FakeMemory(1 << 20);
    FrameDecoder decoder = new FrameDecoder(1 << 20, 1 << 20, "pre-HELLO", memory);
    decoder.handshaken();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    ByteBuf whole = frame(FrameType.REQUEST, 7, "h", "x".repeat(100_000));
    ch.writeInbound(whole.readRetainedSlice(80_000));
    long started = memory.frameStarted;
    long stalled = memory.stalledSince;
    assertTrue(started != 0 && stalled != 0, "the frame is arriving");

    decoder.reading(false); // its answers are not being read, say
    Thread.sleep(50);
    decoder.reading(true);
    assertTrue(memory.stalledSince - stalled >= 50_000_000L,
        "the stall clock starts again when the server reads again");
    assertTrue(memory.frameStarted - started >= 50_000_000L,
        "and the frame's arrival time does not count the 50 ms the server did not read");

    assertTrue(ch.writeInbound(whole));
    ((Frame) ch.readInbound()).release();
    assertEquals(0, memory.stalledSince, "all in: no clock runs");
    assertFalse(ch.finish());
  }

  @Test
  void aFrameThatFindsNoRoomStopsReadingUntilMemoryIsGivenBack() {
    FakeMemory memory = new FakeMemory(10_000);
    EmbeddedChannel ch = withMemory(memory);
    ByteBuf first = frame(FrameType.REQUEST, 1, "", "x".repeat(1000)); // holds 5 times 1,026
    ByteBuf second = frame(FrameType.REQUEST, 2, "", "y".repeat(1000));
    int size = second.readableBytes();
    assertTrue(ch.writeInbound(Unpooled.wrappedBuffer(first, second)));
    Frame one = ch.readInbound();
    assertNull(ch.readInbound(), "the second waits for memory");
    assertFalse(ch.config().isAutoRead());
    assertEquals(5L * size + size, memory.used, "its bytes, buffered already, are counted");
    one.release();
    memory.wake.run();
    ch.runPendingTasks();
    Frame two = ch.readInbound();
    assertEquals(2, two.sequence());
    assertTrue(ch.config().isAutoRead());
    assertEquals(5L * size, memory.used);
    two.release();
    assertEquals(0, memory.used);
    assertFalse(ch.finish());
  }

  @Test
  void aRequestThatCanNeverFitIsRefusedNotRunAndSkippedAsItArrives() {
    FakeMemory memory = new FakeMemory(2000);
    EmbeddedChannel ch = withMemory(memory);
    ByteBuf big = frame(FrameType.REQUEST, 9, "", "x".repeat(5000));
    assertFalse(ch.writeInbound(big.readRetainedSlice(30)));
    ByteBuf refusal = ch.readOutbound();
    assertEquals(FrameType.ERROR, FrameType.of(refusal.getByte(refusal.readerIndex() + 7)));
    assertEquals(Protocol.FLAG_NOT_RUN, refusal.getByte(refusal.readerIndex() + 9));
    assertEquals(9, refusal.getLong(refusal.readerIndex() + Protocol.SEQUENCE_OFFSET));
    assertEquals(8, refusal.getInt(refusal.readerIndex() + 22), "RESOURCE_EXHAUSTED");
    refusal.release();
    assertEquals(0, memory.used, "nothing of it is held");
    assertTrue(ch.writeInbound(Unpooled.wrappedBuffer(big, frame(FrameType.PING, 10, "", ""))));
    Frame ping = ch.readInbound();
    assertEquals(FrameType.PING, ping.type());
    ping.release();
    assertTrue(ch.isOpen(), "the connection lives on");
    assertFalse(ch.finish());
  }

  @Test
  void anotherFrameThatCanNeverFitClosesTheConnectionFromItsHeader() {
    FakeMemory memory = new FakeMemory(2000);
    EmbeddedChannel ch = withMemory(memory);
    ByteBuf head = Unpooled.buffer();
    head.writeInt(5000).writeShort(Protocol.MAGIC).writeByte(Protocol.VERSION)
        .writeByte(FrameType.PING.code());
    TooLongFrameException e =
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(head));
    assertEquals("PING of 5004 bytes is too large", e.getMessage());
    ch.finishAndReleaseAll();
  }

  @Test
  void closingHalfwayThroughAFrameGivesBackItsMemory() {
    FakeMemory memory = new FakeMemory(1 << 20);
    EmbeddedChannel ch = withMemory(memory);
    ByteBuf whole = frame(FrameType.REQUEST, 3, "", "x".repeat(1000));
    assertFalse(ch.writeInbound(whole.readRetainedSlice(500)));
    assertTrue(memory.used > 0);
    whole.release();
    assertFalse(ch.finish());
    assertEquals(0, memory.used);
    assertTrue(memory.closed);
  }

  @Test
  void aSmallFrameIsCopiedOutOfALargeBufferItWouldKeepAlive() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1 << 20));
    ByteBuf large = frame(FrameType.REQUEST, 1, "", "x".repeat(600_000));
    ByteBuf small = frame(FrameType.PING, 2, "", "");
    ByteBuf both = Unpooled.buffer(large.readableBytes() + small.readableBytes());
    both.writeBytes(large).writeBytes(small);
    large.release();
    small.release();
    assertTrue(ch.writeInbound(both));
    Frame a = ch.readInbound();
    Frame b = ch.readInbound();
    a.release();
    assertEquals(0, both.refCnt(), "the PING was copied: it does not keep the buffer alive");
    b.release();
    assertFalse(ch.finish());
  }

  @Test
  void untilAuthenticatedALargerRequestIsSkippedUnreadAsItArrivesAndTheNextFramePasses() {
    FrameDecoder decoder = new FrameDecoder(4096, 1024, "minirpc.server.maxPreHelloFrameSize");
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    decoder.handshaken();
    ByteBuf large = frame(FrameType.REQUEST, 7, "", "x".repeat(3000));
    int length = large.getInt(0);
    // Its first 18 bytes are enough to refuse it; the rest arrives later and is skipped.
    assertTrue(ch.writeInbound(large.readRetainedSlice(Protocol.SEQUENCE_OFFSET + 8)));
    assertEquals(new UnreadRequest(7, length, 1024), ch.readInbound());
    assertFalse(ch.writeInbound(large.readRetainedSlice(1000)));
    ByteBuf rest = Unpooled.wrappedBuffer(large, frame(FrameType.REQUEST, 8, "", "small"));
    assertTrue(ch.writeInbound(rest));
    Frame next = ch.readInbound();
    assertEquals(8, next.sequence());
    next.release();
    assertFalse(ch.finish());
  }

  @Test
  void untilAuthenticatedALargerFrameOfAnotherTypeIsRefused() {
    FrameDecoder decoder = new FrameDecoder(4096, 1024, "minirpc.server.maxPreHelloFrameSize");
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    decoder.handshaken();
    TooLongFrameException e = assertThrows(TooLongFrameException.class,
        () -> ch.writeInbound(frame(FrameType.PING, 1, "", "x".repeat(2000))));
    assertEquals("Frame of 2018 bytes exceeds the maximum frame size of 1024 bytes"
        + " (minirpc.server.maxPreHelloFrameSize, until the connection is authenticated)",
        e.getMessage());
    ch.finishAndReleaseAll();
  }
}
