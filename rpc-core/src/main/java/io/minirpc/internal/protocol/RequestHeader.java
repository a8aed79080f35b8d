package io.minirpc.internal.protocol;

import io.minirpc.RpcException;
import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header of a REQUEST frame: service, method, the caller's remaining timeout, and metadata.
 *
 * <pre>
 * +---------+---------+------------------+----------------+---------------------------+
 * | service | method  | timeout (int64)  | count (uint16) | count x (key, value)      |
 * | string  | string  | nanoseconds left | metadata pairs | strings                   |
 * +---------+---------+------------------+----------------+---------------------------+
 * </pre>
 *
 * <p>A timeout of 0 means the caller set none.
 */
public record RequestHeader(
    String service, String method, long timeoutNanos, Map<String, String> metadata) {

  /** Reads the header with no limit on its metadata; throws CorruptedFrameException if malformed. */
  public static RequestHeader read(ByteBuf header) {
    return read(header, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /**
   * Reads the header, holding its metadata to {@code maxEntries} entries and {@code maxBytes}
   * bytes of keys and values (their UTF-8, without length prefixes). Both are checked from the
   * counts and lengths on the wire, before any string is made.
   *
   * @throws CorruptedFrameException if the header is malformed
   * @throws RpcException RESOURCE_EXHAUSTED if the metadata is over a limit: a refusal of this call
   */
  public static RequestHeader read(ByteBuf header, int maxBytes, int maxEntries) {
    String service = Frames.readName(header);
    String method = Frames.readName(header);
    long timeoutNanos = Frames.readLong(header);
    return new RequestHeader(service, method, timeoutNanos,
        readMetadata(header, maxBytes, maxEntries));
  }

  /**
   * A metadata map, {@code uint16 count x (key, value)}, held to {@code maxEntries} entries and
   * {@code maxBytes} bytes of keys and values, checked from the wire before any string is made.
   * Also the metadata of a client's HELLO.
   *
   * @throws CorruptedFrameException if it is malformed
   * @throws RpcException RESOURCE_EXHAUSTED if it is over a limit
   */
  static Map<String, String> readMetadata(ByteBuf header, int maxBytes, int maxEntries) {
    int count = Frames.readUnsignedShort(header);
    if (count == 0) {
      return Map.of();
    }
    if (count > maxEntries) {
      throw tooMuch(count + " metadata entries, more than the " + maxEntries
          + " it accepts (minirpc.server.maxMetadataEntries)");
    }
    Map<String, String> read = new LinkedHashMap<>();
    int[] left = {maxBytes};
    for (int i = 0; i < count; i++) {
      String key = readCounted(header, left, maxBytes);
      read.put(key, readCounted(header, left, maxBytes));
    }
    return java.util.Collections.unmodifiableMap(read);
  }

  /** Writes a metadata map as {@link #readMetadata} reads it. */
  static void writeMetadata(ByteBuf buf, Map<String, String> metadata) {
    buf.writeShort(metadata.size());
    if (metadata.isEmpty()) {
      return; // most calls: no iterator
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      Frames.writeString(buf, e.getKey());
      Frames.writeString(buf, e.getValue());
    }
  }

  /**
   * A metadata string, its length on the wire first taken from {@code left[0]}, the bytes still
   * allowed, so an entry over the limit is never made.
   */
  private static String readCounted(ByteBuf header, int[] left, int maxBytes) {
    if (header.readableBytes() >= 2) {
      int length = header.getUnsignedShort(header.readerIndex());
      if (length > left[0]) {
        throw tooMuch("more than " + maxBytes + " bytes of metadata, the most it accepts"
            + " (minirpc.server.maxMetadataSize)");
      }
      left[0] -= length;
    }
    return Frames.readString(header);
  }

  private static RpcException tooMuch(String what) {
    return new RpcException(RpcException.Code.RESOURCE_EXHAUSTED, "the server refused the call:"
        + " its request carries " + what + ". Send less metadata");
  }

  /**
   * Writes a header whose service and method strings were encoded once with {@link
   * Frames#encodeString}.
   */
  public static void write(
      ByteBuf buf, byte[] serviceAndMethod, long timeoutNanos, Map<String, String> metadata) {
    buf.writeBytes(serviceAndMethod);
    buf.writeLong(timeoutNanos);
    writeMetadata(buf, metadata);
  }
}
