package io.minirpc.internal.config;

import io.minirpc.text.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How the value of one kind of setting is written in Properties and in the configuration table
 * (docs/configuration.md): parsed from text, formatted for the table's default column, and named
 * in its type column.
 *
 * @param <T> the Java type of the value
 */
abstract class ValueType<T> {
  private final String name;

  private ValueType(String name) {
    this.name = name;
  }

  /** The type as the configuration table names it. */
  public final String name() {
    return name;
  }

  /**
   * Parses {@code text}, the value of {@code key}.
   *
   * @throws IllegalArgumentException naming the key, the value and what was expected
   */
  public abstract T parse(String key, String text);

  /** The value as a user would write it. */
  public String format(T value) {
    return String.valueOf(value);
  }

  /** {@code 250ms}, {@code 5s}, {@code PT5S}: see {@link Durations}. */
  public static final ValueType<Duration> DURATION =
      new ValueType<>("duration") {
        @Override
        public Duration parse(String key, String text) {
          return Durations.parse(key, text);
        }

        @Override
        public String format(Duration d) {
          if (d.toNanosPart() % 1_000_000 != 0 || d.toMillisPart() != 0 || d.isZero()) {
            return d.toMillis() + "ms";
          }
          return d.toSeconds() + "s";
        }
      };

  /** Bytes as a {@code long}: {@code 65536}, {@code 512KiB}, {@code 4GiB}. */
  public static final ValueType<Long> SIZE =
      new ValueType<>("size") {
        @Override
        public Long parse(String key, String text) {
          return Sizes.parseLong(key, text);
        }

        @Override
        public String format(Long bytes) {
          return Sizes.format(bytes);
        }
      };

  /** Bytes that fit an {@code int}, such as a frame size. */
  public static final ValueType<Integer> INT_SIZE =
      new ValueType<>("size") {
        @Override
        public Integer parse(String key, String text) {
          return Sizes.parse(key, text);
        }

        @Override
        public String format(Integer bytes) {
          return Sizes.format(bytes);
        }
      };

  public static final ValueType<Integer> INT =
      new ValueType<>("int") {
        @Override
        public Integer parse(String key, String text) {
          try {
            return Integer.parseInt(text.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + text + "' is not a whole number");
          }
        }
      };

  /** {@code true} or {@code false}, in any case; anything else is refused, not read as false. */
  public static final ValueType<Boolean> BOOLEAN =
      new ValueType<>("boolean") {
        @Override
        public Boolean parse(String key, String text) {
          String v = text.trim().toLowerCase(Locale.ROOT);
          if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
          }
          throw new IllegalArgumentException(key + " = '" + text + "' is not true or false");
        }
      };

  /** A comma-separated list; blank entries are dropped. */
  public static final ValueType<List<String>> LIST =
      new ValueType<>("list") {
        @Override
        public List<String> parse(String key, String text) {
          List<String> out = new ArrayList<>();
          for (String part : text.split(",")) {
            if (!part.isBlank()) {
              out.add(part.trim());
            }
          }
          return List.copyOf(out);
        }

        @Override
        public String format(List<String> value) {
          return String.join(",", value);
        }
      };

  public static final ValueType<String> STRING =
      new ValueType<>("string") {
        @Override
        public String parse(String key, String text) {
          return text.trim();
        }
      };

  /** {@code host:port}; an IPv6 host in brackets, {@code [::1]:4242}. */
  public static final ValueType<HostPort> HOST_PORT =
      new ValueType<>("host:port") {
        @Override
        public HostPort parse(String key, String text) {
          String v = text.trim();
          int colon = v.lastIndexOf(':');
          if (colon <= 0 || colon == v.length() - 1) {
            throw new IllegalArgumentException(
                key + " = '" + text + "' is not host:port (for example 127.0.0.1:4242)");
          }
          String host = v.substring(0, colon);
          if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
          }
          return new HostPort(host, INT.parse(key, v.substring(colon + 1)));
        }
      };

  /** {@code host:port[,host:port...]} or a discovery URI, see {@link Target}. */
  public static final ValueType<Target> TARGET =
      new ValueType<>("host:port list or URI") {
        @Override
        public Target parse(String key, String text) {
          return Target.parse(key, text, HOST_PORT::parse);
        }
      };

  /**
   * An absolute URI whose scheme names a kind of registry: {@code
   * zookeeper://zk1:2181,zk2:2181/minirpc/orders?sessionTimeout=30s}. Hosts separated by commas
   * are not a server authority, so the URI is parsed as a registry-based one.
   */
  public static final ValueType<java.net.URI> URI =
      new ValueType<>("URI") {
        @Override
        public java.net.URI parse(String key, String text) {
          try {
            return new java.net.URI(text.trim());
          } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(key + " = '" + text + "' is not a URI: "
                + e.getReason() + " (for example zookeeper://zk1:2181,zk2:2181/minirpc/orders)");
          }
        }
      };

  /**
   * Labels, {@code key=value} separated by commas: {@code zone=eu-1,version=2.3}. Blank entries
   * are dropped; a later entry for the same key replaces an earlier one.
   */
  public static final ValueType<Map<String, String>> ATTRIBUTES =
      new ValueType<>("`key=value` list") {
        @Override
        public Map<String, String> parse(String key, String text) {
          Map<String, String> out = new LinkedHashMap<>();
          for (String part : text.split(",")) {
            if (part.isBlank()) {
              continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0 || part.substring(0, eq).isBlank()) {
              throw new IllegalArgumentException(key + " = '" + text + "': '" + part.trim()
                  + "' is not key=value (for example zone=eu-1,version=2.3)");
            }
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
          }
          return Collections.unmodifiableMap(out);
        }

        @Override
        public String format(Map<String, String> value) {
          StringJoiner out = new StringJoiner(",");
          value.forEach((k, v) -> out.add(k + "=" + v));
          return out.toString();
        }
      };

  /** Calls per second, a positive number such as {@code 500} or {@code 0.5}. */
  public static final ValueType<Double> RATE = number("number", "a number of calls per second");

  /** A share, a number from 0 to 1 such as {@code 0.2}. */
  public static final ValueType<Double> FRACTION =
      number("number from 0 to 1", "a number from 0 to 1, such as 0.2");

  /** A decimal number; {@code expected} ends the message for text that is not one. */
  private static ValueType<Double> number(String description, String expected) {
    return new ValueType<>(description) {
      @Override
      public Double parse(String key, String text) {
        try {
          return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(key + " = '" + text + "' is not " + expected);
        }
      }
    };
  }

  /**
   * One of an enum's constants, written in lower case with {@code -} for {@code _} ({@code
   * least-pending}); the table lists them.
   */
  public static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type) {
    E[] constants = type.getEnumConstants();
    List<String> names = new ArrayList<>();
    for (E e : constants) {
      names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return new ValueType<>("`" + String.join("`, `", names) + "`") {
      @Override
      public E parse(String key, String text) {
        String v = text.trim().replace('-', '_');
        for (E e : constants) {
          if (e.name().equalsIgnoreCase(v)) {
            return e;
          }
        }
        throw new IllegalArgumentException(
            key + " = '" + text + "' is not one of " + String.join(", ", names));
      }

      @Override
      public String format(E value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
      }
    };
  }
}
