package io.minirpc.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import io.minirpc.codec.kryo.CheckedSerializers.CheckedBooleanArray;
import io.minirpc.codec.kryo.CheckedSerializers.CheckedCollection;
import io.minirpc.codec.kryo.CheckedSerializers.CheckedEnumSet;
import io.minirpc.codec.kryo.CheckedSerializers.CheckedMap;
import io.minirpc.codec.kryo.CheckedSerializers.CheckedStringArray;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Which classes the Kryo codec of one client or server may write and read, and under which ids.
 *
 * <p>Three kinds of class, and nothing else:
 *
 * <ul>
 *   <li>Kryo's own primitives and {@code String}, ids 0 to 8, registered by Kryo itself.
 *   <li>A fixed list of standard JDK value and collection classes, ids 16 and up in the order of
 *       {@link #FIXED}. The list only ever grows at its end, so ids never change.
 *   <li>Classes reached by the declared types of service methods, and classes the user allowed:
 *       ids from {@link #USER_ID_BASE} up, derived from the class name alone. Two peers agree on
 *       every id without agreeing on the order in which they registered services.
 * </ul>
 *
 * <p>Shared by every pooled {@link Kryo} of a codec: a Kryo instance creates its registrations
 * lazily from this table, so services registered while calls are running reach every instance.
 */
final class KryoRegistrations {
  static final int FIRST_FIXED_ID = 16;
  static final int USER_ID_BASE = 1024;
  /** User ids span 26 bits, so they cost at most four bytes on the wire. */
  private static final int USER_ID_MASK = (1 << 26) - 1;

  /** A registered class, its id, and how to make its serializer for one Kryo instance. */
  record Entry(Class<?> type, int id, Function<Kryo, Serializer<?>> serializer) {
    Serializer<?> serializerFor(Kryo kryo) {
      return serializer == null ? kryo.getDefaultSerializer(type) : serializer.apply(kryo);
    }
  }

  /** The fixed JDK classes, in id order. Append only: an entry's position is its wire id. */
  private static final List<Entry> FIXED = fixed();

  private final Map<Class<?>, Entry> byClass = new ConcurrentHashMap<>();
  private final Map<Integer, Entry> byId = new ConcurrentHashMap<>();
  /** What each allowed class reaches, added to every slot's scope. */
  private final Set<Class<?>> allowedClosure;

  KryoRegistrations(Set<Class<?>> allowed) {
    for (Entry e : FIXED) {
      byClass.put(e.type(), e);
      byId.put(e.id(), e);
    }
    Set<Class<?>> closure = new HashSet<>();
    for (Class<?> c : allowed) {
      closure.addAll(reach(c));
    }
    this.allowedClosure = Set.copyOf(closure);
  }

  /** The fixed JDK classes, in id order: for tests that must cover every one of them. */
  static List<Entry> fixedEntries() {
    return FIXED;
  }

  Entry entry(Class<?> type) {
    return byClass.get(type);
  }

  Entry entry(int id) {
    return byId.get(id);
  }

  /**
   * Registers what {@code declared} reaches and returns the classes a slot of that type may hold,
   * beyond the fixed JDK set: its own closure and that of every allowed class.
   *
   * @throws IllegalArgumentException if it reaches a class this codec cannot encode, or two class
   *     names give the same id
   */
  Set<Class<?>> scope(Type declared) {
    Set<Class<?>> scope = new HashSet<>(reach(declared));
    scope.addAll(allowedClosure);
    return Set.copyOf(scope);
  }

  /** Registers and returns every non-fixed class {@code type} reaches through fields and type arguments. */
  private Set<Class<?>> reach(Type type) {
    Set<Class<?>> found = new HashSet<>();
    walk(type, found, new HashSet<>(), type.getTypeName());
    synchronized (this) {
      for (Class<?> c : found) {
        register(c);
      }
    }
    return found;
  }

  private void register(Class<?> c) {
    if (byClass.containsKey(c)) {
      return;
    }
    int id = userId(c.getName());
    Entry other = byId.get(id);
    if (other != null) {
      throw new IllegalArgumentException(
          "the Kryo ids of "
              + c.getName()
              + " and "
              + other.type().getName()
              + " collide (both "
              + id
              + ", derived from the class names). Rename one of the two classes");
    }
    Entry e = new Entry(c, id, null);
    byId.put(id, e);
    byClass.put(c, e);
  }

  /** The id of a user class: a mix of its name's hash, so that peers agree without talking. */
  static int userId(String className) {
    int h = className.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return USER_ID_BASE + (h & USER_ID_MASK);
  }

  private void walk(Type type, Set<Class<?>> found, Set<Type> seen, String path) {
    if (!seen.add(type)) {
      return;
    }
    if (type instanceof ParameterizedType p) {
      walk(p.getRawType(), found, seen, path);
      for (Type arg : p.getActualTypeArguments()) {
        walk(arg, found, seen, path);
      }
    } else if (type instanceof GenericArrayType g) {
      walk(g.getGenericComponentType(), found, seen, path);
      walk(arrayClass(g), found, seen, path);
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        walk(bound, found, seen, path);
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        walk(bound, found, seen, path);
      }
    } else if (type instanceof Class<?> c) {
      walkClass(c, found, seen, path);
    }
  }

  private void walkClass(Class<?> c, Set<Class<?>> found, Set<Type> seen, String path) {
    if (c.isPrimitive() || c == Object.class || isFixed(c)) {
      return;
    }
    if (isBoxOrString(c)) {
      return;
    }
    if (c.isArray()) {
      found.add(c);
      walk(c.getComponentType(), found, seen, path);
      return;
    }
    if (isJdk(c)) {
      if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
        // List, Map, Set, Collection, Number...: the values themselves must be fixed JDK classes.
        return;
      }
      if (c.isEnum()) {
        found.add(c);
        return;
      }
      throw new IllegalArgumentException(
          c.getName()
              + " (reached from "
              + path
              + ") is not one of the JDK classes the Kryo codec supports. Use a supported type"
              + " (collections, java.time, BigDecimal, UUID, Optional, ...) or the json codec");
    }
    found.add(c);
    if (c.isSealed() && !c.isEnum()) { // an enum's constant bodies travel as the enum
      // sealed interface Shape permits Circle, Square: the signature names every implementation.
      for (Class<?> permitted : c.getPermittedSubclasses()) {
        walk(permitted, found, seen, path);
      }
    }
    if (c.isEnum() || c.isInterface()) {
      return;
    }
    if (c.isRecord()) {
      for (RecordComponent rc : c.getRecordComponents()) {
        walk(rc.getGenericType(), found, seen, path + "." + rc.getName());
      }
      return;
    }
    for (Class<?> k = c; k != null && !isJdk(k); k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
          walk(f.getGenericType(), found, seen, path + "." + f.getName());
        }
      }
      Class<?> parent = k.getSuperclass();
      if (parent != null && !isJdk(parent)) {
        // class Named extends Base<Item>: Base's fields declared T hold Items.
        found.add(parent);
        if (k.getGenericSuperclass() instanceof ParameterizedType p) {
          for (Type arg : p.getActualTypeArguments()) {
            walk(arg, found, seen, path);
          }
        }
      } else if (parent != null && parent != Object.class) {
        // class Tags extends ArrayList<User>: what the JDK parent holds is reached too.
        walk(k.getGenericSuperclass(), found, seen, path);
      }
    }
  }

  private boolean isFixed(Class<?> c) {
    Entry e = byClass.get(c);
    return e != null && e.id() < USER_ID_BASE;
  }

  private static boolean isBoxOrString(Class<?> c) {
    return c == String.class
        || c == Integer.class
        || c == Long.class
        || c == Boolean.class
        || c == Byte.class
        || c == Character.class
        || c == Short.class
        || c == Float.class
        || c == Double.class;
  }

  static boolean isJdk(Class<?> c) {
    String n = c.getName();
    return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.")
        || n.startsWith("sun.");
  }

  private static Class<?> arrayClass(GenericArrayType g) {
    Type component = g.getGenericComponentType();
    Class<?> raw =
        component instanceof ParameterizedType p
            ? (Class<?>) p.getRawType()
            : component instanceof GenericArrayType ga ? arrayClass(ga) : Object.class;
    return raw.arrayType();
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static List<Entry> fixed() {
    List<Entry> l = new ArrayList<>();
    class Adder {
      void add(Class<?> type, Function<Kryo, Serializer<?>> serializer) {
        l.add(new Entry(type, FIRST_FIXED_ID + l.size(), serializer));
      }

      void add(Class<?> type) {
        add(type, null);
      }
    }
    Adder a = new Adder();
    // Arrays of primitives and strings.
    a.add(byte[].class);
    a.add(char[].class);
    a.add(short[].class);
    a.add(int[].class);
    a.add(long[].class);
    a.add(float[].class);
    a.add(double[].class);
    a.add(boolean[].class, k -> new CheckedBooleanArray());
    a.add(String[].class, k -> new CheckedStringArray());
    // Values.
    a.add(BigInteger.class);
    a.add(BigDecimal.class);
    a.add(UUID.class, k -> new DefaultSerializers.UUIDSerializer());
    a.add(URI.class, k -> new DefaultSerializers.URISerializer());
    a.add(Date.class);
    a.add(Duration.class);
    a.add(Instant.class);
    a.add(LocalDate.class);
    a.add(LocalTime.class);
    a.add(LocalDateTime.class);
    a.add(ZoneOffset.class);
    a.add(ZoneId.of("Europe/Paris").getClass());
    a.add(OffsetTime.class);
    a.add(OffsetDateTime.class);
    a.add(ZonedDateTime.class);
    a.add(Year.class);
    a.add(YearMonth.class);
    a.add(MonthDay.class);
    a.add(Period.class);
    a.add(Optional.class);
    a.add(OptionalInt.class);
    a.add(OptionalLong.class);
    a.add(OptionalDouble.class);
    // Mutable collections.
    a.add(ArrayList.class);
    a.add(LinkedList.class);
    a.add(ArrayDeque.class);
    a.add(CopyOnWriteArrayList.class);
    a.add(HashSet.class);
    a.add(LinkedHashSet.class);
    a.add(TreeSet.class);
    a.add(EnumSet.class, k -> new CheckedEnumSet());
    a.add(HashMap.class);
    a.add(LinkedHashMap.class);
    a.add(TreeMap.class);
    a.add(ConcurrentHashMap.class);
    // Empty and singleton collections.
    a.add(Collections.EMPTY_LIST.getClass(), k -> new DefaultSerializers.CollectionsEmptyListSerializer());
    a.add(Collections.EMPTY_SET.getClass(), k -> new DefaultSerializers.CollectionsEmptySetSerializer());
    a.add(Collections.EMPTY_MAP.getClass(), k -> new DefaultSerializers.CollectionsEmptyMapSerializer());
    a.add(Collections.singletonList(0).getClass(), k -> new DefaultSerializers.CollectionsSingletonListSerializer());
    a.add(Collections.singleton(0).getClass(), k -> new DefaultSerializers.CollectionsSingletonSetSerializer());
    a.add(Collections.singletonMap(0, 0).getClass(), k -> new DefaultSerializers.CollectionsSingletonMapSerializer());
    // Immutable collections: List.of, Set.of, Map.of, List.copyOf, Stream.toList.
    Function<Kryo, Serializer<?>> immutableList =
        k -> new CheckedCollection(ArrayList::new, c -> c.contains(null)
            ? Collections.unmodifiableList((List) c) : List.copyOf(c));
    a.add(List.of().getClass(), immutableList);
    a.add(List.of(1).getClass(), immutableList);
    a.add(List.of(1, 2, 3).subList(0, 1).getClass(), immutableList);
    Function<Kryo, Serializer<?>> immutableSet = k -> new CheckedCollection(LinkedHashSet::new, Set::copyOf);
    a.add(Set.of().getClass(), immutableSet);
    a.add(Set.of(1).getClass(), immutableSet);
    Function<Kryo, Serializer<?>> immutableMap = k -> new CheckedMap(LinkedHashMap::new, Map::copyOf);
    a.add(Map.of().getClass(), immutableMap);
    a.add(Map.of(1, 1).getClass(), immutableMap);
    // Arrays.asList and the Collections.unmodifiable* views.
    a.add(Arrays.asList().getClass(), k -> new CheckedCollection(ArrayList::new, c -> Arrays.asList(c.toArray())));
    a.add(Collections.unmodifiableCollection(new ArrayList<>()).getClass(),
        k -> new CheckedCollection(ArrayList::new, Collections::unmodifiableCollection));
    Function<Kryo, Serializer<?>> unmodifiableList =
        k -> new CheckedCollection(ArrayList::new, c -> Collections.unmodifiableList((List) c));
    a.add(Collections.unmodifiableList(new ArrayList<>()).getClass(), unmodifiableList);
    a.add(Collections.unmodifiableList(new LinkedList<>()).getClass(), unmodifiableList);
    a.add(Collections.unmodifiableSet(new HashSet<>()).getClass(),
        k -> new CheckedCollection(LinkedHashSet::new, c -> Collections.unmodifiableSet((Set) c)));
    a.add(Collections.unmodifiableSortedSet(new TreeSet<>()).getClass(),
        k -> new CheckedCollection(TreeSet::new, c -> Collections.unmodifiableSortedSet((TreeSet) c)));
    a.add(Collections.unmodifiableNavigableSet(new TreeSet<>()).getClass(),
        k -> new CheckedCollection(TreeSet::new, c -> Collections.unmodifiableNavigableSet((TreeSet) c)));
    a.add(Collections.unmodifiableMap(new HashMap<>()).getClass(),
        k -> new CheckedMap(LinkedHashMap::new, Collections::unmodifiableMap));
    a.add(Collections.unmodifiableSortedMap(new TreeMap<>()).getClass(),
        k -> new CheckedMap(TreeMap::new, m -> Collections.unmodifiableSortedMap((TreeMap) m)));
    a.add(Collections.unmodifiableNavigableMap(new TreeMap<>()).getClass(),
        k -> new CheckedMap(TreeMap::new, m -> Collections.unmodifiableNavigableMap((TreeMap) m)));
    return List.copyOf(l);
  }
}
