package io.minirpc.internal.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes as users write them in Properties: {@code 16777216}, {@code 512KiB}, {@code 16MiB}. */
public final class Sizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|kib|mib|gib)?", Pattern.CASE_INSENSITIVE);
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final long GIB = 1024 * MIB;

  private Sizes() {}

  /**
   * Parses {@code value}, the setting of {@code key}, to a number of bytes that fits an {@code int}.
   *
   * @throws IllegalArgumentException naming the key and the accepted forms
   */
  public static int parse(String key, String value) {
    long bytes = bytes(value);
    if (bytes >= 0 && bytes <= Integer.MAX_VALUE) {
      return (int) bytes;
    }
    throw new IllegalArgumentException(
        key
            + " = '"
            + value
            + "' is not a size: write a number of bytes, optionally with a unit (16777216, 512KiB,"
            + " 16MiB), below 2GiB");
  }

  /**
   * Parses {@code value}, the setting of {@code key}, to a number of bytes, 2GiB and above
   * included.
   *
   * @throws IllegalArgumentException naming the key and the accepted forms
   */
  public static long parseLong(String key, String value) {
    long bytes = bytes(value);
    if (bytes >= 0) {
      return bytes;
    }
    throw new IllegalArgumentException(
        key
            + " = '"
            + value
            + "' is not a size: write a number of bytes, optionally with a unit (16777216, 512KiB,"
            + " 16MiB, 4GiB)");
  }

  /** {@code bytes} as the settings table writes it: {@code 64MiB}, {@code 512KiB}, {@code 1000}. */
  public static String format(long bytes) {
    if (bytes != 0 && bytes % GIB == 0) {
      return bytes / GIB + "GiB";
    }
    if (bytes != 0 && bytes % MIB == 0) {
      return bytes / MIB + "MiB";
    }
    if (bytes != 0 && bytes % KIB == 0) {
      return bytes / KIB + "KiB";
    }
    return Long.toString(bytes);
  }

  /** The number of bytes, or -1 if {@code value} is not a size that fits a long. */
  private static long bytes(String value) {
    Matcher m = SIZE.matcher(value.trim());
    if (!m.matches()) {
      return -1;
    }
    try {
      long amount = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
      switch (unit) {
        case "kib":
          return Math.multiplyExact(amount, KIB);
        case "mib":
          return Math.multiplyExact(amount, MIB);
        case "gib":
          return Math.multiplyExact(amount, GIB);
        default:
          return amount;
      }
    } catch (ArithmeticException | NumberFormatException e) {
      return -1;
    }
  }
}
