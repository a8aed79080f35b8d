package io.minirpc.internal.protocol;

import io.minirpc.RpcException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link Hello} from the wire: a client's, whose metadata is held to the server's limits,
 * and a server's, whose counts are held to what a client takes and whose sections are parsed
 * lazily. Every count is checked before the entries it announces are made.
 */
public final class HelloReader {
  private HelloReader() {}

  /**
   * The HELLO that must be the first frame of a connection; releases {@code frame}. With {@code
   * requireCommonVersion}, a HELLO whose version range leaves out {@link Protocol#VERSION} is
   * refused from its first two bytes, before the rest is parsed.
   *
   * @throws CorruptedFrameException if the frame is of another type or the HELLO is malformed
   */
  public static Hello fromFirstFrame(Frame frame, boolean requireCommonVersion) {
    return fromFirstFrame(frame, requireCommonVersion, Hello.DEFAULT_METADATA_BYTES,
        Hello.DEFAULT_METADATA_ENTRIES);
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
      throw named(frame, e);
    } finally {
      frame.release();
    }
  }

  /**
   * The server's HELLO, what a client reads first; releases {@code frame}. Each service's methods
   * and the class shapes are checked for form now and parsed when first asked for (see {@code
   * HelloSections}): a client builds entries only for the services it calls. Besides the frame's
   * size, which the client's decoder held to {@code minirpc.maxServerHelloSize} before buffering
   * it, it holds the counts to {@link Hello#MAX_SERVER_SERVICES}, {@link
   * Hello#MAX_SERVER_METHODS} and {@link Hello#MAX_SERVER_SHAPES}, checked from the wire before
   * the entries are made.
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
      throw named(frame, e);
    } finally {
      frame.release();
    }
  }

  /** A HELLO's defect, said to be one: a frame of another type says so itself. */
  private static CorruptedFrameException named(Frame frame, CorruptedFrameException e) {
    return frame.type() == FrameType.HELLO
        ? new CorruptedFrameException("malformed HELLO: " + e.getMessage(), e)
        : e;
  }

  /** The header of a server's HELLO, read as {@link #fromServer} does. */
  static Hello readServerHello(ByteBuf in) {
    return read(in, Hello.DEFAULT_METADATA_BYTES, Hello.DEFAULT_METADATA_ENTRIES,
        Hello.MAX_SERVER_SERVICES, Hello.MAX_SERVER_METHODS, Hello.MAX_SERVER_SHAPES, true);
  }

  /** Reads a HELLO header; throws CorruptedFrameException if it is malformed. */
  public static Hello read(ByteBuf in) {
    return read(in, Hello.DEFAULT_METADATA_BYTES, Hello.DEFAULT_METADATA_ENTRIES);
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
    List<Hello.CodecInfo> codecs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (!in.isReadable()) {
        throw new CorruptedFrameException("HELLO header is truncated in its codecs");
      }
      byte id = in.readByte();
      codecs.add(new Hello.CodecInfo(id, Frames.readString(in)));
    }
    n = Frames.readUnsignedShort(in);
    List<String> allowed = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      allowed.add(Frames.readString(in));
    }
    n = Frames.readUnsignedShort(in);
    atMost(n, maxServices, "services");
    List<Hello.ServiceInfo> services = new ArrayList<>(n);
    int methodCount = 0;
    for (int i = 0; i < n; i++) {
      String name = Frames.readString(in);
      int m = Frames.readUnsignedShort(in);
      methodCount += m;
      atMost(methodCount, maxMethods, "methods");
      if (lazy) {
        services.add(new Hello.ServiceInfo(name, HelloSections.methods(in, m)));
        continue;
      }
      List<Hello.MethodInfo> methods = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        String key = Frames.readString(in);
        String signature = Frames.readString(in);
        methods.add(new Hello.MethodInfo(key, signature, Frames.readLong(in)));
      }
      services.add(new Hello.ServiceInfo(name, List.copyOf(methods)));
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
        in.skipBytes(in.readableBytes()); // and with it the compression section: none
      }
    }
    int answerCompressor = 0;
    List<Hello.CodecInfo> compressors = List.of();
    if (in.isReadable()) { // the compression section, optional too
      answerCompressor = in.readUnsignedByte();
      n = Frames.readUnsignedShort(in);
      atMost(n, 255, "compressors");
      compressors = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        if (!in.isReadable()) {
          throw new CorruptedFrameException("HELLO header is truncated in its compressors");
        }
        byte id = in.readByte();
        compressors.add(new Hello.CodecInfo(id, Frames.readString(in)));
      }
    }
    if (maxFrameSize < 1024) {
      throw new CorruptedFrameException("HELLO announces a maximum frame size of " + maxFrameSize);
    }
    return new Hello(minVersion, maxVersion, maxFrameSize, heartbeat, idle, maxCalls,
        List.copyOf(codecs), List.copyOf(allowed), List.copyOf(services),
        lazy ? shapes : Map.copyOf(shapes),
        (flags & Hello.FLAG_DETAILS_WITHHELD) != 0, (flags & Hello.FLAG_SERVICES_FILTERED) != 0,
        Map.copyOf(metadata), List.copyOf(compressors), answerCompressor,
        (flags & Hello.FLAG_STREAMS) != 0, (flags & Hello.FLAG_STREAM_ENDS) != 0);
  }

  private static void atMost(int n, int max, String what) {
    if (n > max) {
      throw new CorruptedFrameException("it lists more than " + max + " " + what + ", the most"
          + " a client takes from a handshake");
    }
  }
}
