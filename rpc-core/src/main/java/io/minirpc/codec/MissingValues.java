package io.minirpc.codec;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The values an evolving reader ({@link Codec#evolving}) gives a field that the writer's version
 * of a class does not have, so that both codecs agree: zero or {@code false} for a primitive,
 * {@code Optional.empty()} for an optional, a new empty collection, map or array, and {@code null}
 * for anything else. A class with a no-argument constructor keeps what that constructor set, and
 * gets these only for fields it left {@code null}.
 */
public final class MissingValues {
  private MissingValues() {}

  /** The value of a missing field declared {@code type}; a new object on each call. */
  public static Object of(Type type) {
    Class<?> raw = raw(type);
    if (raw.isPrimitive()) {
      return primitive(raw);
    }
    if (raw == Optional.class) {
      return Optional.empty();
    }
    if (raw == OptionalInt.class) {
      return OptionalInt.empty();
    }
    if (raw == OptionalLong.class) {
      return OptionalLong.empty();
    }
    if (raw == OptionalDouble.class) {
      return OptionalDouble.empty();
    }
    if (raw.isArray()) {
      return Array.newInstance(raw.getComponentType(), 0);
    }
    if (Collection.class.isAssignableFrom(raw)) {
      return collection(raw, type);
    }
    if (Map.class.isAssignableFrom(raw)) {
      return map(raw, type);
    }
    return null;
  }

  /**
   * Gives each of {@code fields} of {@code object} that is {@code null} its missing value: for a
   * class built through its no-argument constructor, which set what it declares.
   */
  public static void fill(Object object, Iterable<Field> fields) throws IllegalAccessException {
    for (Field f : fields) {
      if (!f.getType().isPrimitive() && f.get(object) == null) {
        Object value = of(f.getGenericType());
        if (value != null) {
          f.set(object, value);
        }
      }
    }
  }

  private static Object primitive(Class<?> c) {
    if (c == boolean.class) {
      return false;
    }
    if (c == char.class) {
      return '\0';
    }
    if (c == byte.class) {
      return (byte) 0;
    }
    if (c == short.class) {
      return (short) 0;
    }
    if (c == int.class) {
      return 0;
    }
    if (c == long.class) {
      return 0L;
    }
    if (c == float.class) {
      return 0f;
    }
    return 0d;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object collection(Class<?> raw, Type type) {
    if (raw == EnumSet.class) {
      Class<?> element = argument(type, 0);
      return element != null && element.isEnum() ? EnumSet.noneOf((Class) element) : null;
    }
    if (!raw.isInterface() && !java.lang.reflect.Modifier.isAbstract(raw.getModifiers())) {
      return newInstance(raw);
    }
    if (SortedSet.class.isAssignableFrom(raw) || NavigableSet.class.isAssignableFrom(raw)) {
      return new TreeSet<>();
    }
    if (Set.class.isAssignableFrom(raw)) {
      return new LinkedHashSet<>();
    }
    if (Deque.class.isAssignableFrom(raw) || Queue.class.isAssignableFrom(raw)) {
      return new ArrayDeque<>();
    }
    return raw.isAssignableFrom(ArrayList.class) ? new ArrayList<>() : null;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object map(Class<?> raw, Type type) {
    if (raw == EnumMap.class) {
      Class<?> key = argument(type, 0);
      return key != null && key.isEnum() ? new EnumMap(key) : null;
    }
    if (!raw.isInterface() && !java.lang.reflect.Modifier.isAbstract(raw.getModifiers())) {
      return newInstance(raw);
    }
    if (SortedMap.class.isAssignableFrom(raw) || NavigableMap.class.isAssignableFrom(raw)) {
      return new TreeMap<>();
    }
    return raw.isAssignableFrom(LinkedHashMap.class) ? new LinkedHashMap<>() : null;
  }

  private static Object newInstance(Class<?> raw) {
    try {
      return raw.getConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Class<?> argument(Type type, int i) {
    if (type instanceof ParameterizedType p && p.getActualTypeArguments()[i] instanceof Class<?> c) {
      return c;
    }
    return null;
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (type instanceof GenericArrayType g) {
      return Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
    }
    return Object.class;
  }
}
