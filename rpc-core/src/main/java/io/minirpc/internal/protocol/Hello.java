package io.minirpc.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
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
 * | optional: answer compressor uint8, compressors: uint16 count x (id uint8, name string)    |
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
 * the older layout ignores it. So is the compression section after it: the compressors its sender
 * can inflate, and from a client the one it asks its answers to be compressed with (see {@code
 * Compression}); a HELLO without it names none, and gets nothing compressed.
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
    Map<String, String> metadata,
    List<CodecInfo> compressors,
    int answerCompressor,
    boolean streams,
    boolean streamEnds) {

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

  /**
   * Flag of either side's HELLO: its sender speaks streams, the ITEM and CREDIT frames. A client
   * sends a method that streams only to a server whose HELLO has it.
   */
  public static final int FLAG_STREAMS = 0x04;

  /**
   * Flag of a client's HELLO: it takes an END from the server, for a stream it sends, as the word
   * to stop sending it while the call goes on; a server sends such an END to no other client.
   */
  public static final int FLAG_STREAM_ENDS = 0x08;

  /** A HELLO that takes no END from a server: a server's, or an older client's. */
  public Hello(int minVersion, int maxVersion, int maxFrameSize, long heartbeatNanos,
      long idleTimeoutNanos, int maxCallsPerConnection, List<CodecInfo> codecs,
      List<String> allowedClasses, List<ServiceInfo> services, Map<String, String> shapes,
      boolean detailsWithheld, boolean servicesFiltered, Map<String, String> metadata,
      List<CodecInfo> compressors, int answerCompressor, boolean streams) {
    this(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, services, shapes, detailsWithheld,
        servicesFiltered, metadata, compressors, answerCompressor, streams, false);
  }

  /** The canonical HELLO, of a sender that speaks streams as this version does. */
  public Hello(int minVersion, int maxVersion, int maxFrameSize, long heartbeatNanos,
      long idleTimeoutNanos, int maxCallsPerConnection, List<CodecInfo> codecs,
      List<String> allowedClasses, List<ServiceInfo> services, Map<String, String> shapes,
      boolean detailsWithheld, boolean servicesFiltered, Map<String, String> metadata,
      List<CodecInfo> compressors, int answerCompressor) {
    this(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, services, shapes, detailsWithheld,
        servicesFiltered, metadata, compressors, answerCompressor, true);
  }

  /** Metadata a HELLO read by {@link HelloReader} may carry; a server passes its own limits. */
  static final int DEFAULT_METADATA_BYTES = 8192;
  static final int DEFAULT_METADATA_ENTRIES = 64;

  /** A HELLO whose services, if any, are all the server's. */
  public Hello(int minVersion, int maxVersion, int maxFrameSize, long heartbeatNanos,
      long idleTimeoutNanos, int maxCallsPerConnection, List<CodecInfo> codecs,
      List<String> allowedClasses, List<ServiceInfo> services, Map<String, String> shapes,
      boolean detailsWithheld, Map<String, String> metadata) {
    this(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, services, shapes, detailsWithheld, false,
        metadata, List.of(), 0);
  }

  /** A HELLO with no flags and no metadata. */
  public Hello(int minVersion, int maxVersion, int maxFrameSize, long heartbeatNanos,
      long idleTimeoutNanos, int maxCallsPerConnection, List<CodecInfo> codecs,
      List<String> allowedClasses, List<ServiceInfo> services, Map<String, String> shapes) {
    this(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, services, shapes, false, Map.of());
  }

  /** This HELLO flagged {@link #FLAG_STREAM_ENDS}: a client's, of this version. */
  public Hello withStreamEnds() {
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, services, shapes, detailsWithheld,
        servicesFiltered, metadata, compressors, answerCompressor, streams, true);
  }

  /** This HELLO with {@code metadata}: what a client sends. */
  public Hello withMetadata(Map<String, String> metadata) {
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, services, shapes, detailsWithheld,
        servicesFiltered, Map.copyOf(metadata), compressors, answerCompressor, streams,
        streamEnds);
  }

  /**
   * This HELLO naming {@code compressors}, the ones its sender can inflate, and, from a client,
   * the id of the one it would like its answers compressed with (0 for none).
   */
  public Hello withCompression(List<CodecInfo> compressors, int answerCompressor) {
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, services, shapes, detailsWithheld,
        servicesFiltered, metadata, List.copyOf(compressors), answerCompressor, streams,
        streamEnds);
  }

  /** The names of {@code classes}, sorted, as a HELLO lists the allowed classes. */
  public static List<String> classNames(java.util.Collection<Class<?>> classes) {
    List<String> names = new ArrayList<>(classes.size());
    for (Class<?> c : classes) {
      names.add(c.getName());
    }
    java.util.Collections.sort(names);
    return names;
  }

  /** {@code compressors} as a HELLO names them. */
  public static List<CodecInfo> infos(List<io.minirpc.compression.Compressor> compressors) {
    List<CodecInfo> infos = new ArrayList<>(compressors.size());
    for (io.minirpc.compression.Compressor c : compressors) {
      infos.add(new CodecInfo((byte) c.id(), c.name()));
    }
    return infos;
  }

  /** Whether its sender named the compressor with this id: it can inflate what it compresses. */
  public boolean inflates(int compressorId) {
    for (CodecInfo c : compressors) {
      if ((c.id() & 0xFF) == compressorId) {
        return true;
      }
    }
    return false;
  }

  /**
   * This HELLO without services, shapes and allowed classes, flagged {@link
   * #FLAG_DETAILS_WITHHELD}: what a server with an authenticator tells a peer it has not
   * authenticated. Codecs and limits stay: a client needs them to talk at all.
   */
  public Hello withoutDetails() {
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, List.of(), List.of(), Map.of(), true, false, Map.of(),
        compressors, 0, streams, streamEnds);
  }

  /**
   * This HELLO with only {@code services} and {@code shapes}, flagged {@link
   * #FLAG_SERVICES_FILTERED}: what a server tells a client whose credential may call only some.
   */
  public Hello withOnly(List<ServiceInfo> services, Map<String, String> shapes) {
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeatNanos, idleTimeoutNanos,
        maxCallsPerConnection, codecs, allowedClasses, List.copyOf(services), Map.copyOf(shapes),
        false, true, Map.of(), compressors, 0, streams, streamEnds);
  }

  /**
   * Services a client takes from a server's HELLO, at most (see {@link
   * HelloReader#fromServer}).
   */
  public static final int MAX_SERVER_SERVICES = 4096;
  /** Methods, over all services, a client takes from a server's HELLO, at most. */
  public static final int MAX_SERVER_METHODS = 65_536;
  /** Class shapes a client takes from a server's HELLO, at most. */
  public static final int MAX_SERVER_SHAPES = 65_536;

  /** Shapes are cut to this length: they only serve to name a difference in a message. */
  public static final int MAX_SHAPE_CHARS = 4096;

  /** A codec, or a compressor, by its frame id and name. */
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
          | (servicesFiltered ? FLAG_SERVICES_FILTERED : 0) | (streams ? FLAG_STREAMS : 0)
          | (streamEnds ? FLAG_STREAM_ENDS : 0));
      RequestHeader.writeMetadata(buf, metadata);
      buf.writeByte(answerCompressor);
      buf.writeShort(count(compressors.size(), "compressors"));
      for (CodecInfo c : compressors) {
        buf.writeByte(c.id());
        Frames.writeString(buf, c.name());
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

  /** Names the metadata's keys only: its values may be credentials. */
  @Override
  public String toString() {
    return "Hello[versions " + minVersion + ".." + maxVersion + ", maxFrameSize " + maxFrameSize
        + ", codecs " + codecNames() + ", " + services.size() + " services"
        + (detailsWithheld ? ", details withheld" : "")
        + (servicesFiltered ? ", services filtered" : "") + ", metadata keys " + metadata.keySet()
        + (compressors.isEmpty() ? "" : ", compressors " + compressors) + "]";
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
