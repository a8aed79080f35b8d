package io.minirpc.internal.protocol;

import io.minirpc.RpcException;
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
 * | optional: flags uint8, metadata uint16 count x (key string, value string)                 |
 * +-------------------------------------------------------------------------------------------+
 * </pre>
 *
 * <p>A client sends its codec, limits and heartbeat policy, no services, and its static metadata
 * (where a bearer token usually travels) so that a server can authenticate the connection. A
 * server answers with every codec it speaks, its limits, and for each service the fingerprint of
 * every method (see {@code Fingerprints}), plus the shapes of the classes they reach so that a
 * difference can be named; or, when it has an authenticator that did not accept the client's
 * HELLO, with none of those details and the flag {@link #FLAG_DETAILS_WITHHELD}. The last section
 * is optional: a HELLO that ends after its shapes has no flags and no metadata, and a reader of
 * the older layout ignores it.
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
    Map<String, String> shapes,
    boolean detailsWithheld,
    boolean servicesFiltered,
    Map<String, String> metadata) {

  /**
   * Flag of a server's HELLO: it has an authenticator that did not accept the client's HELLO, so
   * it lists no services, shapes or allowed classes. The client must not read "no services" as
   * "no such service": its calls are sent, and each is authenticated on its own.
   */
  public static final int FLAG_DETAILS_WITHHELD = 0x01;

  /**
   * Flag of a server's HELLO: it lists only the services the client's credential may call (and
   * the shapes they reach). A service it does not list may still exist: the client sends such
   * calls unchecked, and the server judges each.
   */
  public static final int FLAG_SERVICES_FILTERED = 0x02;

  /** Metadata a HELLO read by {@link #read(ByteBuf)} may carry; a server passes its own limits. */
  private static final int DEFAULT_METADATA_BYTES = 8192;
  private static final int DEFAULT_METADATA_ENTRIES = 64;

  /** A HELLO whose services, if any, are all the server's. */
  public Hello(int minVersion, int maxVersion, int maxFrameSize, long heartbeatNanos,
      long idleTimeoutNanos, int maxCallsPerConnection, List<CodecInfo> codecs,
      List<String> allowedClasses, List<ServiceInfo> services, Map<String, String> shapes,
      boolean detailsWithheld, Map<String, String> metadata) {
    this(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, services, shapes, detailsWithheld, false,
        metadata);
  }

  /** A HELLO with no flags and no metadata. */
  public Hello(int minVersion, int maxVersion, int maxFrameSize, long heartbeatNanos,
      long idleTimeoutNanos, int maxCallsPerConnection, List<CodecInfo> codecs,
      List<String> allowedClasses, List<ServiceInfo> services, Map<String, String> shapes) {
    this(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, services, shapes, false, Map.of());
  }

  /** This HELLO with {@code metadata}: what a client sends. */
  public Hello withMetadata(Map<String, String> metadata) {
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, services, shapes, detailsWithheld,
        servicesFiltered, Map.copyOf(metadata));
  }

  /**
   * This HELLO without services, shapes and allowed classes, flagged {@link
   * #FLAG_DETAILS_WITHHELD}: what a server with an authenticator tells a peer it has not
   * authenticated. Codecs and limits stay: a client needs them to talk at all.
   */
  public Hello withoutDetails() {
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, List.of(), List.of(), Map.of(), true, false, Map.of());
  }

  /**
   * This HELLO with only {@code services} and {@code shapes}, flagged {@link
   * #FLAG_SERVICES_FILTERED}: what a server tells a client whose credential may call only some.
   */
  public Hello withOnly(List<ServiceInfo> services, Map<String, String> shapes) {
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, List.copyOf(services), Map.copyOf(shapes),
        false, true, Map.of());
  }

  /** Services a client takes from a server's HELLO, at most (see {@link #fromServer}). */
  public static final int MAX_SERVER_SERVICES = 4096;
  /** Methods, over all services, a client takes from a server's HELLO, at most. */
  public static final int MAX_SERVER_METHODS = 65_536;
  /** Class shapes a client takes from a server's HELLO, at most. */
  public static final int MAX_SERVER_SHAPES = 65_536;

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
      buf.writeByte((detailsWithheld ? FLAG_DETAILS_WITHHELD : 0)
          | (servicesFiltered ? FLAG_SERVICES_FILTERED : 0));
      RequestHeader.writeMetadata(buf, metadata);
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
    return fromFirstFrame(frame, requireCommonVersion, DEFAULT_METADATA_BYTES,
        DEFAULT_METADATA_ENTRIES);
  }

  /**
   * As {@link #fromFirstFrame(Frame, boolean)}, holding the HELLO's metadata to these limits (see
   * {@link #read(ByteBuf, int, int)}).
   */
  public static Hello fromFirstFrame(Frame frame, boolean requireCommonVersion,
      int maxMetadataBytes, int maxMetadataEntries) {
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
      return read(header, maxMetadataBytes, maxMetadataEntries);
    } catch (CorruptedFrameException e) {
      if (frame.type() == FrameType.HELLO) {
        throw new CorruptedFrameException("malformed HELLO: " + e.getMessage(), e);
      }
      throw e;
    } finally {
      frame.release();
    }
  }

  /**
   * The server's HELLO, what a client reads first; releases {@code frame}. Each service's methods
   * and the class shapes are checked for form now and parsed when first asked for (see {@code
   * HelloSections}): a client builds entries only for the services it calls. Besides the frame's
   * size, which the client's decoder held to {@code minirpc.maxServerHelloSize} before buffering
   * it, it holds the counts to {@link #MAX_SERVER_SERVICES}, {@link #MAX_SERVER_METHODS} and {@link
   * #MAX_SERVER_SHAPES}, checked from the wire before the entries are made.
   *
   * @throws CorruptedFrameException if the frame is not a HELLO, is malformed, or lists more
   */
  public static Hello fromServer(Frame frame) {
    try {
      if (frame.type() != FrameType.HELLO) {
        throw new CorruptedFrameException("the first frame must be HELLO, not " + frame.type());
      }
      return readServerHello(frame.header());
    } catch (CorruptedFrameException e) {
      if (frame.type() == FrameType.HELLO) {
        throw new CorruptedFrameException("malformed HELLO: " + e.getMessage(), e);
      }
      throw e;
    } finally {
      frame.release();
    }
  }

  /** The header of a server's HELLO, read as {@link #fromServer} does. */
  static Hello readServerHello(ByteBuf in) {
    return read(in, DEFAULT_METADATA_BYTES, DEFAULT_METADATA_ENTRIES, MAX_SERVER_SERVICES,
        MAX_SERVER_METHODS, MAX_SERVER_SHAPES, true);
  }

  /** Reads a HELLO header; throws CorruptedFrameException if it is malformed. */
  public static Hello read(ByteBuf in) {
    return read(in, DEFAULT_METADATA_BYTES, DEFAULT_METADATA_ENTRIES);
  }

  /**
   * Reads a HELLO header. Metadata over {@code maxMetadataBytes} or {@code maxMetadataEntries}
   * (checked from the wire before any entry is made) is dropped whole: the HELLO then carries no
   * credential, and the calls, which carry the same metadata, are refused for it one by one.
   *
   * @throws CorruptedFrameException if it is malformed
   */
  public static Hello read(ByteBuf in, int maxMetadataBytes, int maxMetadataEntries) {
    return read(in, maxMetadataBytes, maxMetadataEntries, Integer.MAX_VALUE, Integer.MAX_VALUE,
        Integer.MAX_VALUE, false);
  }

  /** With {@code lazy}, methods and shapes are checked now and parsed on first use. */
  private static Hello read(ByteBuf in, int maxMetadataBytes, int maxMetadataEntries,
      int maxServices, int maxMethods, int maxShapes, boolean lazy) {
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
    atMost(n, maxServices, "services");
    List<ServiceInfo> services = new ArrayList<>(n);
    int methodCount = 0;
    for (int i = 0; i < n; i++) {
      String name = Frames.readString(in);
      int m = Frames.readUnsignedShort(in);
      methodCount += m;
      atMost(methodCount, maxMethods, "methods");
      if (lazy) {
        services.add(new ServiceInfo(name, HelloSections.methods(in, m)));
        continue;
      }
      List<MethodInfo> methods = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        String key = Frames.readString(in);
        String signature = Frames.readString(in);
        methods.add(new MethodInfo(key, signature, Frames.readLong(in)));
      }
      services.add(new ServiceInfo(name, List.copyOf(methods)));
    }
    n = Frames.readUnsignedShort(in);
    atMost(n, maxShapes, "class shapes");
    Map<String, String> shapes = lazy ? HelloSections.shapes(in, n) : new LinkedHashMap<>();
    for (int i = 0; !lazy && i < n; i++) {
      shapes.put(Frames.readString(in), Frames.readString(in));
    }
    int flags = 0;
    Map<String, String> metadata = Map.of();
    if (in.isReadable()) { // the optional section; other flag bits are reserved
      flags = in.readUnsignedByte();
      try {
        metadata = RequestHeader.readMetadata(in, maxMetadataBytes, maxMetadataEntries);
      } catch (RpcException overLimit) {
        in.skipBytes(in.readableBytes());
      }
    }
    if (maxFrameSize < 1024) {
      throw new CorruptedFrameException("HELLO announces a maximum frame size of " + maxFrameSize);
    }
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeat, idle, maxCalls,
        List.copyOf(codecs), List.copyOf(allowed), List.copyOf(services),
        lazy ? shapes : Map.copyOf(shapes),
        (flags & FLAG_DETAILS_WITHHELD) != 0, (flags & FLAG_SERVICES_FILTERED) != 0,
        Map.copyOf(metadata));
  }

  /** Names the metadata's keys only: its values may be credentials. */
  @Override
  public String toString() {
    return "Hello[versions " + minVersion + ".." + maxVersion + ", maxFrameSize " + maxFrameSize
        + ", codecs " + codecNames() + ", " + services.size() + " services"
        + (detailsWithheld ? ", details withheld" : "")
        + (servicesFiltered ? ", services filtered" : "") + ", metadata keys " + metadata.keySet()
        + "]";
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

  private static void atMost(int n, int max, String what) {
    if (n > max) {
      throw new CorruptedFrameException("it lists more than " + max + " " + what + ", the most"
          + " a client takes from a handshake");
    }
  }

  private static int count(int n, String what) {
    if (n > 0xFFFF) {
      throw new IllegalStateException("Too many " + what + " for a handshake: " + n);
    }
    return n;
  }
}
