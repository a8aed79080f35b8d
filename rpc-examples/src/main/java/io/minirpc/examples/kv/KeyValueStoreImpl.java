package io.minirpc.examples.kv;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/** An in-memory {@link KeyValueStore}, safe for the server's concurrent worker threads. */
public final class KeyValueStoreImpl implements KeyValueStore {
  private final ConcurrentNavigableMap<String, Entry> entries = new ConcurrentSkipListMap<>();
  private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();
  private final Instant started = Instant.now();

  private void count(String operation) {
    operations.computeIfAbsent(operation, k -> new LongAdder()).increment();
  }

  @Override
  public Optional<Entry> get(String key) {
    count("get");
    return Optional.ofNullable(entries.get(key));
  }

  @Override
  public Entry put(String key, String value, Set<String> tags) {
    count("put");
    Set<String> copy = tags == null ? Set.of() : Set.copyOf(tags);
    return entries.compute(key, (k, old) ->
        new Entry(k, value, old == null ? 1 : old.version() + 1, Instant.now(), copy));
  }

  @Override
  public boolean delete(String key) {
    count("delete");
    return entries.remove(key) != null;
  }

  @Override
  public List<Entry> scan(String prefix, int limit) {
    count("scan");
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries.tailMap(prefix).values()) {
      if (!e.key().startsWith(prefix) || out.size() == limit) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  @Override
  public Map<String, List<Entry>> byTag() {
    count("byTag");
    Map<String, List<Entry>> out = new TreeMap<>();
    for (Entry e : entries.values()) {
      for (String tag : e.tags()) {
        out.computeIfAbsent(tag, t -> new ArrayList<>()).add(e);
      }
    }
    return out;
  }

  @Override
  public Stats stats() {
    Map<String, Long> ops = new TreeMap<>();
    operations.forEach((k, v) -> ops.put(k, v.sum()));
    return new Stats(entries.size(), ops, Duration.between(started, Instant.now()));
  }
}
