package io.minirpc.internal.protocol;

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

  /** Reads the header; throws CorruptedFrameException if it is malformed. */
  public static RequestHeader read(ByteBuf header) {
    String service = Frames.readString(header);
    String method = Frames.readString(header);
    long timeoutNanos = Frames.readLong(header);
    int count = Frames.readUnsignedShort(header);
    Map<String, String> metadata;
    if (count == 0) {
      metadata = Map.of();
    } else {
      Map<String, String> read = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        read.put(Frames.readString(header), Frames.readString(header));
      }
      metadata = java.util.Collections.unmodifiableMap(read);
    }
    return new RequestHeader(service, method, timeoutNanos, metadata);
  }

  /**
   * Writes a header whose service and method strings were encoded once with {@link
   * Frames#encodeString}.
   */
  public static void write(
      ByteBuf buf, byte[] serviceAndMethod, long timeoutNanos, Map<String, String> metadata) {
    buf.writeBytes(serviceAndMethod);
    buf.writeLong(timeoutNanos);
    buf.writeShort(metadata.size());
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      Frames.writeString(buf, e.getKey());
      Frames.writeString(buf, e.getValue());
    }
  }
}
