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

    Entry(String name, byte id, int index, Codec codec) {
      this.name = name;
      this.id = id;
      this.index = index;
      this.codec = codec;
    }

    public String name() {
      return name;
    }

    public byte id() {
      return id;
    }

    /** Position in {@link Codecs#entries()}, for per-method arrays of readers and writers. */
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
  private final Entry[] byId = new Entry[256];

  private Codecs(List<Entry> entries) {
    this.entries = Collections.unmodifiableList(entries);
    for (Entry e : entries) {
      byId[e.id & 0xFF] = e;
    }
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
      entries.add(new Entry(p.name(), p.id(), entries.size(), codec));
    }
    return new Codecs(entries);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The codec with wire id {@code id}, or {@code null} if this side does not use it. */
  public Entry byId(byte id) {
    return byId[id & 0xFF];
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
