package io.minirpc.text;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as minirpc's configuration writes them: {@code 250ms}, {@code 5s}, {@code
 * PT5S}. For tools and modules that take durations from their users the same way, such as a
 * discovery URI's parameters or a command-line option.
 */
public final class Durations {
  private static final Pattern SIMPLE =
      Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  private Durations() {}

  /**
   * Parses {@code value}, the setting of {@code key}: a whole number with a unit ({@code ns, us,
   * ms, s, m, h, d}) or an ISO-8601 duration ({@code PT0.25S}).
   *
   * @param key what the value sets, named in the message of a value that is not a duration
   * @param value the text to parse
   * @return the duration
   * @throws IllegalArgumentException naming the key and the accepted forms
   */
  public static Duration parse(String key, String value) {
    String text = value.trim();
    Matcher m = SIMPLE.matcher(text);
    try {
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "ns":
            return Duration.ofNanos(amount);
          case "us":
            return Duration.ofNanos(Math.multiplyExact(amount, 1000L));
          case "ms":
            return Duration.ofMillis(amount);
          case "s":
            return Duration.ofSeconds(amount);
          case "m":
            return Duration.ofMinutes(amount);
          case "h":
            return Duration.ofHours(amount);
          default:
            return Duration.ofDays(amount);
        }
      }
      if (text.length() > 1 && (text.charAt(0) == 'P' || text.charAt(0) == 'p')) {
        return Duration.parse(text);
      }
    } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        key
            + " = '"
            + value
            + "' is not a duration: write a whole number with a unit (250ms, 5s, 2m) or an"
            + " ISO-8601 duration (PT5S)");
  }
}
