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
