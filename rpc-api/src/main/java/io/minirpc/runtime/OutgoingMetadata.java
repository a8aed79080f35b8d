package io.minirpc.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The per-thread stack behind {@code io.minirpc.CallMetadata}. */
public final class OutgoingMetadata {
  private static final ThreadLocal<Frame> TOP = new ThreadLocal<>();

  private OutgoingMetadata() {}

  /** One scope: its entries merged over the enclosing scope's. */
  public static final class Frame {
    private final Frame parent;
    private final Map<String, String> merged;
    private boolean popped;

    private Frame(Frame parent, Map<String, String> merged) {
      this.parent = parent;
      this.merged = merged;
    }

    /** Closes this scope; closing it twice, or out of order, is an error. */
    public void pop() {
      if (popped) {
        return;
      }
      Scopes.pop(TOP, this, parent, "CallMetadata");
      popped = true;
    }
  }

  /** Opens a scope adding {@code key=value}. */
  public static Frame push(String key, String value) {
    check(key, value);
    Frame parent = TOP.get();
    Map<String, String> merged = new LinkedHashMap<>(parent == null ? Map.of() : parent.merged);
    merged.put(key, value);
    Frame f = new Frame(parent, Collections.unmodifiableMap(merged));
    TOP.set(f);
    return f;
  }

  /** What the open scopes add, or an empty map. */
  public static Map<String, String> current() {
    Frame f = TOP.get();
    return f == null ? Map.of() : f.merged;
  }

  /**
   * {@code base} with the open scopes' entries over it; {@code base} itself when no scope is
   * open, so the common case allocates nothing.
   */
  public static Map<String, String> over(Map<String, String> base) {
    Frame f = TOP.get();
    if (f == null) {
      return base;
    }
    Map<String, String> m = new LinkedHashMap<>(base);
    m.putAll(f.merged);
    return m;
  }

  /**
   * Checks one metadata entry, wherever it is set: a key that is not empty, and a key and value of
   * at most 65535 UTF-8 bytes each, as the frame carries them.
   */
  public static void check(String key, String value) {
    Objects.requireNonNull(key, "metadata key == null");
    Objects.requireNonNull(value, "metadata value for '" + key + "' == null");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("metadata key must not be empty");
    }
    for (String part : new String[] {key, value}) {
      if (part.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
        throw new IllegalArgumentException(
            "metadata '" + (key.length() > 40 ? key.substring(0, 40) + "..." : key)
                + "' is longer than 65535 UTF-8 bytes");
      }
    }
  }
}
