package io.minirpc.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a HELLO frame: what one side of a new connection speaks, so that a mismatch is
 * reported when the connection opens rather than as a strange failure on the first call.
 *
 * <pre>
 * +-------------+-------------+----------------+-----------------+---------------+------------+
 * | min version | max version | max frame size | heartbeat (i64) | idle timeout  | max calls  |
 * | uint8       | uint8       | int32          | ns, 0 = none    | (i64) ns      | int32      |
 * +-------------+-------------+----------------+-----------------+---------------+------------+
 * | codecs: uint16 count x (id uint8, name string)                                            |
 * | allowed classes: uint16 count x string                                                    |
 * | services: uint16 count x (name string, uint16 count x (key, signature strings, i64 digest))|
 * | shapes: uint16 count x (class name string, shape string)                                  |
 * +-------------------------------------------------------------------------------------------+
 * </pre>
 *
 * <p>A client sends its codec, limits and heartbeat policy, and no services. A server answers with
 * every codec it speaks, its limits, and for each service the fingerprint of every method (see
 * {@code Fingerprints}), plus the shapes of the classes they reach so that a difference can be
 * named.
 */
public record Hello(
    int minVersion,
    int maxVersion,
    int maxFrameSize,
    long heartbeatNanos,
    long idleTimeoutNanos,
    int maxCallsPerConnection,
    List<CodecInfo> codecs,
    List<String> allowedClasses,
    List<ServiceInfo> services,
    Map<String, String> shapes) {

  /** Shapes are cut to this length: they only serve to name a difference in a message. */
  public static final int MAX_SHAPE_CHARS = 4096;

  /** A codec by its frame id and name. */
  public record CodecInfo(byte id, String name) {}

  /** One method: its wire key, its signature and the digest of signature and shapes. */
  public record MethodInfo(String key, String signature, long digest) {}

  /** One service and its methods. */
  public record ServiceInfo(String name, List<MethodInfo> methods) {}

  /** A whole HELLO frame. */
  public ByteBuf toFrame(ByteBufAllocator alloc) {
    ByteBuf buf = alloc.ioBuffer(256);
    try {
      int start = Frames.begin(buf, FrameType.HELLO, Protocol.NO_CODEC, 0);
      buf.writeByte(minVersion);
      buf.writeByte(maxVersion);
      buf.writeInt(maxFrameSize);
      buf.writeLong(heartbeatNanos);
      buf.writeLong(idleTimeoutNanos);
      buf.writeInt(maxCallsPerConnection);
      buf.writeShort(count(codecs.size(), "codecs"));
      for (CodecInfo c : codecs) {
        buf.writeByte(c.id());
        Frames.writeString(buf, c.name());
      }
      buf.writeShort(count(allowedClasses.size(), "allowed classes"));
      for (String name : allowedClasses) {
        Frames.writeString(buf, name);
      }
      buf.writeShort(count(services.size(), "services"));
      for (ServiceInfo s : services) {
        Frames.writeString(buf, s.name());
        buf.writeShort(count(s.methods().size(), "methods of " + s.name()));
        for (MethodInfo m : s.methods()) {
          Frames.writeString(buf, m.key());
          Frames.writeString(buf, Frames.truncate(m.signature(), MAX_SHAPE_CHARS));
          buf.writeLong(m.digest());
        }
      }
      buf.writeShort(count(shapes.size(), "classes"));
      for (Map.Entry<String, String> e : shapes.entrySet()) {
        Frames.writeString(buf, e.getKey());
        Frames.writeString(buf, Frames.truncate(e.getValue(), MAX_SHAPE_CHARS));
      }
      Frames.endHeader(buf, start);
      if (Frames.finish(buf, start) > maxFrameSize) {
        throw new IllegalStateException(
            "The handshake describing " + services.size() + " services is larger than the"
                + " maximum frame size of " + maxFrameSize + " bytes; raise minirpc.maxFrameSize");
      }
      return buf;
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  /**
   * The HELLO that must be the first frame of a connection; releases {@code frame}.
   *
   * @throws CorruptedFrameException if the frame is of another type or the HELLO is malformed
   */
  public static Hello fromFirstFrame(Frame frame) {
    return fromFirstFrame(frame, false);
  }

  /**
   * The HELLO that must be the first frame of a connection; releases {@code frame}. With {@code
   * requireCommonVersion}, a HELLO whose version range leaves out {@link Protocol#VERSION} is
   * refused from its first two bytes, before the rest is parsed.
   *
   * @throws CorruptedFrameException if the frame is of another type or the HELLO is malformed
   */
  public static Hello fromFirstFrame(Frame frame, boolean requireCommonVersion) {
    try {
      if (frame.type() != FrameType.HELLO) {
        throw new CorruptedFrameException("the first frame must be HELLO, not " + frame.type());
      }
      ByteBuf header = frame.header();
      if (requireCommonVersion && header.readableBytes() >= 2) {
        int min = header.getUnsignedByte(header.readerIndex());
        int max = header.getUnsignedByte(header.readerIndex() + 1);
        if (min > Protocol.VERSION || max < Protocol.VERSION) {
          throw new CorruptedFrameException("it speaks protocol versions " + min + " to " + max
              + ", this side only " + Protocol.VERSION + ": no common version");
        }
      }
      return read(header);
    } catch (CorruptedFrameException e) {
      if (frame.type() == FrameType.HELLO) {
        throw new CorruptedFrameException("malformed HELLO: " + e.getMessage(), e);
      }
      throw e;
    } finally {
      frame.release();
    }
  }

  /** Reads a HELLO header; throws CorruptedFrameException if it is malformed. */
  public static Hello read(ByteBuf in) {
    if (in.readableBytes() < 2 + 4 + 8 + 8 + 4) {
      throw new CorruptedFrameException("HELLO header is truncated");
    }
    int minVersion = in.readUnsignedByte();
    int maxVersion = in.readUnsignedByte();
    int maxFrameSize = in.readInt();
    long heartbeat = in.readLong();
    long idle = in.readLong();
    int maxCalls = in.readInt();
    int n = Frames.readUnsignedShort(in);
    List<CodecInfo> codecs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (!in.isReadable()) {
        throw new CorruptedFrameException("HELLO header is truncated in its codecs");
      }
      byte id = in.readByte();
      codecs.add(new CodecInfo(id, Frames.readString(in)));
    }
    n = Frames.readUnsignedShort(in);
    List<String> allowed = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      allowed.add(Frames.readString(in));
    }
    n = Frames.readUnsignedShort(in);
    List<ServiceInfo> services = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = Frames.readString(in);
      int m = Frames.readUnsignedShort(in);
      List<MethodInfo> methods = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        String key = Frames.readString(in);
        String signature = Frames.readString(in);
        methods.add(new MethodInfo(key, signature, Frames.readLong(in)));
      }
      services.add(new ServiceInfo(name, List.copyOf(methods)));
    }
    n = Frames.readUnsignedShort(in);
    Map<String, String> shapes = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      shapes.put(Frames.readString(in), Frames.readString(in));
    }
    if (maxFrameSize < 1024) {
      throw new CorruptedFrameException("HELLO announces a maximum frame size of " + maxFrameSize);
    }
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeat, idle, maxCalls,
        List.copyOf(codecs), List.copyOf(allowed), List.copyOf(services), Map.copyOf(shapes));
  }

  /** The codec with this name, or {@code null}. */
  public CodecInfo codec(String name) {
    for (CodecInfo c : codecs) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** The codec names, for messages. */
  public List<String> codecNames() {
    List<String> names = new ArrayList<>(codecs.size());
    for (CodecInfo c : codecs) {
      names.add(c.name());
    }
    return names;
  }

  /** The service with this name, or {@code null}. */
  public ServiceInfo service(String name) {
    for (ServiceInfo s : services) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private static int count(int n, String what) {
    if (n > 0xFFFF) {
      throw new IllegalStateException("Too many " + what + " for a handshake: " + n);
    }
    return n;
  }
}
