package io.minirpc.examples.kv;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A small versioned key-value store: records, optionals, collections and maps on the wire. */
public interface KeyValueStore {
  /** The entry under {@code key}, if any. */
  Optional<Entry> get(String key);

  /** Stores {@code value}, bumping the version; returns what is now stored. */
  Entry put(String key, String value, Set<String> tags);

  boolean delete(String key);

  /** Entries whose key starts with {@code prefix}, in key order, at most {@code limit}. */
  List<Entry> scan(String prefix, int limit);

  /** Every entry, grouped by each of its tags. */
  Map<String, List<Entry>> byTag();

  Stats stats();

  /** A stored value and what the store knows about it. */
  record Entry(String key, String value, long version, Instant updated, Set<String> tags) {}

  /** Counters of the store. */
  record Stats(int size, Map<String, Long> operations, Duration uptime) {}
}
