package io.minirpc.internal.protocol;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Map;

/**
 * What made a request or an answer larger than the maximum frame size, in words: the value that
 * has a size (an array, a string, a collection or a map), the largest of a request's arguments,
 * and what the codec makes of it. JSON writes a {@code byte[]} as base64, four bytes for every
 * three, so 50 MB of bytes need about 67 MB of frame. Only on the path of a refusal: nothing here
 * runs for a call that fits.
 */
public final class ValueSize {
  private ValueSize() {}

  /** " The result is a string of 102400 characters." or "" when {@code value} has no size. */
  public static String ofResult(Object value, String codecName) {
    long size = size(value);
    return size < 0 ? "" : " The result is " + what(value, size)
        + inflation(value, size, codecName) + ".";
  }

  /**
   * " Its largest argument is argument 2, a byte[] of 102400 bytes, which the json codec writes
   * as base64: about 136538 bytes (...)." or "" when no argument has a size.
   */
  public static String ofArguments(Object[] args, String codecName) {
    int largest = -1;
    long largestSize = -1;
    for (int i = 0; args != null && i < args.length; i++) {
      long size = size(args[i]);
      if (size > largestSize) {
        largest = i;
        largestSize = size;
      }
    }
    if (largest < 0 || largestSize < 0) {
      return "";
    }
    Object arg = args[largest];
    return " Its largest argument is argument " + (largest + 1) + ", " + what(arg, largestSize)
        + inflation(arg, largestSize, codecName) + ".";
  }

  /** What the codec makes of {@code value}, when it makes it larger. */
  private static String inflation(Object value, long size, String codecName) {
    if (value instanceof byte[] && "json".equals(codecName)) {
      return ", which the json codec writes as base64: about " + base64(size) + " bytes (the"
          + " kryo codec writes bytes as they are)";
    }
    return "";
  }

  /** Bytes, characters or elements; -1 for a value without a size. */
  private static long size(Object arg) {
    if (arg == null) {
      return -1;
    } else if (arg.getClass().isArray()) {
      return Array.getLength(arg);
    } else if (arg instanceof CharSequence s) {
      return s.length();
    } else if (arg instanceof Collection<?> c) {
      return c.size();
    } else if (arg instanceof Map<?, ?> m) {
      return m.size();
    }
    return -1;
  }

  private static String what(Object arg, long size) {
    if (arg instanceof byte[]) {
      return "a byte[] of " + count(size, "byte", "bytes");
    } else if (arg.getClass().isArray()) {
      return "a " + arg.getClass().getComponentType().getSimpleName() + "[] of "
          + count(size, "element", "elements");
    } else if (arg instanceof CharSequence) {
      return "a string of " + count(size, "character", "characters");
    } else if (arg instanceof Map<?, ?>) {
      return "a map of " + count(size, "entry", "entries");
    }
    return "a collection of " + count(size, "element", "elements");
  }

  private static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  /** The length of {@code n} bytes in base64, with its quotes. */
  private static long base64(long n) {
    return (n + 2) / 3 * 4 + 2;
  }
}
