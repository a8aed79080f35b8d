package io.minirpc.codec.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import io.minirpc.codec.DecodeBudget;
import java.io.IOException;
import java.io.InputStream;

/**
 * A Kryo {@link Input} over one whole slot, that refuses any declared length the remaining bytes
 * cannot hold before it allocates. Stock Kryo allocates whatever a payload declares: five bytes
 * that claim a two-billion-element array would otherwise throw {@link OutOfMemoryError}.
 */
final class BoundedInput extends Input {
  /** Buffers above this size are dropped after use rather than kept by a pooled instance. */
  private static final int RETAINED_BUFFER = 64 * 1024;
  /** Elements decoded between two checks of the budget: a check costs a volatile read or two. */
  static final int CHECK_EVERY = 1024;

  private DecodeBudget budget = DecodeBudget.UNLIMITED;
  private int untilCheck = CHECK_EVERY;

  BoundedInput() {
    super(new byte[4096], 0, 0);
  }

  /** Loads the whole slot: the SPI promises {@code available()} is exactly what remains. */
  void load(InputStream in) throws IOException {
    int n = in.available();
    byte[] b = buffer.length >= n ? buffer : new byte[n];
    if (in.readNBytes(b, 0, n) != n) {
      throw new IOException("the slot ended before its " + n + " bytes");
    }
    setBuffer(b, 0, n);
  }

  /** The budget of the value about to be read. */
  void budget(DecodeBudget budget) {
    this.budget = budget;
    this.untilCheck = CHECK_EVERY;
  }

  /**
   * Counts one element decoded, and checks the budget every {@link #CHECK_EVERY}: called by every
   * serializer that loops over a declared number of elements.
   *
   * @throws KryoException caused by the budget's IOException, which the codec passes on as it is
   */
  void tick() {
    if (--untilCheck == 0) {
      untilCheck = CHECK_EVERY;
      try {
        budget.check();
      } catch (IOException e) {
        throw new KryoException(e.getMessage(), e);
      }
    }
  }

  /** Forgets the slot, and drops buffers too large to keep in a pool. */
  void release() {
    budget = DecodeBudget.UNLIMITED;
    byte[] b = buffer.length > RETAINED_BUFFER ? new byte[4096] : buffer;
    setBuffer(b, 0, 0);
    if (chars.length > RETAINED_BUFFER) {
      chars = new char[32];
    }
  }

  /** Bytes left in the slot. */
  int remaining() {
    return limit - position;
  }

  /**
   * Fails unless {@code count} items of at least {@code bytesEach} bytes fit in what is left.
   *
   * @throws KryoException naming what was declared and what is there
   */
  void need(long count, int bytesEach, String what) {
    if (count < 0 || count * bytesEach > remaining()) {
      throw new KryoException(
          "the payload declares "
              + what
              + " of "
              + count
              + " elements, but only "
              + remaining()
              + " bytes are left");
    }
  }

  @Override
  public byte[] readBytes(int length) {
    need(length, 1, "a byte array");
    return super.readBytes(length);
  }

  @Override
  public int[] readInts(int length) {
    need(length, 4, "an int array");
    return super.readInts(length);
  }

  @Override
  public int[] readInts(int length, boolean optimizePositive) {
    need(length, 1, "an int array");
    return super.readInts(length, optimizePositive);
  }

  @Override
  public long[] readLongs(int length) {
    need(length, 8, "a long array");
    return super.readLongs(length);
  }

  @Override
  public long[] readLongs(int length, boolean optimizePositive) {
    need(length, 1, "a long array");
    return super.readLongs(length, optimizePositive);
  }

  @Override
  public float[] readFloats(int length) {
    need(length, 4, "a float array");
    return super.readFloats(length);
  }

  @Override
  public double[] readDoubles(int length) {
    need(length, 8, "a double array");
    return super.readDoubles(length);
  }

  @Override
  public short[] readShorts(int length) {
    need(length, 2, "a short array");
    return super.readShorts(length);
  }

  @Override
  public char[] readChars(int length) {
    need(length, 2, "a char array");
    return super.readChars(length);
  }

  @Override
  public boolean[] readBooleans(int length) {
    need(length, 1, "a boolean array");
    return super.readBooleans(length);
  }

  @Override
  public String readString() {
    checkStringLength();
    return super.readString();
  }

  @Override
  public StringBuilder readStringBuilder() {
    checkStringLength();
    return super.readStringBuilder();
  }

  /**
   * A UTF-8 string starts with its character count; each character takes at least one byte. An
   * ASCII string has no count: it ends at the byte with its high bit set, so it cannot overrun.
   */
  private void checkStringLength() {
    if (position < limit && (buffer[position] & 0x80) != 0) {
      int start = position;
      int charCount = readVarIntFlag(true);
      try {
        if (charCount > 1) { // 0 is null, 1 is "", n is n - 1 characters
          need(charCount - 1L, 1, "a string");
        }
      } finally {
        position = start;
      }
    }
  }
}
