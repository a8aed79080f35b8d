package io.minirpc.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.minirpc.codec.MissingValues;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The evolving layout of the Kryo codec ({@link io.minirpc.codec.Codec#evolving}), for client and
 * server whose application classes differ. Records and classes are written field by field with
 * each field's name and the length of its value, so that a reader skips a field it does not have
 * and gives one it was not sent its {@link MissingValues missing value}; numbers are written at
 * their widest ({@code int} as a variable-length {@code long}, {@code float} as {@code double}),
 * so that a reader whose field is wider reads them; enum constants are written by name.
 *
 * <pre>
 * object := fieldCount:varint { name:string length:varint value[length] }
 * value  := empty (null) | varlong (integral) | double (floating) | boolean | varint (char)
 *         | class id and object, as Kryo writes them (anything else)
 * </pre>
 */
final class EvolvingLayout {
  private EvolvingLayout() {}

  /** The evolving serializer of a user class, or Kryo's own for what has no fields of its own. */
  static Serializer<?> serializer(Kryo kryo, Class<?> type) {
    if (type.isEnum()) {
      return new EnumByName(type);
    }
    if (type.isArray() && !type.getComponentType().isPrimitive()) {
      return new EvolvingArray(type);
    }
    if (type.isRecord()
        || !(type.isArray() || type.isInterface() || Modifier.isAbstract(type.getModifiers())
            || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type))) {
      return new ByField(type);
    }
    return kryo.getDefaultSerializer(type);
  }

  /**
   * Buffers for the values of the fields being written, one per level of nesting, kept in the
   * context of one pooled Kryo instance (used by one thread at a time).
   */
  static final class Scratch {
    private final List<Output> buffers = new ArrayList<>();
    /** No field value is larger than a frame: a larger one fails as soon as it passes it. */
    private final int limit;
    private int depth;

    Scratch(int limit) {
      this.limit = limit;
    }

    static Scratch of(Kryo kryo) {
      Scratch s = (Scratch) kryo.getContext().get(Scratch.class);
      if (s == null) {
        throw new IllegalStateException("a Kryo instance without the evolving layout's buffers");
      }
      return s;
    }

    /** A buffer for one field value of the object being written at this depth. */
    Output enter() {
      if (depth == buffers.size()) {
        buffers.add(new Output(256, limit));
      }
      return buffers.get(depth++);
    }

    /** Done with the buffer {@link #enter} gave; a large one is let go. */
    void exit() {
      Output o = buffers.get(--depth);
      if (o.getBuffer().length > 64 * 1024) {
        buffers.set(depth, new Output(256, limit));
      }
    }
  }

  /** How a field's value is written, by its declared type. */
  private enum Kind {
    INTEGRAL, FLOATING, BOOLEAN, CHAR, OBJECT;

    static Kind of(Class<?> c) {
      if (c == int.class || c == long.class || c == short.class || c == byte.class
          || c == Integer.class || c == Long.class || c == Short.class || c == Byte.class) {
        return INTEGRAL;
      }
      if (c == float.class || c == double.class || c == Float.class || c == Double.class) {
        return FLOATING;
      }
      if (c == boolean.class || c == Boolean.class) {
        return BOOLEAN;
      }
      return c == char.class || c == Character.class ? CHAR : OBJECT;
    }
  }

  /** Records and classes, field by field, by name. */
  static final class ByField extends Serializer<Object> {
    private final Class<?> type;
    private final String[] names;
    private final Class<?>[] types;
    private final Type[] generic;
    private final Kind[] kinds;
    private final MethodHandle[] getters;
    /** Setters of a class's fields; null for a record, built through {@link #constructor}. */
    private final MethodHandle[] setters;
    private final MethodHandle constructor;
    private final List<Field> fields;
    private final Map<String, Integer> index = new HashMap<>();

    ByField(Class<?> type) {
      super(false, true);
      this.type = type;
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      try {
        List<AnnotatedElement> members = new ArrayList<>();
        if (type.isRecord()) {
          RecordComponent[] rc = type.getRecordComponents();
          Class<?>[] raw = new Class<?>[rc.length];
          for (int i = 0; i < rc.length; i++) {
            members.add(rc[i]);
            raw[i] = rc[i].getType();
          }
          Constructor<?> canonical = type.getDeclaredConstructor(raw);
          canonical.setAccessible(true);
          constructor = lookup.unreflectConstructor(canonical).asSpreader(Object[].class, raw.length)
              .asType(MethodType.methodType(Object.class, Object[].class));
          fields = List.of();
        } else {
          fields = instanceFields(type);
          members.addAll(fields);
          constructor = null;
        }
        int n = members.size();
        names = new String[n];
        types = new Class<?>[n];
        generic = new Type[n];
        kinds = new Kind[n];
        getters = new MethodHandle[n];
        setters = type.isRecord() ? null : new MethodHandle[n];
        for (int i = 0; i < n; i++) {
          AnnotatedElement m = members.get(i);
          if (m instanceof RecordComponent rc) {
            names[i] = rc.getName();
            types[i] = rc.getType();
            generic[i] = rc.getGenericType();
            rc.getAccessor().setAccessible(true);
            getters[i] = lookup.unreflect(rc.getAccessor());
          } else {
            Field f = (Field) m;
            f.setAccessible(true);
            names[i] = f.getName();
            types[i] = f.getType();
            generic[i] = f.getGenericType();
            getters[i] = lookup.unreflectGetter(f);
            setters[i] = lookup.unreflectSetter(f)
                .asType(MethodType.methodType(void.class, Object.class, Object.class));
          }
          getters[i] = getters[i].asType(MethodType.methodType(Object.class, Object.class));
          kinds[i] = Kind.of(types[i]);
          index.put(names[i], i);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException("Cannot serialize " + type.getName()
            + " in the evolving layout: " + e.getMessage(), e);
      }
    }

    @Override
    public void write(Kryo kryo, Output output, Object object) {
      Scratch scratch = Scratch.of(kryo);
      Output value = scratch.enter();
      try {
        output.writeVarInt(names.length, true);
        for (int i = 0; i < names.length; i++) {
          Object v;
          try {
            v = getters[i].invokeExact(object);
          } catch (Throwable t) {
            throw new KryoException("Cannot read " + names[i] + " of " + type.getName() + ": " + t,
                t);
          }
          output.writeString(names[i]);
          if (v == null) {
            output.writeVarInt(0, true);
            continue;
          }
          value.setPosition(0);
          writeValue(kryo, value, kinds[i], v);
          output.writeVarInt(value.position(), true);
          output.writeBytes(value.getBuffer(), 0, value.position());
        }
      } finally {
        scratch.exit();
      }
    }

    private static void writeValue(Kryo kryo, Output out, Kind kind, Object v) {
      switch (kind) {
        case INTEGRAL -> out.writeVarLong(((Number) v).longValue(), false);
        case FLOATING -> out.writeDouble(((Number) v).doubleValue());
        case BOOLEAN -> out.writeBoolean((Boolean) v);
        case CHAR -> out.writeVarInt((Character) v, true);
        default -> kryo.writeClassAndObject(out, v);
      }
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> ignored) {
      BoundedInput in = (BoundedInput) input;
      in.tick();
      int count = input.readVarInt(true);
      in.need(count, 2, "the fields of " + type.getName());
      Object[] values = new Object[names.length];
      boolean[] sent = new boolean[names.length];
      for (int f = 0; f < count; f++) {
        in.tick();
        String name = input.readString();
        int length = input.readVarInt(true);
        in.need(length, 1, "a field of " + type.getName());
        Integer i = name == null ? null : index.get(name);
        int start = input.position();
        if (i == null) {
          input.setPosition(start + length); // a field this version does not have
          continue;
        }
        values[i] = length == 0 ? null : readValue(kryo, input, i);
        sent[i] = true;
        if (input.position() - start != length) {
          throw new KryoException("the field " + names[i] + " of " + type.getName() + " was sent"
              + " as " + length + " bytes, but its value took " + (input.position() - start));
        }
      }
      return setters == null ? record(values, sent) : object(kryo, values, sent);
    }

    private Object readValue(Kryo kryo, Input input, int i) {
      Class<?> t = types[i];
      switch (kinds[i]) {
        case INTEGRAL:
          long v = input.readVarLong(false);
          if (t == long.class || t == Long.class) {
            return v;
          }
          if (t == int.class || t == Integer.class) {
            return (int) range(v, Integer.MIN_VALUE, Integer.MAX_VALUE, i);
          }
          if (t == short.class || t == Short.class) {
            return (short) range(v, Short.MIN_VALUE, Short.MAX_VALUE, i);
          }
          return (byte) range(v, Byte.MIN_VALUE, Byte.MAX_VALUE, i);
        case FLOATING:
          double d = input.readDouble();
          return t == double.class || t == Double.class ? d : (Object) (float) d;
        case BOOLEAN:
          return input.readBoolean();
        case CHAR:
          return (char) input.readVarInt(true);
        default:
          Object o = kryo.readClassAndObject(input);
          if (o != null && !types[i].isInstance(o)) {
            throw new KryoException("the field " + names[i] + " of " + type.getName()
                + " holds a " + o.getClass().getName() + " where " + types[i].getName()
                + " is declared");
          }
          return o;
      }
    }

    private long range(long v, long min, long max, int i) {
      if (v < min || v > max) {
        throw new KryoException("the field " + names[i] + " of " + type.getName() + " holds "
            + v + ", which does not fit its type " + types[i].getName());
      }
      return v;
    }

    private Object record(Object[] values, boolean[] sent) {
      for (int i = 0; i < values.length; i++) {
        if (!sent[i]) {
          values[i] = MissingValues.of(generic[i]);
        } else if (values[i] == null && types[i].isPrimitive()) {
          values[i] = MissingValues.of(types[i]);
        }
      }
      try {
        return constructor.invokeExact(values);
      } catch (RuntimeException e) {
        throw new KryoException("The constructor of " + type.getName() + " refused the values: "
            + e.getMessage(), e);
      } catch (Throwable t) {
        throw new KryoException("Cannot construct " + type.getName() + ": " + t, t);
      }
    }

    private Object object(Kryo kryo, Object[] values, boolean[] sent) {
      Object o = kryo.newInstance(type);
      try {
        List<Field> missing = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
          if (sent[i] && (values[i] != null || !types[i].isPrimitive())) {
            setters[i].invokeExact(o, values[i]);
          } else if (!sent[i]) {
            missing.add(fields.get(i));
          }
        }
        MissingValues.fill(o, missing); // what the constructor left null
      } catch (Throwable t) {
        throw new KryoException("Cannot set the fields of " + type.getName() + ": " + t, t);
      }
      return o;
    }

    private static List<Field> instanceFields(Class<?> c) {
      List<Field> fields = new ArrayList<>();
      for (Class<?> k = c; k != null && !KryoRegistrations.isJdk(k); k = k.getSuperclass()) {
        for (Field f : k.getDeclaredFields()) {
          int m = f.getModifiers();
          if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
            f.setAccessible(true);
            fields.add(f);
          }
        }
      }
      fields.sort(Comparator.comparing(Field::getName));
      return List.copyOf(fields);
    }
  }
}
