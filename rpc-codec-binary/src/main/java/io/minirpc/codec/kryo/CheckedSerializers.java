package io.minirpc.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.BooleanArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.StringArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.EnumSetSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.TreeMapSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.TreeSetSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.lang.reflect.Array;
import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Kryo's collection, map and array serializers, changed in three respects. A size read from the
 * payload is checked against the bytes that remain before anything is allocated. Elements go into
 * a collection whose {@code add} costs constant (or logarithmic) time, and a kind whose {@code add}
 * does not ({@code CopyOnWriteArrayList} copies its array on every add, so n elements cost n²) is
 * built once from it at the end. Every element counts against the decoding budget, so a cancelled
 * or expired call stops decoding within a thousand elements.
 *
 * <p>Every serializer here writes exactly what Kryo's own writes: only reading changed.
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

  /**
   * What Kryo's collection serializers add elements to: the collection being built, counting
   * each element against the budget. Kryo only ever calls {@code add}.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class Filling extends AbstractCollection<Object> {
    final Collection target;
    private final BoundedInput input;

    Filling(Collection target, Input input) {
      this.target = target;
      this.input = bounded(input);
    }

    @Override
    public boolean add(Object e) {
      input.tick();
      return target.add(e);
    }

    @Override
    public Iterator<Object> iterator() {
      return target.iterator();
    }

    @Override
    public int size() {
      return target.size();
    }
  }

  /** {@link Filling}, for maps: Kryo's map serializers only ever call {@code put}. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class FillingMap extends AbstractMap<Object, Object> {
    final Map target;
    private final BoundedInput input;

    FillingMap(Map target, Input input) {
      this.target = target;
      this.input = bounded(input);
    }

    @Override
    public Object put(Object key, Object value) {
      input.tick();
      return target.put(key, value);
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
      return target.entrySet();
    }
  }

  /**
   * Collections: of any class with a no-argument constructor (elements need one byte at least),
   * or, with a staging supplier, read into a mutable collection and rebuilt as another kind
   * (List.of, Collections.unmodifiableSet, Arrays.asList, CopyOnWriteArrayList...).
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class CheckedCollection extends CollectionSerializer<Collection> {
    private final Supplier<Collection> staging;
    private final Function<Collection, Collection> finish;

    CheckedCollection() {
      this(null, null);
    }

    CheckedCollection(Supplier<Collection> staging, Function<Collection, Collection> finish) {
      this.staging = staging;
      this.finish = finish;
    }

    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      bounded(input).need(size, 1, "a collection");
      Collection target;
      if (staging != null || CopyOnWriteArrayList.class.isAssignableFrom(type)) {
        target = staging != null ? staging.get() : new ArrayList<>(size);
        if (target instanceof ArrayList<?> list) {
          list.ensureCapacity(size); // the size is checked above: one array, never grown
        }
      } else if (type == ArrayList.class) {
        target = new ArrayList<>(size);
      } else if (type == HashSet.class) {
        target = new HashSet<>();
      } else {
        target = kryo.newInstance(type);
      }
      return new Filling(target, input);
    }

    @Override
    public Collection read(Kryo kryo, Input input, Class<? extends Collection> type) {
      Collection c = super.read(kryo, input, type);
      if (c == null) {
        return null;
      }
      Collection read = ((Filling) c).target;
      if (finish != null) {
        return finish.apply(read);
      }
      if (CopyOnWriteArrayList.class.isAssignableFrom(type)) {
        Collection built = kryo.newInstance(type);
        built.addAll(read); // one copy of the array, not one per element
        return built;
      }
      return read;
    }
  }

  /**
   * Maps: of any class with a no-argument constructor (entries need two bytes at least), or, with
   * a staging supplier, read into a mutable map and rebuilt as another kind.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class CheckedMap extends MapSerializer<Map> {
    private final Supplier<Map> staging;
    private final Function<Map, Map> finish;

    CheckedMap() {
      this(null, null);
    }

    CheckedMap(Supplier<Map> staging, Function<Map, Map> finish) {
      this.staging = staging;
      this.finish = finish;
    }

    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      bounded(input).need(size, 2, "a map");
      Map target =
          staging != null
              ? staging.get()
              : type == HashMap.class ? new HashMap<>() : kryo.newInstance(type);
      return new FillingMap(target, input);
    }

    @Override
    public Map read(Kryo kryo, Input input, Class<? extends Map> type) {
      Map m = super.read(kryo, input, type);
      if (m == null) {
        return null;
      }
      Map read = ((FillingMap) m).target;
      return finish == null ? read : finish.apply(read);
    }
  }

  /** Sorted sets: checked, and filled through a set that counts each element. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class CheckedTreeSet extends TreeSetSerializer {
    @Override
    protected TreeSet create(Kryo kryo, Input input, Class<? extends TreeSet> type, int size) {
      bounded(input).need(size, 1, "a sorted set");
      if (type != TreeSet.class) {
        return super.create(kryo, input, type, size); // a user's subclass: built as Kryo does
      }
      return new FillingTreeSet((Comparator) kryo.readClassAndObject(input), bounded(input));
    }

    @Override
    public TreeSet read(Kryo kryo, Input input, Class<? extends TreeSet> type) {
      TreeSet s = super.read(kryo, input, type);
      return s instanceof FillingTreeSet ? new TreeSet(s) : s; // a sorted copy: linear time
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class FillingTreeSet extends TreeSet {
    private final BoundedInput input;

    FillingTreeSet(Comparator comparator, BoundedInput input) {
      super(comparator);
      this.input = input;
    }

    @Override
    public boolean add(Object e) {
      input.tick();
      return super.add(e);
    }
  }

  /** Sorted maps: checked, and filled through a map that counts each entry. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class CheckedTreeMap extends TreeMapSerializer {
    @Override
    protected TreeMap create(Kryo kryo, Input input, Class<? extends TreeMap> type, int size) {
      bounded(input).need(size, 2, "a sorted map");
      if (type != TreeMap.class) {
        return super.create(kryo, input, type, size);
      }
      return new FillingTreeMap((Comparator) kryo.readClassAndObject(input), bounded(input));
    }

    @Override
    public TreeMap read(Kryo kryo, Input input, Class<? extends TreeMap> type) {
      TreeMap m = super.read(kryo, input, type);
      return m instanceof FillingTreeMap ? new TreeMap(m) : m;
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class FillingTreeMap extends TreeMap {
    private final BoundedInput input;

    FillingTreeMap(Comparator comparator, BoundedInput input) {
      super(comparator);
      this.input = input;
    }

    @Override
    public Object put(Object key, Object value) {
      input.tick();
      return super.put(key, value);
    }
  }

  /** {@code boolean[]}: Kryo's allocates the declared length before reading a single element. */
  static final class CheckedBooleanArray extends BooleanArraySerializer {
    @Override
    @SuppressWarnings("rawtypes")
    public boolean[] read(Kryo kryo, Input input, Class type) {
      int length = input.readVarInt(true);
      if (length == Kryo.NULL) {
        return null;
      }
      return input.readBooleans(length - 1); // BoundedInput checks one byte each
    }
  }

  /** {@code String[]}: checked, and counted against the budget. */
  static final class CheckedStringArray extends StringArraySerializer {
    @Override
    @SuppressWarnings("rawtypes")
    public String[] read(Kryo kryo, Input input, Class type) {
      int length = input.readVarInt(true);
      if (length == Kryo.NULL) {
        return null;
      }
      BoundedInput in = bounded(input);
      in.need(length - 1L, 1, "a string array");
      String[] array = new String[length - 1];
      for (int i = 0; i < array.length; i++) {
        in.tick();
        array[i] = in.readString();
      }
      return array;
    }
  }

  /** {@code EnumSet}: checked, and counted against the budget. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class CheckedEnumSet extends EnumSetSerializer {
    @Override
    public EnumSet read(Kryo kryo, Input input, Class<? extends EnumSet> type) {
      Registration registration = kryo.readClass(input);
      if (registration == null || !registration.getType().isEnum()) {
        throw new com.esotericsoftware.kryo.KryoException("an EnumSet of a class that is no enum");
      }
      EnumSet set = EnumSet.noneOf(registration.getType());
      Serializer serializer = registration.getSerializer();
      int length = input.readVarInt(true);
      BoundedInput in = bounded(input);
      in.need(length, 1, "an enum set");
      for (int i = 0; i < length; i++) {
        in.tick();
        set.add(serializer.read(kryo, input, registration.getType()));
      }
      return set;
    }
  }

  /**
   * Object arrays: the length is checked before the array is created, and every element counts
   * against the budget. Kryo's ObjectArraySerializer, read for read.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class CheckedArray extends ObjectArraySerializer {
    private final boolean sameType;

    CheckedArray(Kryo kryo, Class type) {
      super(kryo, type);
      sameType = java.lang.reflect.Modifier.isFinal(type.getComponentType().getModifiers());
    }

    @Override
    public Object[] read(Kryo kryo, Input input, Class type) {
      int n = input.readVarInt(true);
      if (n == Kryo.NULL) {
        return null;
      }
      n--;
      BoundedInput in = bounded(input);
      in.need(n, 1, "an array");
      Class elementClass = type.getComponentType();
      Object[] array = (Object[]) Array.newInstance(elementClass, n);
      if (sameType || kryo.isFinal(elementClass)) {
        Serializer elementSerializer = kryo.getSerializer(elementClass);
        for (int i = 0; i < n; i++) {
          in.tick();
          array[i] = kryo.readObjectOrNull(input, elementClass, elementSerializer);
        }
      } else {
        for (int i = 0; i < n; i++) {
          in.tick();
          array[i] = kryo.readClassAndObject(input);
        }
      }
      return array;
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
