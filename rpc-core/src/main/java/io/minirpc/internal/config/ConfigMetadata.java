package io.minirpc.internal.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders {@link Keys} as Spring Boot's configuration metadata ({@code
 * META-INF/spring-configuration-metadata.json}), so that IDEs complete and check the {@code
 * minirpc.*} keys of {@code application.properties} and YAML. rpc-spring-boot-starter ships the
 * file; its {@code ConfigMetadataTest} fails while the file differs from the keys, and rewrites it
 * with {@code -DregenerateMetadata=true}. Plain text, no JSON library: rpc-core has none.
 */
public final class ConfigMetadata {
  private ConfigMetadata() {}

  /** One entry of "properties"; a second side's description is added to the first's. */
  private static final class Property {
    final String name;
    final String type;
    final StringBuilder description;
    final String defaultValue;
    final String replacement;

    Property(String name, String type, String description, String defaultValue,
        String replacement) {
      this.name = name;
      this.type = type;
      this.description = new StringBuilder(description);
      this.defaultValue = defaultValue;
      this.replacement = replacement;
    }

    void render(StringBuilder out) {
      out.append("    {\n");
      field(out, "name", name).append(",\n");
      field(out, "type", type).append(",\n");
      field(out, "description", description.toString());
      if (defaultValue != null) {
        field(out.append(",\n"), "defaultValue", defaultValue);
      }
      if (replacement != null) {
        out.append(",\n      \"deprecated\": true,\n      \"deprecation\": {\n  ");
        field(out, "replacement", replacement).append("\n      }");
      }
      out.append("\n    }");
    }
  }

  /** The metadata document, ending in a newline. */
  public static String render() {
    Map<String, Property> properties = new LinkedHashMap<>();
    for (Object e : KeyTable.entries()) {
      if (e instanceof Key<?> k) {
        Property known = properties.get(k.name());
        if (known != null) {
          known.description.append(' ').append(describe(k)); // minirpc.codec: each side's meaning
        } else {
          properties.put(k.name(), new Property(k.name(), javaType(k.type()), describe(k),
              literalDefault(k), null));
        }
      } else if (e instanceof Keys.Family f) {
        String name = f.prefix().substring(0, f.prefix().length() - 1);
        String values = f.type().equals("number") ? "java.lang.Double" : "java.lang.String";
        properties.putIfAbsent(name, new Property(name,
            "java.util.Map<java.lang.String," + values + ">", side(f.side()) + plain(f.meaning())
                + " One entry a " + plain(f.placeholder()) + ".", null, null));
      } else if (e instanceof Keys.Alias a) {
        properties.put(a.name(), new Property(a.name(), "java.lang.Boolean",
            plain(a.meaning()), null, a.target().name()));
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("{\n  \"groups\": [\n    {\n      \"name\": \"minirpc\",\n")
        .append("      \"description\": \"minirpc's settings: the keys that")
        .append(" RpcServer.Builder.configure and RpcClient.Builder.configure read.\"\n")
        .append("    }\n  ],\n  \"properties\": [\n");
    String sep = "";
    for (Property p : properties.values()) {
      out.append(sep);
      p.render(out);
      sep = ",\n";
    }
    return out.append("\n  ]\n}\n").toString();
  }

  private static StringBuilder field(StringBuilder p, String name, String value) {
    return p.append("      \"").append(name).append("\": \"").append(escape(value)).append('"');
  }

  private static String describe(Key<?> k) {
    String text = side(k.side()) + plain(k.meaning());
    if (literalDefault(k) == null) {
      text += " Default: " + plain(k.defaultText()) + ".";
    }
    return text;
  }

  private static String side(Side side) {
    return side == Side.BOTH ? "" : "(" + side.label() + ") ";
  }

  /**
   * The default as a value an IDE can show and check, or null when the default is derived (the
   * table says how, in words) or not set.
   */
  private static String literalDefault(Key<?> k) {
    Object value = k.defaultValue();
    if (value == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    ValueType<Object> type = (ValueType<Object>) k.type();
    String formatted = type.format(value);
    return k.defaultText().equals("`" + formatted + "`") && !formatted.isEmpty() ? formatted : null;
  }

  /**
   * The Java type an IDE checks values against. Sizes are strings: minirpc writes {@code 64MiB},
   * which Spring's {@code DataSize} would flag.
   */
  private static String javaType(ValueType<?> type) {
    if (type == ValueType.DURATION) {
      return "java.time.Duration";
    } else if (type == ValueType.INT) {
      return "java.lang.Integer";
    } else if (type == ValueType.BOOLEAN) {
      return "java.lang.Boolean";
    } else if (type == ValueType.LIST) {
      return "java.util.List<java.lang.String>";
    }
    return "java.lang.String";
  }

  /** Markdown of the table as plain text: no backticks. */
  private static String plain(String markdown) {
    return markdown.replace("`", "");
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
