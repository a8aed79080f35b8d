package io.minirpc.text;

/**
 * Makes text from the network fit for a log line, as minirpc's own logging does: control and
 * format characters escaped, so that a newline cannot forge a line of its own, and cut to a
 * length with a count of the rest. For modules that log what a peer or a registry sent, such as
 * a discovery module logging a node it could not read.
 */
public final class UntrustedText {
  /** The most characters of one untrusted string that {@link #escape(Object)} lets through. */
  public static final int MAX_CHARS = 200;

  private UntrustedText() {}

  /**
   * {@code s} escaped and cut: {@code \n}, {@code \r}, {@code \t} and {@code \\} as such, other
   * control and format characters (U+2028 included) as {@code \\uXXXX}, and past {@value
   * #MAX_CHARS} characters "…(N more)".
   *
   * @param s the text, or any object whose {@code toString} is the text; null gives "null"
   * @return the text, fit for a log line
   */
  public static String escape(Object s) {
    return escape(s, MAX_CHARS);
  }

  /**
   * {@link #escape(Object)} cut at another length: for a message of one's own words that embeds
   * what a peer sent, such as a protocol error's reason.
   *
   * @param s the text, or any object whose {@code toString} is the text; null gives "null"
   * @param maxChars the most characters of it to keep
   * @return the text, fit for a log line
   */
  public static String escape(Object s, int maxChars) {
    if (s == null) {
      return "null";
    }
    String text = s.toString();
    int end = Math.min(text.length(), maxChars);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      String replacement = replacement(c);
      if (replacement != null && out == null) {
        out = new StringBuilder(end + 16).append(text, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.append(c);
        }
      }
    }
    String escaped = out == null ? text.substring(0, end) : out.toString();
    return end < text.length() ? escaped + "…(" + (text.length() - end) + " more)" : escaped;
  }

  private static String replacement(char c) {
    switch (c) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '\\':
        return "\\\\";
      default:
        int type = Character.getType(c);
        if (type == Character.CONTROL || type == Character.FORMAT
            || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
          return String.format("\\u%04x", (int) c);
        }
        return null;
    }
  }
}
