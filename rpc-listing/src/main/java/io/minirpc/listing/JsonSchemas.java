package io.minirpc.listing;

import java.lang.reflect.Array;
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
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;

/**
 * JSON Schema (draft 2020-12) of a declared Java type, as the JSON codec writes and reads its
 * values: what the listing service tells tools such as {@code minirpc call}, so that they can
 * build and check arguments without the Java interface.
 *
 * <p>Worked out by reflection from the type alone, the way the JSON codec's Jackson mapper sees
 * it (fields, not getters; record components; enums by name; {@code byte[]} as base64; dates
 * as ISO-8601 text). Reference types accept {@code null}, primitives do not. Records and other
 * application classes are described once each under {@code $defs} and referred to with {@code
 * $ref}, so that recursive types end; a generic class is described per type argument, {@code
 * com.example.Page(com.example.User)}. Jackson annotations such as {@code @JsonProperty} are not
 * read (the listing does not depend on Jackson): a class renamed that way is described by its
 * field names.
 */
public final class JsonSchemas {
  /** The dialect every document names in {@code $schema}. */
  public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

  private JsonSchemas() {}

  /**
   * The schema document, as JSON text, of the values of {@code type}.
   *
   * @param type a declared type, generic or not
   * @return a JSON Schema document that names {@link #DIALECT}
   */
  public static String of(Type type) {
    Objects.requireNonNull(type, "type == null");
    Generator g = new Generator();
    Map<String, Object> body = g.nullable(g.substitute(type, Map.of()));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("$schema", DIALECT);
    root.putAll(body);
    if (!g.defs.isEmpty()) {
      root.put("$defs", new TreeMap<>(g.defs));
    }
    return Json.write(root);
  }

  private static final class Generator {
    final Map<String, Object> defs = new HashMap<>();
    private final Set<String> started = new HashSet<>();

    /** The schema of {@code t}, accepting null too unless t is primitive. */
    Map<String, Object> nullable(Type t) {
      Map<String, Object> s = schema(t);
      if ((t instanceof Class && ((Class<?>) t).isPrimitive()) || s.isEmpty()
          || !s.containsKey("type") && !s.containsKey("enum") && !s.containsKey("$ref")) {
        return s; // primitives, and "anything", which null already is
      }
      Map<String, Object> out = new LinkedHashMap<>(s);
      Object type = s.get("type");
      if (type instanceof String) {
        out.put("type", List.of(type, "null"));
        return out;
      }
      if (s.containsKey("enum")) {
        List<Object> values = new ArrayList<>((List<?>) s.get("enum"));
        values.add(null);
        out.put("enum", values);
        return out;
      }
      return map("anyOf", List.of(s, map("type", "null")));
    }

    /** The schema of the non-null values of {@code t}, a type without type variables. */
    Map<String, Object> schema(Type t) {
      if (t instanceof WildcardType) {
        return schema(((WildcardType) t).getUpperBounds()[0]);
      }
      if (t instanceof GenericArrayType) {
        return map("type", "array", "items",
            nullable(((GenericArrayType) t).getGenericComponentType()));
      }
      if (t instanceof ParameterizedType) {
        return parameterized((ParameterizedType) t);
      }
      if (t instanceof TypeVariable) {
        return Map.of(); // unbound: a raw use of a generic class
      }
      return plain((Class<?>) t);
    }

    private Map<String, Object> parameterized(ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == Optional.class) {
        return schema(args[0]);
      }
      if (Collection.class.isAssignableFrom(raw) && args.length == 1) {
        Map<String, Object> s = map("type", "array", "items", nullable(args[0]));
        if (Set.class.isAssignableFrom(raw)) {
          s.put("uniqueItems", true);
        }
        return s;
      }
      if (Map.class.isAssignableFrom(raw) && args.length == 2) {
        Map<String, Object> s = map("type", "object");
        Map<String, Object> keys = keys(args[0]);
        if (keys != null) {
          s.put("propertyNames", keys);
        }
        s.put("additionalProperties", nullable(args[1]));
        return s;
      }
      if (raw.getName().startsWith("java.") || raw.isInterface()
          || Modifier.isAbstract(raw.getModifiers())) {
        return plain(raw);
      }
      Map<TypeVariable<?>, Type> env = new HashMap<>();
      TypeVariable<?>[] vars = raw.getTypeParameters();
      for (int i = 0; i < vars.length && i < args.length; i++) {
        env.put(vars[i], args[i]);
      }
      return definition(raw, name(p), env);
    }

