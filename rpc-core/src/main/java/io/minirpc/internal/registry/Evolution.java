package io.minirpc.internal.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of {@code docs/evolution.md}, applied to the class shapes ({@link Fingerprints}) that
 * client and server announce: whether a method whose classes differ between the two can still be
 * called, each side reading what the other writes in the codec's evolving layout, and if not,
 * which field stops it.
 *
 * <p>Values flow one way: arguments from client to server, results back. A field that only the
 * writer has is skipped by the reader; one that only the reader has gets its default, unless the
 * reader marks it required. A field whose type changed must widen from writer to reader ({@code
 * int} to {@code long}, {@code float} to {@code double}); a class that values carry both ways
 * must then be equal on both sides. Enum constants may differ: a reader refuses one it does not
 * know when it arrives, naming it. A record may become a class with the same fields, and back.
 */
public final class Evolution {
  /** Class names inside a generic type name: {@code java.util.List<com.example.Item[]>}. */
  private static final Pattern NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(?:\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
  private static final Map<String, Integer> INTEGRAL = ranks(
      "byte", "java.lang.Byte", "short", "java.lang.Short", "int", "java.lang.Integer", "long",
      "java.lang.Long");
  private static final Map<String, Integer> FLOATING =
      ranks("float", "java.lang.Float", "double", "java.lang.Double");

  private Evolution() {}

  /**
   * Why values of {@code d} cannot travel between a client whose classes have the shapes {@code
   * client} and a server whose classes have the shapes {@code server}, even in the evolving
   * layout; {@code null} if they can. Each reason names the class and the field.
   */
  public static String incompatibility(
      MethodDescriptor d, Map<String, String> client, Map<String, String> server) {
    Walk walk = new Walk(client, server);
    for (int i = 0; i < d.parameterCount(); i++) {
      walk.type(d.parameterType(i).getTypeName(), true);
    }
    if (!d.isVoid()) {
      walk.type(d.resultType().getTypeName(), false);
    }
    return walk.problems.isEmpty() ? null : String.join("; ", walk.problems);
  }

  /** Compares every application class that values of one method reach, one way at a time. */
  private static final class Walk {
    private final Map<String, String> client;
    private final Map<String, String> server;
    private final Set<String> seen = new HashSet<>();
    final List<String> problems = new ArrayList<>();

    Walk(Map<String, String> client, Map<String, String> server) {
      this.client = client;
      this.server = server;
    }

    /** Every application class named in {@code typeName}, carried from client to server or back. */
    void type(String typeName, boolean clientWrites) {
      Matcher m = NAME.matcher(typeName);
      while (m.find()) {
        String name = m.group();
        if (client.containsKey(name) || server.containsKey(name)) {
          klass(name, clientWrites);
        }
      }
    }

    private void klass(String name, boolean clientWrites) {
      if (!seen.add((clientWrites ? ">" : "<") + name)) {
        return;
      }
      String ours = client.get(name);
      String theirs = server.get(name);
      if (ours == null || theirs == null) {
        problems.add(name + " is unknown to the " + (ours == null ? "client" : "server"));
        return;
      }
      Shape c;
      Shape s;
      try {
        c = Shape.parse(ours);
        s = Shape.parse(theirs);
      } catch (RuntimeException malformed) { // the server's HELLO is not to be trusted
        problems.add("the server describes " + name + " in a form this client cannot read");
        return;
      }
      if (!c.kind.equals(s.kind) && !(c.isObject() && s.isObject())) {
        problems.add(name + " is " + c.describeKind() + " on the client but " + s.describeKind()
            + " on the server");
        return;
      }
      for (String permitted : c.permits) {
        if (s.permits.contains(permitted)) {
          klass(permitted, clientWrites);
        }
      }
      if (!c.isObject()) {
        return; // enums: constants are checked as they arrive; interfaces by what they permit
      }
      Shape writer = clientWrites ? c : s;
      Shape reader = clientWrites ? s : c;
      String writerSide = clientWrites ? "client" : "server";
      String readerSide = clientWrites ? "server" : "client";
      for (Map.Entry<String, Field> e : reader.fields.entrySet()) {
        Field r = e.getValue();
        Field w = writer.fields.get(e.getKey());
        if (w == null) {
          if (r.required) {
            problems.add(name + "." + e.getKey() + " is required on the " + readerSide
                + " (marked never null), but the " + writerSide + "'s " + name
                + " has no such field to send");
          }
          continue;
        }
        if (w.type.equals(r.type)) {
          type(w.type, clientWrites);
        } else if (!widens(w.type, r.type)) {
          problems.add(name + "." + e.getKey() + " is " + c.fields.get(e.getKey()).type
              + " on the client but " + s.fields.get(e.getKey()).type + " on the server"
              + (numeric(w.type) && numeric(r.type)
                  ? " (a number may only widen, from the " + writerSide + " that writes it to"
                      + " the " + readerSide + " that reads it)"
                  : ""));
        }
      }
    }
  }

  private static boolean numeric(String type) {
    return INTEGRAL.containsKey(type) || FLOATING.containsKey(type);
  }

  /** Whether a value written as {@code writer} reads as {@code reader}: a safe widening. */
  static boolean widens(String writer, String reader) {
    if (writer.startsWith("java.") && !reader.startsWith("java.")) {
      return false; // box to primitive: a null would have no value
    }
    for (Map<String, Integer> family : List.of(INTEGRAL, FLOATING)) {
      Integer w = family.get(writer);
      Integer r = family.get(reader);
      if (w != null && r != null) {
        return w <= r;
      }
    }
    return false;
  }

  private static Map<String, Integer> ranks(String... pairs) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i++) {
      m.put(pairs[i], i / 2);
    }
    return Map.copyOf(m);
  }

  /** One field of a shape: its generic type name, and whether it is marked never null. */
  private record Field(String type, boolean required) {}

  /** A shape as {@link Fingerprints} writes it, parsed. */
  private record Shape(String kind, Map<String, Field> fields, List<String> permits) {
    boolean isObject() {
      return kind.equals("record") || kind.equals("class") || kind.equals("final class");
    }

    String describeKind() {
      return (kind.equals("enum") || kind.equals("interface") ? "an " : "a ") + kind;
    }

    static Shape parse(String shape) {
      int open = shape.indexOf('{');
      int close = matching(shape, open);
      String kind = shape.substring(0, open);
      Map<String, Field> fields = new LinkedHashMap<>();
      if (!kind.equals("enum")) {
        for (String f : split(shape.substring(open + 1, close))) {
          int colon = f.indexOf(':');
          boolean required = f.endsWith("!");
          fields.put(f.substring(0, colon),
              new Field(f.substring(colon + 1, f.length() - (required ? 1 : 0)), required));
        }
      }
      List<String> permits = List.of();
      String rest = shape.substring(close + 1);
      int at = rest.indexOf("permits{");
      if (at >= 0) {
        permits = split(rest.substring(at + "permits{".length(), matching(rest, at + 7)));
      }
      return new Shape(kind, fields, permits);
    }

    private static int matching(String s, int open) {
      int depth = 0;
      for (int i = open; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '{') {
          depth++;
        } else if (ch == '}' && --depth == 0) {
          return i;
        }
      }
      throw new IllegalArgumentException("a shape without its closing brace: " + s);
    }

    /** Splits at the commas outside angle brackets: generic types hold commas too. */
    private static List<String> split(String body) {
      List<String> parts = new ArrayList<>();
      int depth = 0;
      int from = 0;
      for (int i = 0; i < body.length(); i++) {
        char ch = body.charAt(i);
        if (ch == '<') {
          depth++;
        } else if (ch == '>') {
          depth--;
        } else if (ch == ',' && depth == 0) {
          parts.add(body.substring(from, i).trim());
          from = i + 1;
        }
      }
      if (from < body.length()) {
        parts.add(body.substring(from).trim());
      }
      return parts;
    }
  }
}
