package io.minirpc.spring.boot;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The {@code minirpc.*} keys of a Spring environment as the {@link java.util.Properties} that
 * {@code RpcServer.Builder.configure} and {@code RpcClient.Builder.configure} read: minirpc's own
 * table of keys, checked there (an unknown key fails, naming the nearest known one). Nested YAML
 * arrives flattened ({@code minirpc: server: threads: 8} is {@code minirpc.server.threads}); a
 * YAML list ({@code allow: [a, b]}, which Spring names {@code allow[0]}, {@code allow[1]}) becomes
 * the comma-separated value the key takes.
 */
final class MinirpcProperties {
  private static final String PREFIX = "minirpc.";
  private static final Pattern INDEXED = Pattern.compile("(.*)\\[(\\d+)]");

  private MinirpcProperties() {}

  /** Every {@code minirpc.*} key of {@code environment}, its value resolved as Spring does. */
  static Properties from(ConfigurableEnvironment environment) {
    Map<String, Map<Integer, String>> lists = new TreeMap<>();
    Properties out = new Properties();
    for (PropertySource<?> source : environment.getPropertySources()) {
      if (!(source instanceof EnumerablePropertySource<?> names)) {
        continue;
      }
      for (String name : names.getPropertyNames()) {
        if (!name.startsWith(PREFIX) || out.containsKey(name)) {
          continue;
        }
        String value = environment.getProperty(name);
        if (value == null) {
          continue;
        }
        Matcher m = INDEXED.matcher(name);
        if (m.matches()) {
          lists.computeIfAbsent(m.group(1), k -> new TreeMap<>())
              .putIfAbsent(Integer.parseInt(m.group(2)), value);
        } else {
          out.setProperty(name, value);
        }
      }
    }
    lists.forEach((key, items) -> out.putIfAbsent(key, String.join(",", items.values())));
    return out;
  }
}