    /** What the JSON codec writes for a map key of this type, when it says more than "text". */
    private Map<String, Object> keys(Type key) {
      if (key instanceof Class && ((Class<?>) key).isEnum()) {
        return map("enum", names((Class<?>) key));
      }
      if (key == Integer.class || key == Long.class || key == Short.class || key == Byte.class
          || key == BigInteger.class) {
        return map("pattern", "^-?[0-9]+$");
      }
      if (key == UUID.class) {
        return map("format", "uuid");
      }
      return null;
    }

    private Map<String, Object> plain(Class<?> c) {
      if (c == boolean.class || c == Boolean.class) {
        return map("type", "boolean");
      }
      if (c == byte.class || c == Byte.class) {
        return integer(Byte.MIN_VALUE, Byte.MAX_VALUE);
      }
      if (c == short.class || c == Short.class) {
        return integer(Short.MIN_VALUE, Short.MAX_VALUE);
      }
      if (c == int.class || c == Integer.class) {
        return integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
      }
      if (c == long.class || c == Long.class) {
        return integer(Long.MIN_VALUE, Long.MAX_VALUE);
      }
      if (c == float.class || c == Float.class || c == double.class || c == Double.class
          || c == BigDecimal.class || c == Number.class || c == OptionalDouble.class) {
        return map("type", "number");
      }
      if (c == BigInteger.class || c == OptionalInt.class || c == OptionalLong.class) {
        return map("type", "integer");
      }
      if (c == char.class || c == Character.class) {
        return map("type", "string", "minLength", 1, "maxLength", 1);
      }
      if (c == void.class || c == Void.class) {
        return map("type", "null");
      }
      if (c == String.class || c == CharSequence.class || c == char[].class) {
        return map("type", "string");
      }
      if (c == byte[].class) {
        return map("type", "string", "contentEncoding", "base64");
      }
      String format = FORMATS.get(c);
      if (format != null) {
        return map("type", "string", "format", format);
      }
      String described = DESCRIBED.get(c);
      if (described != null) {
        return map("type", "string", "description", described);
      }
      if (c.isArray()) {
        return map("type", "array", "items", nullable(c.getComponentType()));
      }
      if (c.isEnum() || (c.getSuperclass() != null && c.getSuperclass().isEnum())) {
        Class<?> e = c.isEnum() ? c : c.getSuperclass();
        return map("title", e.getName(), "enum", names(e));
      }
      if (Collection.class.isAssignableFrom(c)) {
        Map<String, Object> s = map("type", "array");
        if (Set.class.isAssignableFrom(c)) {
          s.put("uniqueItems", true);
        }
        return s;
      }
      if (Map.class.isAssignableFrom(c)) {
        return map("type", "object");
      }
      if (c == Object.class || c == Optional.class) {
        return Map.of();
      }
      if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
        return map("description", "an implementation of " + c.getName()
            + ", as its Jackson annotations describe it");
      }
      if (c.getName().startsWith("java.") || c.getName().startsWith("javax.")) {
        return map("description", "a " + c.getName() + ", as Jackson writes it");
      }
      return definition(c, name(c), Map.of());
    }

    /** A $ref to the definition of a record or class, made the first time it is met. */
    private Map<String, Object> definition(Class<?> c, String name,
        Map<TypeVariable<?>, Type> env) {
      Map<String, Object> ref = map("$ref", "#/$defs/" + name);
      if (!started.add(name)) {
        return ref; // made, or being made further up: a recursive type
      }
      Map<String, Object> properties = new LinkedHashMap<>();
      List<String> required = new ArrayList<>();
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          property(rc.getName(), substitute(rc.getGenericType(), env), properties, required);
        }
      } else {
        // Superclasses first, each with its type arguments as the subclass gives them.
        Deque<Map.Entry<Class<?>, Map<TypeVariable<?>, Type>>> chain = new ArrayDeque<>();
        Class<?> k = c;
        Map<TypeVariable<?>, Type> kEnv = env;
        while (k != null && k != Object.class) {
          chain.push(Map.entry(k, kEnv));
          Type sup = k.getGenericSuperclass();
          Map<TypeVariable<?>, Type> supEnv = new HashMap<>();
          if (sup instanceof ParameterizedType) {
            Type[] args = ((ParameterizedType) sup).getActualTypeArguments();
            TypeVariable<?>[] vars = k.getSuperclass().getTypeParameters();
            for (int i = 0; i < vars.length; i++) {
              supEnv.put(vars[i], substitute(args[i], kEnv));
            }
          }
          k = k.getSuperclass();
          kEnv = supEnv;
        }
        for (Map.Entry<Class<?>, Map<TypeVariable<?>, Type>> level : chain) {
          for (Field f : level.getKey().getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()) {
              continue;
            }
            property(f.getName(), substitute(f.getGenericType(), level.getValue()), properties,
                required);
          }
        }
      }
      Map<String, Object> def = map("title", name, "type", "object", "properties", properties);
      if (!required.isEmpty()) {
        def.put("required", required);
      }
      def.put("additionalProperties", false);
      defs.put(name, def);
      return ref;
    }

    private void property(String name, Type type, Map<String, Object> properties,
        List<String> required) {
      properties.put(name, nullable(type));
      if (type instanceof Class && ((Class<?>) type).isPrimitive()) {
        required.add(name);
      }
    }

    /** {@code t} with the type variables of {@code env} replaced by their arguments. */
    Type substitute(Type t, Map<TypeVariable<?>, Type> env) {
      if (t instanceof TypeVariable) {
        Type bound = env.get(t);
        return bound != null ? bound : Object.class;
      }
      if (t instanceof WildcardType) {
        return substitute(((WildcardType) t).getUpperBounds()[0], env);
      }
      if (t instanceof GenericArrayType) {
        Type component = substitute(((GenericArrayType) t).getGenericComponentType(), env);
        return component instanceof Class
            ? Array.newInstance((Class<?>) component, 0).getClass()
            : new SubstitutedType.ArrayOf(component);
      }
      if (t instanceof ParameterizedType) {
        ParameterizedType p = (ParameterizedType) t;
        Type[] args = p.getActualTypeArguments().clone();
        for (int i = 0; i < args.length; i++) {
          args[i] = substitute(args[i], env);
        }
        return new SubstitutedType.Parameterized((Class<?>) p.getRawType(), args);
      }
      return t;
    }
  }

  /** The name under {@code $defs}: the binary class name, with its type arguments if any. */
  private static String name(Type t) {
    if (t instanceof Class) {
      Class<?> c = (Class<?>) t;
      return c.isArray() ? name(c.getComponentType()) + "-array" : c.getName();
    }
    if (t instanceof GenericArrayType) {
      return name(((GenericArrayType) t).getGenericComponentType()) + "-array";
    }
    if (t instanceof ParameterizedType) {
      ParameterizedType p = (ParameterizedType) t;
      StringJoiner args = new StringJoiner(",", name(p.getRawType()) + "(", ")");
      for (Type a : p.getActualTypeArguments()) {
        args.add(name(a));
      }
      return args.toString();
    }
    return "java.lang.Object";
  }

  private static List<Object> names(Class<?> enumClass) {
    List<Object> out = new ArrayList<>();
    for (Object constant : enumClass.getEnumConstants()) {
      out.add(((Enum<?>) constant).name());
    }
    return out;
  }

  private static Map<String, Object> integer(long min, long max) {
    return map("type", "integer", "minimum", min, "maximum", max);
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static final Map<Class<?>, String> FORMATS = Map.of(
      UUID.class, "uuid",
      Instant.class, "date-time",
      OffsetDateTime.class, "date-time",
      ZonedDateTime.class, "date-time",
      Date.class, "date-time",
      LocalDate.class, "date",
      OffsetTime.class, "time",
      Duration.class, "duration",
      URI.class, "uri",
      URL.class, "uri");

  private static final Map<Class<?>, String> DESCRIBED = Map.of(
      LocalDateTime.class, "ISO-8601 date and time without offset, 2026-11-30T10:15:30",
      LocalTime.class, "ISO-8601 time without offset, 10:15:30",
      Period.class, "ISO-8601 period, P1Y2M3D");
}
