package io.minirpc.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The parts of a server's HELLO that a client reads lazily: each service's methods and the class
 * shapes stay as the bytes they came in, checked for form when the HELLO is read, until something
 * asks for them. A client then holds no more than the HELLO's bytes for the services it never
 * calls, and builds the entries of those it does, once.
 */
final class HelloSections {
  private HelloSections() {}

  /**
   * Skips the {@code count} method entries at {@code in}'s reader index, checking their form, and
   * returns them as a list that parses them on first use.
   */
  static java.util.List<Hello.MethodInfo> methods(ByteBuf in, int count) {
    int start = in.readerIndex();
    for (int i = 0; i < count; i++) {
      skipString(in);
      skipString(in);
      Frames.readLong(in);
    }
    return new Methods(copy(in, start), count);
  }

  /** As {@link #methods}, for {@code count} class shapes: a map that parses them on first use. */
  static Map<String, String> shapes(ByteBuf in, int count) {
    int start = in.readerIndex();
    for (int i = 0; i < count; i++) {
      skipString(in);
      skipString(in);
    }
    return new Shapes(copy(in, start), count);
  }

  private static byte[] copy(ByteBuf in, int start) {
    byte[] bytes = new byte[in.readerIndex() - start];
    in.getBytes(start, bytes);
    return bytes;
  }

  private static void skipString(ByteBuf in) {
    int length = Frames.readUnsignedShort(in);
    if (in.readableBytes() < length) {
      throw new io.netty.handler.codec.CorruptedFrameException("Header string of " + length
          + " bytes overruns the header (" + in.readableBytes() + " bytes left)");
    }
    in.skipBytes(length);
  }

  private static final class Methods extends AbstractList<Hello.MethodInfo> {
    private final byte[] bytes;
    private final int count;
    private volatile Hello.MethodInfo[] parsed;

    Methods(byte[] bytes, int count) {
      this.bytes = bytes;
      this.count = count;
    }

    @Override
    public Hello.MethodInfo get(int index) {
      java.util.Objects.checkIndex(index, count);
      Hello.MethodInfo[] p = parsed;
      if (p == null) {
        p = new Hello.MethodInfo[count];
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        for (int i = 0; i < count; i++) {
          p[i] = new Hello.MethodInfo(Frames.readString(in), Frames.readString(in),
              in.readLong());
        }
        parsed = p;
      }
      return p[index];
    }

    @Override
    public int size() {
      return count;
    }
  }

  private static final class Shapes extends AbstractMap<String, String> {
    private final byte[] bytes;
    private final int count;
    private volatile Map<String, String> parsed;

    Shapes(byte[] bytes, int count) {
      this.bytes = bytes;
      this.count = count;
    }

    private Map<String, String> parsed() {
      Map<String, String> p = parsed;
      if (p == null) {
        p = new LinkedHashMap<>();
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        for (int i = 0; i < count; i++) {
          p.put(Frames.readString(in), Frames.readString(in));
        }
        parsed = p;
      }
      return p;
    }

    @Override
    public String get(Object key) {
      return parsed().get(key);
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      return java.util.Collections.unmodifiableMap(parsed()).entrySet();
    }
  }
}
