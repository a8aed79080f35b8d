package io.minirpc.internal.config;


/**
 * Renders the configuration table of {@value #FILE} from {@link Keys}, and rewrites it in place
 * between the {@link #START} and {@link #END} markers. From the repository's root, {@link #COMMAND}
 * rewrites it.
 *
 * <p>{@code ConfigTableTest} fails the build while {@value #FILE} differs from the declarations.
 */
public final class ConfigTable {
  public static final String START = "<!-- config-table:start -->";
  public static final String END = "<!-- config-table:end -->";
  /** The file that holds the table, relative to the repository's root. */
  public static final String FILE = "docs/configuration.md";
  /** The command that regenerates the table, run from the repository's root. */
  public static final String COMMAND = "mvn -B -pl rpc-core -am test -Dtest=ConfigTableTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false -DregenerateReadme=true";

  private ConfigTable() {}

  /** The table, one row per key, family and alias, each line ending in a newline. */
  public static String render() {
    StringBuilder out = new StringBuilder();
    out.append("| key | side | type | default | builder | meaning |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (Object e : KeyTable.entries()) {
      if (e instanceof Key<?> k) {
        row(out, k.name(), k.side(), k.type().name(), k.defaultText(), code(k.builder()),
            k.meaning());
      } else if (e instanceof Keys.Family f) {
        row(out, f.pattern(), f.side(), f.type(), f.defaultText(), code(f.builder()),
            f.meaning());
      } else if (e instanceof Keys.Alias a) {
        row(out, a.name(), a.target().side(), a.target().type().name(), "—",
            code(a.builder()) + " (deprecated)", a.meaning());
      }
    }
    return out.toString();
  }

  /** {@code text} with what is between the markers replaced by {@link #render()}. */
  public static String update(String text) {
    int start = text.indexOf(START);
    int end = text.indexOf(END);
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          FILE + " has no " + START + " ... " + END + " markers around the table");
    }
    return text.substring(0, start + START.length()) + "\n" + render() + text.substring(end);
  }

  /** The text between the markers, as {@link #update} writes it. */
  public static String current(String text) {
    int start = text.indexOf(START);
    int end = text.indexOf(END);
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          FILE + " has no " + START + " ... " + END + " markers around the table");
    }
    return text.substring(start + START.length() + 1, end);
  }

  private static void row(StringBuilder out, String name, Side side, String type,
      String defaultText, String builder, String meaning) {
    out.append("| `").append(name).append("` | ").append(side.label()).append(" | ")
        .append(type).append(" | ").append(defaultText).append(" | ").append(builder)
        .append(" | ").append(meaning).append(" |\n");
  }

  private static String code(String builder) {
    return builder.indexOf('`') >= 0 ? builder : "`" + builder + "`";
  }
}
