package io.minirpc.cli;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * What a server sent, made safe to print: a terminal obeys control characters, so a server whose
 * names or messages hold ESC (or U+009B, the one-character CSI) could move the cursor, clear the
 * screen or retitle the window, and a bidi override could make a name read as another. Each such
 * character is shown as {@code \\uXXXX} instead.
 */
final class Terminal {
  private Terminal() {}

  /**
   * Whether a terminal could act on {@code c}: C0 controls, DEL, C1 controls, and the bidi
   * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
   */
  static boolean unsafe(int c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }

  /** {@code text} with every {@link #unsafe} character written as {@code \\uXXXX}. */
  static String safe(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (unsafe(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /**
   * JSON's own escapes, plus DEL, C1 and bidi controls: Jackson escapes only what JSON requires
   * (below U+0020), and the output must stay valid JSON as well as safe to print.
   */
  static final class JsonEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;

    private final int[] ascii;

    JsonEscapes() {
      ascii = standardAsciiEscapesForJSON();
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int c) {
      return unsafe(c) ? new SerializedString(String.format("\\u%04x", c)) : null;
    }
  }
}
