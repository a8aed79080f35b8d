package io.minirpc.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minirpc.RpcException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersTest {
  @Test
  void requestHeaderRoundTrips() {
    ByteBuf buf = Unpooled.buffer();
    byte[] names = concat(Frames.encodeString("com.example.Calc"), Frames.encodeString("add(int,int)"));
    RequestHeader.write(buf, names, 5_000_000_000L, Map.of("trace", "abc-é"));
    RequestHeader h = RequestHeader.read(buf);
    assertEquals(
        new RequestHeader("com.example.Calc", "add(int,int)", 5_000_000_000L, Map.of("trace", "abc-é")),
        h);
    assertEquals(0, buf.readableBytes());
    buf.release();
  }

  @Test
  void errorInfoRoundTripsWithStackFrames() {
    ByteBuf buf = Unpooled.buffer();
    ErrorInfo info = new ErrorInfo(2, "java.lang.IllegalStateException", "boom",
        List.of(new StackTraceElement("a.B", "c", "B.java", 12),
            new StackTraceElement("a.B", "d", null, -1)));
    info.write(buf);
    assertEquals(info, ErrorInfo.read(buf));
    buf.release();
  }

  @Test
  void longMessagesAreTruncatedToFitTheHeader() {
    ByteBuf buf = Unpooled.buffer();
    String huge = "é".repeat(100_000);
    new ErrorInfo(13, "", huge, List.of()).write(buf);
    ErrorInfo back = ErrorInfo.read(buf);
    assertEquals(ErrorInfo.MAX_MESSAGE_CHARS + "... (truncated)".length(), back.message().length());
    buf.release();
  }

  @Test
  void aTruncatedHeaderIsACorruptFrame() {
    ByteBuf buf = Unpooled.buffer();
    buf.writeShort(10).writeByte('a');
    CorruptedFrameException e =
        assertThrows(CorruptedFrameException.class, () -> RequestHeader.read(buf));
    assertEquals("Header string of 10 bytes overruns the header (1 bytes left)", e.getMessage());
    buf.release();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void metadataOverItsCountIsRefusedBeforeAnyEntryIsRead() {
    ByteBuf buf = Unpooled.buffer();
    buf.writeBytes(Frames.encodeString("com.example.Calc"));
    buf.writeBytes(Frames.encodeString("add(int,int)"));
    buf.writeLong(0);
    buf.writeShort(65_535); // entries announced, none present
    RpcException e = assertThrows(RpcException.class, () -> RequestHeader.read(buf, 8192, 64));
    assertEquals(RpcException.Code.RESOURCE_EXHAUSTED, e.code());
    assertEquals("the server refused the call: its request carries 65535 metadata entries, more"
        + " than the 64 it accepts (minirpc.server.maxMetadataEntries). Send less metadata",
        e.getMessage());
    buf.release();
  }

  @Test
  void metadataOverItsBytesIsRefusedBeforeTheStringIsMade() {
    ByteBuf buf = Unpooled.buffer();
    Map<String, String> metadata = new java.util.LinkedHashMap<>();
    metadata.put("a", "x".repeat(100));
    metadata.put("b", "y".repeat(100));
    RequestHeader.write(buf, concat(Frames.encodeString("S"), Frames.encodeString("m()")), 0,
        metadata);
    RpcException e = assertThrows(RpcException.class, () -> RequestHeader.read(buf, 150, 64));
    assertEquals(RpcException.Code.RESOURCE_EXHAUSTED, e.code());
    assertEquals("the server refused the call: its request carries more than 150 bytes of"
        + " metadata, the most it accepts (minirpc.server.maxMetadataSize). Send less metadata",
        e.getMessage());
    buf.readerIndex(0);
    assertEquals(metadata, RequestHeader.read(buf, 202, 2).metadata(), "exactly at the limits");
    buf.release();
  }

  /** The HELLO header of a frame, skipping the frame's fixed part. */
  private static ByteBuf helloHeader(ByteBuf frame) {
    return frame.skipBytes(Protocol.LENGTH_FIELD + Protocol.FIXED_HEADER);
  }

  private static Hello hello() {
    return new Hello(1, 1, 1 << 20, 0, 0, 1000, List.of(new Hello.CodecInfo((byte) 1, "json")),
        List.of("com.example.Extra"), List.of(new Hello.ServiceInfo("com.example.Calc",
            List.of(new Hello.MethodInfo("add(int,int)", "int add(int,int)", 42L)))),
        Map.of("com.example.Point", "record{x:int}"));
  }

  @Test
  void helloRoundTripsWithItsMetadataAndFlags() {
    Hello client = hello().withMetadata(Map.of("authorization", "Bearer t"));
    ByteBuf frame = client.toFrame(Unpooled.buffer().alloc());
    assertEquals(client, HelloReader.read(helloHeader(frame)));
    frame.release();
    Hello withheld = hello().withoutDetails();
    assertEquals(List.of(), withheld.services());
    assertEquals(List.of(), withheld.allowedClasses());
    assertEquals(Map.of(), withheld.shapes());
    frame = withheld.toFrame(Unpooled.buffer().alloc());
    assertEquals(withheld, HelloReader.read(helloHeader(frame)));
    frame.release();
  }

  @Test
  void aHelloOfTheOlderLayoutEndsAfterItsShapes() {
    ByteBuf frame = hello().toFrame(Unpooled.buffer().alloc());
    ByteBuf header = helloHeader(frame);
    // The older layout: without the last section (flags 0, no metadata: three bytes).
    Hello read = HelloReader.read(header.slice(header.readerIndex(), header.readableBytes() - 3));
    assertEquals(hello(), read);
    frame.release();
  }

  @Test
  void helloMetadataOverTheLimitsIsDroppedWhole() {
    Hello client = hello().withMetadata(Map.of("authorization", "Bearer t", "trace", "x"));
    ByteBuf frame = client.toFrame(Unpooled.buffer().alloc());
    Hello read = HelloReader.read(helloHeader(frame), 8192, 1);
    assertEquals(Map.of(), read.metadata());
    assertEquals(client.services(), read.services());
    frame.release();
  }

  @Test
  void aServerHelloReadByAClientEqualsTheOneSentThoughItsMethodsAreParsedOnFirstUse() {
    ByteBuf frame = hello().toFrame(Unpooled.buffer().alloc());
    Hello read = HelloReader.readServerHello(helloHeader(frame));
    frame.release(); // what the client keeps is a copy of the bytes, not the frame
    assertEquals(42L, read.service("com.example.Calc").methods().get(0).digest());
    assertEquals("record{x:int}", read.shapes().get("com.example.Point"));
    assertEquals(hello(), read);
  }

  @Test
  void aServerHelloWhoseMethodOverrunsItIsRefusedWhenReadNotWhenUsed() {
    ByteBuf frame = hello().toFrame(Unpooled.buffer().alloc());
    ByteBuf header = helloHeader(frame);
    // Cut 4 bytes into the method's signature: without the optional sections (flags and
    // metadata, 3 bytes; compression, 3), the shapes (36) and the method's digest (8).
    ByteBuf cut = header.slice(header.readerIndex(), header.readableBytes() - 6 - 36 - 8 - 4);
    CorruptedFrameException e =
        assertThrows(CorruptedFrameException.class, () -> HelloReader.readServerHello(cut));
    assertEquals("Header string of 16 bytes overruns the header (12 bytes left)",
        e.getMessage());
    frame.release();
  }

  @Test
  void aHelloNamesItsMetadataKeysButNeverTheirValues() {
    Hello client = hello().withMetadata(Map.of("authorization", "Bearer s3cr3t"));
    assertEquals(false, client.toString().contains("s3cr3t"), client.toString());
    assertEquals(true, client.toString().contains("authorization"), client.toString());
  }
}
