package io.minirpc.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;

/**
 * The service and method names one thread read last, so that a request naming a method it named
 * before gets the same String, not a new one: every request carries both names. Direct-mapped by
 * the length and last bytes; a name that misses (or is long) is decoded as {@link Frames#readString}
 * decodes it, and replaces what its slot held. A peer sending ever new names only makes misses.
 */
final class HeaderNames {
  private static final int SLOTS = 32;
  /** Longer names are decoded every time, not kept. */
  private static final int MAX_KEPT = 256;
  private static final FastThreadLocal<HeaderNames> OF_THREAD = new FastThreadLocal<>() {
    @Override
    protected HeaderNames initialValue() {
      return new HeaderNames();
    }
  };

  private final ByteBuf[] bytes = new ByteBuf[SLOTS];
  private final String[] names = new String[SLOTS];

  private HeaderNames() {}

  /** The string of {@code length} bytes at {@code buf}'s reader index, which it passes. */
  static String read(ByteBuf buf, int length) {
    if (length > MAX_KEPT) {
      String s = buf.toString(buf.readerIndex(), length, StandardCharsets.UTF_8);
      buf.skipBytes(length);
      return s;
    }
    return OF_THREAD.get().find(buf, length);
  }

  private String find(ByteBuf buf, int length) {
    int at = buf.readerIndex();
    // Names of one interface share their start, so the slot comes from the length and the end.
    long end = length >= 8 ? buf.getLong(at + length - 8)
        : length >= 4 ? buf.getInt(at + length - 4) : length > 0 ? buf.getByte(at) : 0;
    long mixed = (end ^ length) * 0x9E3779B97F4A7C15L;
    int slot = (int) (mixed >>> 59) & (SLOTS - 1);
    ByteBuf kept = bytes[slot];
    if (kept != null && kept.readableBytes() == length
        && ByteBufUtil.equals(buf, at, kept, 0, length)) {
      buf.skipBytes(length);
      return names[slot];
    }
    byte[] read = new byte[length];
    buf.readBytes(read);
    String name = new String(read, StandardCharsets.UTF_8);
    bytes[slot] = Unpooled.wrappedBuffer(read);
    names[slot] = name;
    return name;
  }
}
