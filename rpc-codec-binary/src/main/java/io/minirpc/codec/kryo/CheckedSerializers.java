package io.minirpc.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.TreeMapSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.TreeSetSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Kryo's collection, map and array serializers, changed in one respect: a size read from the
 * payload is checked against the bytes that remain before anything is allocated, and collections
 * are never pre-sized from it, so they grow only as elements really arrive.
 */
final class CheckedSerializers {
  private CheckedSerializers() {}

  /**
   * Installs the checked serializers as defaults, ahead of Kryo's own, for every collection, map
   * and object array (including user classes that extend a JDK collection).
   */
  static void installDefaults(Kryo kryo) {
    kryo.addDefaultSerializer(Record.class, new RecordSerializer.Factory());
    kryo.addDefaultSerializer(Object[].class, new ArrayFactory());
    kryo.addDefaultSerializer(TreeSet.class, new CheckedTreeSet());
    kryo.addDefaultSerializer(TreeMap.class, new CheckedTreeMap());
    kryo.addDefaultSerializer(Collection.class, new CheckedCollection());
    kryo.addDefaultSerializer(Map.class, new CheckedMap());
  }

  static BoundedInput bounded(Input input) {
    return (BoundedInput) input;
  }

  /** Collections of any class with a no-argument constructor; elements need one byte at least. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class CheckedCollection extends CollectionSerializer<Collection> {
    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      bounded(input).need(size, 1, "a collection");
      if (type == ArrayList.class) {
        return new ArrayList<>();
      }
      if (type == HashSet.class) {
        return new HashSet<>();
      }
      return kryo.newInstance(type);
    }
  }

  /** Maps of any class with a no-argument constructor; entries need two bytes at least. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class CheckedMap extends MapSerializer<Map> {
    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      bounded(input).need(size, 2, "a map");
      if (type == HashMap.class) {
        return new HashMap<>();
      }
      return kryo.newInstance(type);
    }
  }

  @SuppressWarnings("rawtypes")
  static final class CheckedTreeSet extends TreeSetSerializer {
    @Override
    protected TreeSet create(Kryo kryo, Input input, Class<? extends TreeSet> type, int size) {
      bounded(input).need(size, 1, "a sorted set");
      return super.create(kryo, input, type, size);
    }
  }

  @SuppressWarnings("rawtypes")
  static final class CheckedTreeMap extends TreeMapSerializer {
    @Override
    protected TreeMap create(Kryo kryo, Input input, Class<? extends TreeMap> type, int size) {
      bounded(input).need(size, 2, "a sorted map");
      return super.create(kryo, input, type, size);
    }
  }

  /**
   * Reads an immutable or unmodifiable collection (List.of, Collections.unmodifiableSet,
   * Arrays.asList, ...) into a mutable one, then rebuilds the same kind from it.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class Rebuilt extends CollectionSerializer<Collection> {
    private final Supplier<Collection> staging;
    private final Function<Collection, Collection> finish;

    Rebuilt(Supplier<Collection> staging, Function<Collection, Collection> finish) {
      this.staging = staging;
      this.finish = finish;
    }

    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      bounded(input).need(size, 1, "a collection");
      return staging.get();
    }

    @Override
    public Collection read(Kryo kryo, Input input, Class<? extends Collection> type) {
      Collection c = super.read(kryo, input, type);
      return c == null ? null : finish.apply(c);
    }
  }

  /** {@link Rebuilt}, for maps. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class RebuiltMap extends MapSerializer<Map> {
    private final Supplier<Map> staging;
    private final Function<Map, Map> finish;

    RebuiltMap(Supplier<Map> staging, Function<Map, Map> finish) {
      this.staging = staging;
      this.finish = finish;
    }

    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      bounded(input).need(size, 2, "a map");
      return staging.get();
    }

    @Override
    public Map read(Kryo kryo, Input input, Class<? extends Map> type) {
      Map m = super.read(kryo, input, type);
      return m == null ? null : finish.apply(m);
    }
  }

  /** Object arrays: the length is checked before the array is created. */
  @SuppressWarnings("rawtypes")
  static final class CheckedArray extends ObjectArraySerializer {
    CheckedArray(Kryo kryo, Class type) {
      super(kryo, type);
    }

    @Override
    public Object[] read(Kryo kryo, Input input, Class type) {
      int start = input.position();
      int length = input.readVarInt(true);
      input.setPosition(start);
      if (length > 0) {
        bounded(input).need(length - 1L, 1, "an array");
      }
      return super.read(kryo, input, type);
    }
  }

  @SuppressWarnings("rawtypes")
  static final class ArrayFactory extends SerializerFactory.BaseSerializerFactory<Serializer> {
    @Override
    public Serializer newSerializer(Kryo kryo, Class type) {
      return new CheckedArray(kryo, type);
    }
  }
}
