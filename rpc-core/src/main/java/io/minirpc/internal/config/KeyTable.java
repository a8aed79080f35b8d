package io.minirpc.internal.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of minirpc, in the order of the configuration table: the client's and both sides'
 * ({@link Keys}), then the server's ({@link ServerKeys}, {@link LifetimeKeys}). Settings are parsed, checked, listed in
 * messages and rendered into docs/configuration.md and the Spring Boot metadata from here.
 */
public final class KeyTable {
  private static final List<Object> ENTRIES = concat(Keys.table(), ServerKeys.table(),
      LifetimeKeys.table());
  private static final Map<String, List<Key<?>>> BY_NAME = new LinkedHashMap<>();

  static {
    for (Object e : ENTRIES) {
      if (e instanceof Key<?> k) {
        BY_NAME.computeIfAbsent(k.name(), n -> new ArrayList<>()).add(k);
      }
    }
  }

  private KeyTable() {}

  @SafeVarargs
  private static List<Object> concat(List<Object>... parts) {
    List<Object> all = new ArrayList<>();
    for (List<Object> p : parts) {
      all.addAll(p);
    }
    return Collections.unmodifiableList(all);
  }

  /** Keys, families and aliases, in the table's order. */
  static List<Object> entries() {
    return ENTRIES;
  }

  /** The keys named {@code name}: usually one, two for {@code minirpc.codec}, none if unknown. */
  static List<Key<?>> named(String name) {
    return BY_NAME.getOrDefault(name, List.of());
  }

  /** Every key name this version understands, then the families, in the table's order. */
  public static List<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (Object e : ENTRIES) {
      if (e instanceof Key<?> k) {
        names.add(k.name());
      } else if (e instanceof Keys.Family f) {
        names.add(f.pattern());
      }
    }
    return List.copyOf(names);
  }
}
