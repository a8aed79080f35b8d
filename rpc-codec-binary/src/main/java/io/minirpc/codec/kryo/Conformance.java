package io.minirpc.codec.kryo;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What Kryo cannot see in a value: its declared type arguments. Kryo erases {@code List<Integer>}
 * to {@code List} and takes any class the slot permits as an element, so a payload could put a
 * {@code String}, or another class the signature names elsewhere, where the signature says
 * {@code Integer}; the application would then fail on a {@code ClassCastException} far from the
 * codec. A conformance check walks a value along its declared type and refuses any element, map
 * key or value, optional value, array element or field of a generic type that is not of the type
 * its declaration says. It runs after a value is decoded (before the application sees it) and
 * before one is encoded (so a polluted value never leaves), in time linear in the value.
 *
 * <p>Built once per declared type. Positions the JVM itself checks (a field or record component
 * of a plain class type, an array element) are checked only for what they hold inside; a
 * declared type with nothing generic anywhere in it needs no check at all ({@link #of} returns
 * null).
 */
final class Conformance {
  /** A value that is not what its declaration says: where, and what was found. */
  static final class Mismatch extends Exception {
    private final String found;
    private final String declared;
    private String path = "";

    Mismatch(Object value, Type declared) {
      super(null, null, false, false);
      this.found = value.getClass().getName();
      this.declared = declared.getTypeName();
    }

    Mismatch at(String step) {
      path = step + path;
      return this;
    }

    /** What was found, where in the value, and what is declared there. */
    @Override
    public String getMessage() {
      return "a " + found + " at " + (path.isEmpty() ? "its top" : path) + ", where " + declared
          + " is declared";
    }
  }

  /** Checks what a value of a known class holds inside. */
  private interface Inner {
    void check(Object value) throws Mismatch;
  }

  /** What a position needs: its value's class (for erased positions), and what is inside it. */
  private record Node(Class<?> bound, Type declared, Inner inner) {
    /** A position the JVM does not check, such as a list element: its class is checked too. */
    void checkErased(Object value) throws Mismatch {
      if (value == null) {
        return;
      }
      if (bound != null && !bound.isInstance(value)) {
        throw new Mismatch(value, declared);
      }
      if (inner != null) {
        inner.check(value);
      }
    }

    /** A position whose class the JVM already checked: only what the value holds inside. */
    void checkReified(Object value) throws Mismatch {
      if (value != null && inner != null) {
        inner.check(value);
      }
    }

    boolean checksErased() {
      return bound != null || inner != null;
    }
  }

  private final Node root;

  private Conformance(Node root) {
    this.root = root;
  }

  /** The check for {@code declared}, or null when no value could break what it declares. */
  static Conformance of(Type declared) {
    Node root = new Builder().node(declared, Map.of());
    return root.inner == null ? null : new Conformance(root);
  }

  /** Checks a value whose top-level class has been checked already. */
  void check(Object value) throws Mismatch {
    root.checkReified(value);
  }

  /** Builds nodes, once per type; a recursive type gets a node that refers back to itself. */
  private static final class Builder {
    private final Map<Type, Node> built = new HashMap<>();
    private final Map<Type, Deferred> building = new HashMap<>();

    Node node(Type type, Map<TypeVariable<?>, Type> env) {
      Type t = resolve(type, env);
      Node known = built.get(t);
      if (known != null) {
        return known;
      }
      if (building.size() >= MAX_NESTING) {
        // A type whose arguments grow as it recurses (class Nest<T> { Nest<List<T>> next; }):
        // deeper than this, a position is checked by its class alone.
        return new Node(bound(t), t, null);
      }
      Deferred pending = building.get(t);
      if (pending != null) {
        // A type met again inside itself (a tree of nodes): check it as the outer one is checked.
        return new Node(bound(t), t, pending);
      }
      Deferred self = new Deferred();
      building.put(t, self);
      try {
        Node n = build(t);
        self.target = n.inner == null ? NOTHING : n.inner;
        built.put(t, n);
        return n;
      } finally {
        building.remove(t);
      }
    }

    private static Class<?> bound(Type t) {
      Class<?> raw = box(raw(t));
      if (raw == Object.class) {
        return null;
      }
      // A generic array may be an Object[] at run time: its elements are checked one by one.
      return raw.isArray() && !raw.getComponentType().isPrimitive() ? Object[].class : raw;
    }

    private Node build(Type t) {
      Class<?> raw = box(raw(t));
      Class<?> bound = bound(t);
      if (raw.isArray()) {
        if (raw.getComponentType().isPrimitive()) {
          return new Node(bound, t, null);
        }
        Type component = t instanceof GenericArrayType g ? g.getGenericComponentType()
            : raw.getComponentType();
        Node element = node(component, Map.of());
        return new Node(bound, t, element.checksErased() ? array(element) : null);
      }
      if (Collection.class.isAssignableFrom(raw)) {
        Node element = node(argument(t, Collection.class, 0), Map.of());
        return new Node(bound, t, element.checksErased() ? collection(element) : null);
      }
      if (Map.class.isAssignableFrom(raw)) {
        Node key = node(argument(t, Map.class, 0), Map.of());
        Node value = node(argument(t, Map.class, 1), Map.of());
        return new Node(bound, t,
            key.checksErased() || value.checksErased() ? map(key, value) : null);
      }
      if (raw == Optional.class) {
        Node value = node(argument(t, Optional.class, 0), Map.of());
        return new Node(bound, t, value.checksErased() ? optional(value) : null);
      }
      if (raw.isInterface() || raw.isEnum() || KryoRegistrations.isJdk(raw)) {
        return new Node(bound, t, raw.isInterface() && !KryoRegistrations.isJdk(raw)
            ? subclasses(t) : null);
      }
      if (!Modifier.isFinal(raw.getModifiers())) {
        // A class that values of subclasses may fill: each is checked by its own fields.
        return new Node(bound, t, subclasses(t));
      }
      return new Node(bound, t, fields(t));
    }

    /** A value of a user type that subclasses may fill is checked by its own class's fields. */
    private Inner subclasses(Type declared) {
      Map<Class<?>, Inner> byClass = new ConcurrentHashMap<>();
      Class<?> declaredClass = raw(declared);
      Inner own = declaredClass.isInterface() ? null : fields(declared);
      return value -> {
        Class<?> c = value.getClass();
        Inner inner = c == declaredClass ? own
            : byClass.computeIfAbsent(c, k -> {
              Inner i = new Builder().fields(k);
              return i == null ? NOTHING : i;
            });
        if (inner != null) {
          inner.check(value);
        }
      };
    }

    /** The fields (or record components) of a user class that need checking, or null if none. */
    private Inner fields(Type declared) {
      Class<?> c = raw(declared);
      List<Accessor> accessors = new ArrayList<>();
      Map<TypeVariable<?>, Type> env = bindings(declared);
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          add(accessors, rc.getName(), rc.getGenericType(), env, handle(rc.getAccessor()));
        }
      } else {
        for (Class<?> k = c; k != null && !KryoRegistrations.isJdk(k); k = k.getSuperclass()) {
          for (Field f : k.getDeclaredFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
              add(accessors, f.getName(), f.getGenericType(), env, getter(f));
            }
          }
          Type parent = k.getGenericSuperclass();
          env = parent == null ? env : merge(env, bindings(resolve(parent, env)));
        }
      }
      return accessors.isEmpty() ? null : fieldsCheck(accessors);
    }

    private void add(List<Accessor> accessors, String name, Type type,
        Map<TypeVariable<?>, Type> env, MethodHandle getter) {
      Node n = node(type, env);
      // A field declared as a type variable is erased: the class of its value needs checking too.
      boolean erased = containsVariable(type);
      if (erased ? n.checksErased() : n.inner != null) {
        accessors.add(new Accessor("." + name, getter, n, erased));
      }
    }
  }

  private static final Inner NOTHING = value -> {};
  /** Types being built inside one another, at most; Kryo refuses values deeper than its 256. */
  private static final int MAX_NESTING = 64;

  /** Refers to the check of a type whose node is still being built (a recursive type). */
  private static final class Deferred implements Inner {
    Inner target;

    @Override
    public void check(Object value) throws Mismatch {
      target.check(value);
    }
  }

  private record Accessor(String step, MethodHandle getter, Node node, boolean erased) {}

  private static Inner fieldsCheck(List<Accessor> accessors) {
    Accessor[] all = accessors.toArray(new Accessor[0]);
    return value -> {
      for (Accessor a : all) {
        Object v;
        try {
          v = a.getter.invokeExact(value);
        } catch (Throwable e) {
          throw new IllegalStateException("cannot read " + a.step + " of a "
              + value.getClass().getName(), e);
        }
        try {
          if (a.erased) {
            a.node.checkErased(v);
          } else {
            a.node.checkReified(v);
          }
        } catch (Mismatch m) {
          throw m.at(a.step);
        }
      }
    };
  }

  private static Inner array(Node element) {
    return value -> {
      Object[] elements = (Object[]) value; // arrays of primitives need no check
      for (int i = 0; i < elements.length; i++) {
        try {
          element.checkErased(elements[i]);
        } catch (Mismatch m) {
          throw m.at("[" + i + "]");
        }
      }
    };
  }

  private static Inner collection(Node element) {
    return value -> {
      if (value instanceof List<?> list && value instanceof RandomAccess) {
        // By index: no iterator to allocate on every call (a User's rights, say).
        for (int i = 0, n = list.size(); i < n; i++) {
          try {
            element.checkErased(list.get(i));
          } catch (Mismatch m) {
            throw m.at("[" + i + "]");
          }
        }
        return;
      }
      int i = 0;
      for (Object e : (Collection<?>) value) {
        try {
          element.checkErased(e);
        } catch (Mismatch m) {
          throw m.at("[" + i + "]");
        }
        i++;
      }
    };
  }

  private static Inner map(Node key, Node value) {
    return m -> {
      int i = 0;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) m).entrySet()) {
        try {
          key.checkErased(e.getKey());
        } catch (Mismatch x) {
          throw x.at("[key of entry " + i + "]");
        }
        try {
          value.checkErased(e.getValue());
        } catch (Mismatch x) {
          throw x.at("[value of entry " + i + "]");
        }
        i++;
      }
    };
  }

  private static Inner optional(Node value) {
    return o -> {
      Optional<?> opt = (Optional<?>) o;
      if (opt.isPresent()) {
        try {
          value.checkErased(opt.get());
        } catch (Mismatch m) {
          throw m.at(".get()");
        }
      }
    };
  }

  private static MethodHandle handle(Method accessor) {
    try {
      accessor.setAccessible(true);
      return MethodHandles.lookup().unreflect(accessor)
          .asType(MethodType.methodType(Object.class, Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + accessor + ": " + e.getMessage(), e);
    }
  }

  private static MethodHandle getter(Field f) {
    try {
      f.setAccessible(true);
      return MethodHandles.lookup().unreflectGetter(f)
          .asType(MethodType.methodType(Object.class, Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /** The type argument {@code index} of {@code target} as {@code type} fills it, or Object. */
  static Type argument(Type type, Class<?> target, int index) {
    Type found = argument(type, target, index, Map.of());
    return found == null ? Object.class : found;
  }

  private static Type argument(Type type, Class<?> target, int index,
      Map<TypeVariable<?>, Type> env) {
    Type t = resolve(type, env);
    Class<?> raw = raw(t);
    if (!target.isAssignableFrom(raw)) {
      return null;
    }
    Map<TypeVariable<?>, Type> here = bindings(t);
    if (raw == target) {
      return t instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : null;
    }
    List<Type> parents = new ArrayList<>(List.of(raw.getGenericInterfaces()));
    if (raw.getGenericSuperclass() != null) {
      parents.add(raw.getGenericSuperclass());
    }
    for (Type parent : parents) {
      Type found = argument(parent, target, index, here);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** What the type parameters of a parameterized type's class stand for in it. */
  private static Map<TypeVariable<?>, Type> bindings(Type t) {
    if (!(t instanceof ParameterizedType p)) {
      return Map.of();
    }
    TypeVariable<?>[] vars = ((Class<?>) p.getRawType()).getTypeParameters();
    Type[] args = p.getActualTypeArguments();
    Map<TypeVariable<?>, Type> env = new HashMap<>();
    for (int i = 0; i < vars.length && i < args.length; i++) {
      env.put(vars[i], args[i]);
    }
    return env;
  }

  private static Map<TypeVariable<?>, Type> merge(Map<TypeVariable<?>, Type> a,
      Map<TypeVariable<?>, Type> b) {
    Map<TypeVariable<?>, Type> m = new HashMap<>(a);
    m.putAll(b);
    return m;
  }

  /**
   * {@code type} with its type variables replaced by what {@code env} binds them to, and any
   * wildcard or unbound variable replaced by its upper bound.
   */
  static Type resolve(Type type, Map<TypeVariable<?>, Type> env) {
    if (type instanceof TypeVariable<?> v) {
      Type bound = env.get(v);
      // Unbound, a variable is its bound's erasure: T extends Comparable<T> is a Comparable,
      // and resolving the bound itself would never end.
      return bound != null ? resolve(bound, Map.of()) : raw(v.getBounds()[0]);
    }
    if (type instanceof WildcardType w) {
      Type upper = w.getUpperBounds()[0];
      return upper instanceof TypeVariable<?> v && !env.containsKey(v) ? raw(v.getBounds()[0])
          : resolve(upper, env);
    }
    if (type instanceof GenericArrayType g) {
      Type component = resolve(g.getGenericComponentType(), env);
      return component instanceof Class<?> c ? c.arrayType() : new ArrayOf(component);
    }
    if (type instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments();
      Type[] resolved = new Type[args.length];
      boolean changed = false;
      for (int i = 0; i < args.length; i++) {
        resolved[i] = resolve(args[i], env);
        changed |= resolved[i] != args[i];
      }
      return changed ? new Parameterized((Class<?>) p.getRawType(), resolved) : p;
    }
    return type;
  }

  private static boolean containsVariable(Type t) {
    if (t instanceof TypeVariable<?> || t instanceof WildcardType) {
      return true;
    }
    if (t instanceof GenericArrayType g) {
      return containsVariable(g.getGenericComponentType());
    }
    return false;
  }

  /** The class a declared type erases to; a variable or wildcard erases to Object here. */
  static Class<?> raw(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (t instanceof GenericArrayType g) {
      return raw(g.getGenericComponentType()).arrayType();
    }
    return Object.class;
  }

  /** The wrapper of a primitive class ({@code Void} for {@code void}); any other class as it is. */
  static Class<?> box(Class<?> c) {
    return c.isPrimitive() ? MethodType.methodType(c).wrap().returnType() : c;
  }

  /** A parameterized type with its variables resolved, equal to the JDK's by value. */
  private record Parameterized(Class<?> rawType, Type[] args) implements ParameterizedType {
    @Override
    public Type[] getActualTypeArguments() {
      return args.clone();
    }

    @Override
    public Type getRawType() {
      return rawType;
    }

    @Override
    public Type getOwnerType() {
      return rawType.getDeclaringClass();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ParameterizedType p && p.getRawType().equals(rawType)
          && java.util.Arrays.equals(p.getActualTypeArguments(), args)
          && java.util.Objects.equals(p.getOwnerType(), getOwnerType());
    }

    @Override
    public int hashCode() {
      // The JDK's formula, so that both implementations meet in one hash map.
      return java.util.Arrays.hashCode(args) ^ java.util.Objects.hashCode(getOwnerType())
          ^ rawType.hashCode();
    }

    @Override
    public String getTypeName() {
      StringBuilder b = new StringBuilder(rawType.getTypeName()).append('<');
      for (int i = 0; i < args.length; i++) {
        b.append(i == 0 ? "" : ",").append(args[i].getTypeName());
      }
      return b.append('>').toString();
    }

    @Override
    public String toString() {
      return getTypeName();
    }
  }

  /** An array of a parameterized type, with its variables resolved. */
  private record ArrayOf(Type component) implements GenericArrayType {
    @Override
    public Type getGenericComponentType() {
      return component;
    }

    @Override
    public String getTypeName() {
      return component.getTypeName() + "[]";
    }
  }
}
