package io.minirpc.codec.json;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.minirpc.Fallback;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the JSON codec's evolving layout adds to Jackson: an enum's {@link Fallback} constant is
 * its default for unknown names, and a collection or map the writer did not send is empty, as
 * {@link io.minirpc.codec.MissingValues} says for both codecs.
 */
final class EvolvingIntrospector extends JacksonAnnotationIntrospector {
  private static final long serialVersionUID = 1L;

  /** The collection and map types whose missing (or null) values read as empty ones. */
  private static final List<Class<?>> EMPTY_WHEN_MISSING = List.of(Collection.class, List.class,
      Set.class, SortedSet.class, NavigableSet.class, Map.class, SortedMap.class,
      NavigableMap.class, ArrayList.class, HashSet.class, LinkedHashSet.class, TreeSet.class,
      HashMap.class, LinkedHashMap.class, TreeMap.class);

  static void emptyWhenMissing(JsonMapper.Builder builder) {
    for (Class<?> c : EMPTY_WHEN_MISSING) {
      builder.withConfigOverride(c,
          o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)));
    }
  }

  @Override
  public Enum<?> findDefaultEnumValue(AnnotatedClass annotatedClass, Enum<?>[] enumValues) {
    for (Enum<?> e : enumValues) {
      try {
        if (e.getDeclaringClass().getField(e.name()).isAnnotationPresent(Fallback.class)) {
          return e;
        }
      } catch (NoSuchFieldException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    return super.findDefaultEnumValue(annotatedClass, enumValues);
  }
}
