package io.minirpc.internal.registry;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * What a method looks like on the wire, in a form two processes can compare at connect time: its
 * signature with generic types, and the shape (fields and their types) of every application class
 * its parameters and result reach. Two sides whose fingerprints agree encode a call the same way
 * with either codec; two that differ would fail on the first call in a confusing way, so the
 * handshake reports the difference instead.
 */
public final class Fingerprints {
  private static final ClassValue<String> SHAPES =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          return describe(type);
        }
      };

  private Fingerprints() {}

  /** {@code "User getUser(long)"}: the result (futures unwrapped), name and parameter types. */
  public static String signature(MethodDescriptor d) {
    String name = d.key().substring(0, d.key().indexOf('('));
    StringJoiner params = new StringJoiner(",", name + "(", ")");
    for (int i = 0; i < d.parameterCount(); i++) {
      params.add(d.parameterType(i).getTypeName());
    }
    return d.resultType().getTypeName() + " " + params;
  }

  /**
   * The shapes of the application classes {@code d} reaches, by class name. JDK classes are left
   * out: both sides have the same ones.
   */
  public static SortedMap<String, String> shapes(MethodDescriptor d) {
    SortedMap<String, String> out = new TreeMap<>();
    for (int i = 0; i < d.parameterCount(); i++) {
      walk(d.parameterType(i), out);
    }
    walk(d.resultType(), out);
    return out;
  }

  /** A 64-bit digest of a signature and shapes; equal digests mean equal inputs. */
  public static long digest(String signature, Map<String, String> shapes) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    sha.update(signature.getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, String> e : shapes.entrySet()) {
      sha.update((byte) '\n');
      sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '=');
      sha.update(e.getValue().getBytes(StandardCharsets.UTF_8));
    }
    byte[] h = sha.digest();
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xFF);
    }
    return v;
  }

  private static void walk(Type type, Map<String, String> out) {
    if (type instanceof Class) {
      Class<?> c = (Class<?>) type;
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (c.isPrimitive() || isJdk(c) || out.containsKey(c.getName())) {
        return;
      }
      out.put(c.getName(), SHAPES.get(c));
      for (Type field : fieldTypes(c)) {
        walk(field, out);
      }
      // class ItemBox extends Box<Item>: the fields of Box declared T hold Items.
      for (Class<?> k = c; k.getSuperclass() != null && !isJdk(k.getSuperclass());
          k = k.getSuperclass()) {
        walk(k.getGenericSuperclass(), out);
      }
      if (c.isSealed() && !c.isEnum()) { // an enum's constant bodies are its own classes
        for (Class<?> permitted : c.getPermittedSubclasses()) {
          walk(permitted, out);
        }
      }
    } else if (type instanceof ParameterizedType) {
      ParameterizedType p = (ParameterizedType) type;
      walk(p.getRawType(), out);
      for (Type arg : p.getActualTypeArguments()) {
        walk(arg, out);
      }
    } else if (type instanceof GenericArrayType) {
      walk(((GenericArrayType) type).getGenericComponentType(), out);
    } else if (type instanceof WildcardType) {
      for (Type bound : ((WildcardType) type).getUpperBounds()) {
        walk(bound, out);
      }
    }
    // Type variables of a generic class are bound where it is used, and walked there.
  }

  private static boolean isJdk(Class<?> c) {
    String n = c.getName();
    return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.");
  }

  /**
   * {@code record{id:long,name:java.lang.String}}, {@code enum{RED,GREEN}}, and so on; a field
   * marked required ({@code @NotNull}, {@code @NonNull}, {@code @Nonnull}) ends with {@code !},
   * and a sealed type lists what it permits: {@code interface{}permits{a.Circle,a.Square}}.
   */
  private static String describe(Class<?> c) {
    String shape = shape(c);
    if (!c.isSealed() || c.isEnum()) {
      return shape;
    }
    StringJoiner j = new StringJoiner(",", "permits{", "}");
    for (Class<?> permitted : c.getPermittedSubclasses()) {
      j.add(permitted.getName());
    }
    return shape + j;
  }

  private static String shape(Class<?> c) {
    if (c.isEnum()) {
      StringJoiner j = new StringJoiner(",", "enum{", "}");
      for (Object constant : c.getEnumConstants()) {
        j.add(((Enum<?>) constant).name());
      }
      return j.toString();
    }
    if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
      return (c.isInterface() ? "interface" : "abstract") + fields(c, "{", "}");
    }
    // A final class is written without a class id where it is declared, so it is part of the shape.
    return (c.isRecord() ? "record" : Modifier.isFinal(c.getModifiers()) ? "final class" : "class")
        + fields(c, "{", "}");
  }

  private static String fields(Class<?> c, String open, String close) {
    StringJoiner j = new StringJoiner(",", open, close);
    if (c.isRecord()) {
      for (RecordComponent rc : c.getRecordComponents()) {
        j.add(rc.getName() + ":" + typeName(rc.getGenericType(), c)
            + (required(rc, field(c, rc.getName())) ? "!" : ""));
      }
      return j.toString();
    }
    for (Field f : instanceFields(c)) {
      j.add(f.getName() + ":" + typeName(f.getGenericType(), f.getDeclaringClass())
          + (required(f) ? "!" : ""));
    }
    return j.toString();
  }

  /**
   * The generic type name of a field, its class's type variables numbered ({@code List<#0>}),
   * so that renaming {@code T} to {@code E} changes nothing: nothing changes on the wire.
   */
  private static String typeName(Type type, Class<?> declaring) {
    String name = type.getTypeName();
    java.lang.reflect.TypeVariable<?>[] variables = declaring.getTypeParameters();
    for (int i = 0; i < variables.length; i++) {
      name = name.replaceAll("(?<![\\p{L}\\p{N}_$.])"
          + java.util.regex.Pattern.quote(variables[i].getName()) + "(?![\\p{L}\\p{N}_$])",
          "#" + i);
    }
    return name;
  }

  private static Field field(Class<?> c, String name) {
    try {
      return c.getDeclaredField(name);
    } catch (NoSuchFieldException e) {
      return null;
    }
  }

  /**
   * Whether a field or record component is marked as never null, by any annotation kept at run
   * time and named {@code NotNull}, {@code NonNull} or {@code Nonnull} (Jakarta Validation,
   * JSpecify, JSR 305, ...): a reader that has it cannot take a value without it.
   */
  static boolean required(java.lang.reflect.AnnotatedElement... elements) {
    for (java.lang.reflect.AnnotatedElement e : elements) {
      if (e == null) {
        continue;
      }
      if (marksRequired(e.getAnnotations())) {
        return true;
      }
      java.lang.reflect.AnnotatedType t = e instanceof Field f ? f.getAnnotatedType()
          : e instanceof RecordComponent rc ? rc.getAnnotatedType() : null;
      if (t != null && marksRequired(t.getAnnotations())) {
        return true;
      }
    }
    return false;
  }

  private static boolean marksRequired(java.lang.annotation.Annotation[] annotations) {
    for (java.lang.annotation.Annotation a : annotations) {
      String n = a.annotationType().getSimpleName();
      if (n.equals("NotNull") || n.equals("NonNull") || n.equals("Nonnull")) {
        return true;
      }
    }
    return false;
  }

  private static List<Type> fieldTypes(Class<?> c) {
    List<Type> types = new ArrayList<>();
    if (c.isRecord()) {
      for (RecordComponent rc : c.getRecordComponents()) {
        types.add(rc.getGenericType());
      }
    } else {
      for (Field f : instanceFields(c)) {
        types.add(f.getGenericType());
      }
    }
    return types;
  }

  /** Non-static, non-transient fields of {@code c} and its application superclasses, by name. */
  static List<Field> instanceFields(Class<?> c) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> k = c; k != null && !isJdk(k); k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
          fields.add(f);
        }
      }
    }
    fields.sort(Comparator.comparing(Field::getName));
    return fields;
  }
}
