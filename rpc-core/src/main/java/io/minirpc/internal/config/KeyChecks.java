package io.minirpc.internal.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The checks of the settings' values in {@link Keys} and {@link ServerKeys}: each names the
 * argument and echoes the value.
 */
final class KeyChecks {
  private KeyChecks() {}

  static String compressorName(String name) {
    Objects.requireNonNull(name, "compression == null");
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.isEmpty()) {
      throw new IllegalArgumentException("compression is empty: give `none` for no compression");
    }
    return n;
  }

  static List<String> codecNames(List<String> names) {
    Objects.requireNonNull(names, "codec == null");
    List<String> normalized = new ArrayList<>();
    for (String name : names) {
      Objects.requireNonNull(name, "codec == null");
      String n = name.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty()) {
        throw new IllegalArgumentException("codec name is empty");
      }
      normalized.add(n);
    }
    return List.copyOf(normalized);
  }

  static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " (" + d + ") must be positive");
    }
    return d;
  }

  static Duration gracePeriod(Duration d) {
    Objects.requireNonNull(d, "gracePeriod == null");
    if (d.isNegative()) {
      throw new IllegalArgumentException("gracePeriod (" + d + ") must not be negative");
    }
    return d;
  }

  static <N extends Number> N atLeast(N n, long min, String name, String unit) {
    Objects.requireNonNull(n, name + " == null");
    if (n.longValue() < min) {
      throw new IllegalArgumentException(
          name + " (" + n + ") must be at least " + min + unit);
    }
    return n;
  }

  static Integer notNegative(Integer n, String name) {
    Objects.requireNonNull(n, name + " == null");
    if (n < 0) {
      throw new IllegalArgumentException(name + " (" + n + ") must not be negative");
    }
    return n;
  }

  static Duration notNegative(Duration d, String name) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " (" + d + ") must not be negative");
    }
    return d;
  }

  static URI registry(URI uri) {
    Objects.requireNonNull(uri, "registry == null");
    if (uri.getScheme() == null || uri.isOpaque()) {
      throw new IllegalArgumentException("registry (" + uri + ") must be a URI that starts with"
          + " the kind of registry, such as zookeeper://zk1:2181,zk2:2181/minirpc/orders");
    }
    return uri;
  }

  static Map<String, String> attributes(Map<String, String> attributes) {
    Objects.requireNonNull(attributes, "attributes == null");
    Map<String, String> copy = new LinkedHashMap<>();
    attributes.forEach((k, v) -> {
      Objects.requireNonNull(k, "attribute name == null");
      Objects.requireNonNull(v, "value of attribute '" + k + "' == null");
      if (k.isBlank()) {
        throw new IllegalArgumentException("attribute name is empty (value '" + v + "')");
      }
      copy.put(k.trim(), v);
    });
    return Collections.unmodifiableMap(copy);
  }

  static Integer connections(Integer n) {
    Objects.requireNonNull(n, "connections == null");
    if (n < 1 || n > 64) {
      throw new IllegalArgumentException("connections (" + n + ") must be between 1 and 64");
    }
    return n;
  }
}
