package io.minirpc.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The service and method names one thread read last, so that a request naming a method it named
 * before gets the same String, not a new one: every request carries both names. Direct-mapped by
 * a hash of the bytes; a name that misses (or is long) is decoded as {@link Frames#readString}
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

  private final byte[][] bytes = new byte[SLOTS][];
  private final String[] names = new String[SLOTS];
  /** The name being read, copied in one bulk read: a buffer checks itself at every access. */
  private final byte[] scratch = new byte[MAX_KEPT];

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
    byte[] name = scratch;
    buf.readBytes(name, 0, length);
    int hash = length;
    for (int i = 0; i < length; i++) {
      hash = 31 * hash + name[i];
    }
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    byte[] kept = bytes[slot];
    if (kept != null && Arrays.equals(kept, 0, kept.length, name, 0, length)) {
      return names[slot];
    }
    kept = Arrays.copyOf(name, length);
    String found = new String(kept, StandardCharsets.UTF_8);
    bytes[slot] = kept;
    names[slot] = found;
    return found;
  }
}
