package io.minirpc.internal.registry;

import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.CodecProvider;
import io.minirpc.codec.ValueReader;
import io.minirpc.codec.ValueWriter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The codecs one client or server uses, each created once from its provider with that side's
 * settings. Looked up per frame by the id the frame carries.
 */
public final class Codecs {
  /** One codec in use: its provider's name and id, the codec, and its position in this set. */
  public static final class Entry {
    private final String name;
    private final byte id;
    private final int index;
    private final Codec codec;
    /** The same codec in its evolving layout; null if it has none, or this is it. */
    private final Entry evolving;
    private final boolean isEvolving;

    Entry(String name, byte id, int index, Codec codec, Entry evolving) {
      this.name = name;
      this.id = id;
      this.index = index;
      this.codec = codec;
      this.evolving = evolving;
      this.isEvolving = false;
    }

    private Entry(Entry plain, int index, Codec codec) {
      this.name = plain.name;
      this.id = plain.id;
      this.index = index;
      this.codec = codec;
      this.evolving = null;
      this.isEvolving = true;
    }

    /**
     * The same codec in the layout for classes that differ between the sides ({@link
     * Codec#evolving}); null if the codec has none. An evolving entry returns itself.
     */
    public Entry evolving() {
      return isEvolving ? this : evolving;
    }

    /** Whether this is a codec's evolving layout: its frames carry the EVOLVING flag. */
    public boolean isEvolving() {
      return isEvolving;
    }

    public String name() {
      return name;
    }

    public byte id() {
      return id;
    }

    /**
     * Position among the codecs and their evolving layouts, below {@link Codecs#slots()}, for
     * per-method arrays of readers and writers.
     */
    public int index() {
      return index;
    }

    /**
     * The writer for a declared type.
     *
     * @throws IllegalArgumentException naming the method, the slot and the codec's reason
     */
    public ValueWriter writer(Type type, MethodDescriptor method, String slot) {
      try {
        return codec.writer(type);
      } catch (RuntimeException e) {
        throw unsupported(type, method, slot, e);
      }
    }

    /**
     * The reader for a declared type.
     *
     * @throws IllegalArgumentException naming the method, the slot and the codec's reason
     */
    public ValueReader reader(Type type, MethodDescriptor method, String slot) {
      try {
        return codec.reader(type);
      } catch (RuntimeException e) {
        throw unsupported(type, method, slot, e);
      }
    }

    private IllegalArgumentException unsupported(
        Type type, MethodDescriptor method, String slot, RuntimeException e) {
      return new IllegalArgumentException(
          "Codec '"
              + name
              + "' cannot handle "
              + slot
              + " ("
              + type.getTypeName()
              + ") of "
              + method.displayName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private final List<Entry> entries;
  private final List<Entry> all;
  private final Entry[] byId = new Entry[256];

  private Codecs(List<Entry> entries) {
    this.entries = Collections.unmodifiableList(entries);
    List<Entry> all = new ArrayList<>(entries);
    for (Entry e : entries) {
      byId[e.id & 0xFF] = e;
      if (e.evolving != null) {
        all.add(e.evolving);
      }
    }
    this.all = Collections.unmodifiableList(all);
  }

  /**
   * Creates the named codecs.
   *
   * @throws IllegalStateException if one is not installed, naming the artifact to add
   */
  public static Codecs create(
      List<String> names, Set<Class<?>> allowedClasses, int maxFrameSize) {
    CodecRegistry registry = CodecRegistry.installed();
    Set<Class<?>> allowed = Collections.unmodifiableSet(new LinkedHashSet<>(allowedClasses));
    CodecContext context =
        new CodecContext() {
          @Override
          public Set<Class<?>> allowedClasses() {
            return allowed;
          }

          @Override
          public int maxFrameSize() {
            return maxFrameSize;
          }
        };
    List<Entry> entries = new ArrayList<>();
    for (String name : new LinkedHashSet<>(names)) {
      CodecProvider p = registry.provider(name);
      Codec codec = p.create(context);
      if (codec == null) {
        throw new IllegalStateException(
            "Codec provider " + p.getClass().getName() + " returned a null codec");
      }
      entries.add(new Entry(p.name(), p.id(), entries.size(), codec, null));
    }
    List<Entry> withLayouts = new ArrayList<>();
    for (Entry e : entries) {
      Codec evolving = e.codec.evolving();
      Entry twin = evolving == null ? null : new Entry(e, entries.size() + e.index, evolving);
      withLayouts.add(new Entry(e.name, e.id, e.index, e.codec, twin));
    }
    return new Codecs(withLayouts);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The codecs and their evolving layouts, each at its {@link Entry#index()}. */
  public List<Entry> withLayouts() {
    return all;
  }

  /** The size of per-method arrays indexed by {@link Entry#index()}. */
  public int slots() {
    return 2 * entries.size();
  }

  /** The codec with wire id {@code id}, or {@code null} if this side does not use it. */
  public Entry byId(byte id) {
    return byId[id & 0xFF];
  }

  /**
   * The codec with wire id {@code id}, in its evolving layout if {@code evolving} (the frame's
   * EVOLVING flag); {@code null} if this side does not use that codec, or it has no such layout.
   */
  public Entry byId(byte id, boolean evolving) {
    Entry e = byId[id & 0xFF];
    return e == null || !evolving ? e : e.evolving;
  }

  /** "json, kryo": the names in use, for messages. */
  public String names() {
    List<String> names = new ArrayList<>();
    for (Entry e : entries) {
      names.add(e.name);
    }
    return String.join(", ", names);
  }
}
