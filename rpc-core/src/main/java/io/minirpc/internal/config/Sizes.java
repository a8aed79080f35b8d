package io.minirpc.internal.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes as users write them in Properties: {@code 16777216}, {@code 512KiB}, {@code 16MiB}. */
public final class Sizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|kib|mib|gib)?", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  /**
   * Parses {@code value}, the setting of {@code key}, to a number of bytes that fits an {@code int}.
   *
   * @throws IllegalArgumentException naming the key and the accepted forms
   */
  public static int parse(String key, String value) {
    Matcher m = SIZE.matcher(value.trim());
    if (m.matches()) {
      try {
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long bytes;
        switch (unit) {
          case "kib":
            bytes = Math.multiplyExact(amount, 1024L);
            break;
          case "mib":
            bytes = Math.multiplyExact(amount, 1024L * 1024);
            break;
          case "gib":
            bytes = Math.multiplyExact(amount, 1024L * 1024 * 1024);
            break;
          default:
            bytes = amount;
        }
        return Math.toIntExact(bytes);
      } catch (ArithmeticException | NumberFormatException e) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException(
        key
            + " = '"
            + value
            + "' is not a size: write a number of bytes, optionally with a unit (16777216, 512KiB,"
            + " 16MiB), below 2GiB");
  }
}
