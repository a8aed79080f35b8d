package io.minirpc.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * Records, component by component in declaration order, through method handles looked up once:
 * Kryo's own record serializer calls each accessor and the constructor by reflection on every
 * value, which a profile of a getUser call showed among the top costs on both sides. Components
 * are written as Kryo writes fields: primitives as themselves, final types without a class id,
 * anything else with one (which the class resolver checks against the slot's scope). The
 * serializers of primitive and final components are looked up once too: Kryo looks a class's
 * registration up in an identity map for every value, a tenth of a client's profile.
 *
 * <p>Kryo makes one per record class and Kryo instance, and a Kryo instance serves one thread at
 * a time ({@link KryoCodec}'s workers): what it keeps between values is not shared.
 */
final class RecordSerializer extends Serializer<Record> {
  private final Class<?>[] types;
  private final boolean[] fixed;
  private final String[] names;
  private final MethodHandle[] accessors;
  private final MethodHandle constructor;
  /** An array for the next record's values; null while one is being read. */
  private Object[] spare;
  /** The serializers of the {@link #fixed} components, once asked for; null before. */
  @SuppressWarnings("rawtypes")
  private Serializer[] serializers;

  RecordSerializer(Kryo kryo, Class<?> type) {
    super(false, true);
    RecordComponent[] components = type.getRecordComponents();
    int n = components.length;
    types = new Class<?>[n];
    fixed = new boolean[n];
    names = new String[n];
    accessors = new MethodHandle[n];
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    try {
      for (int i = 0; i < n; i++) {
        types[i] = components[i].getType();
        fixed[i] = types[i].isPrimitive() || kryo.isFinal(types[i]);
        names[i] = components[i].getName();
        Method accessor = components[i].getAccessor();
        accessor.setAccessible(true);
        accessors[i] = lookup.unreflect(accessor).asType(MethodType.methodType(Object.class,
            Object.class));
      }
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      constructor = lookup.unreflectConstructor(canonical)
          .asSpreader(Object[].class, n)
          .asType(MethodType.methodType(Object.class, Object[].class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot serialize record " + type.getName() + ": "
          + e.getMessage(), e);
    }
  }

  /** Makes a {@link RecordSerializer} for every record class. */
  static final class Factory implements SerializerFactory<RecordSerializer> {
    @Override
    @SuppressWarnings("rawtypes") // Kryo's SerializerFactory declares a raw Class.
    public RecordSerializer newSerializer(Kryo kryo, Class type) {
      return new RecordSerializer(kryo, type);
    }

    @Override
    @SuppressWarnings("rawtypes") // Kryo's SerializerFactory declares a raw Class.
    public boolean isSupported(Class type) {
      return type.isRecord();
    }
  }

  /**
   * The serializers of the fixed components, from the Kryo this serializer was made for (Kryo
   * makes one per instance): looked up at the first value, when every class is registered.
   */
  @SuppressWarnings("rawtypes")
  private Serializer[] serializers(Kryo kryo) {
    Serializer[] s = serializers;
    if (s == null) {
      s = new Serializer[types.length];
      for (int i = 0; i < types.length; i++) {
        if (fixed[i]) {
          s[i] = kryo.getRegistration(types[i]).getSerializer();
        }
      }
      serializers = s;
    }
    return s;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public void write(Kryo kryo, Output output, Record object) {
    Serializer[] s = serializers(kryo);
    for (int i = 0; i < types.length; i++) {
      Object value;
      try {
        value = accessors[i].invokeExact((Object) object);
      } catch (Throwable t) {
        throw new KryoException("Cannot read component " + names[i] + " of "
            + object.getClass().getName() + ": " + t, t);
      }
      if (types[i].isPrimitive()) {
        kryo.writeObject(output, value, s[i]);
      } else if (fixed[i]) {
        kryo.writeObjectOrNull(output, value, s[i]);
      } else {
        kryo.writeClassAndObject(output, value);
      }
    }
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Record read(Kryo kryo, Input input, Class<? extends Record> type) {
    Serializer[] s = serializers(kryo);
    if (input instanceof BoundedInput bounded) {
      bounded.tick(); // a record of records of ... counts against the budget too
    }
    // The values' array is this serializer's, lent out while it reads: a record that holds one
    // of its own kind reads that one into an array of its own.
    Object[] values = spare != null ? spare : new Object[types.length];
    spare = null;
    for (int i = 0; i < types.length; i++) {
      if (types[i].isPrimitive()) {
        values[i] = kryo.readObject(input, types[i], s[i]);
      } else if (fixed[i]) {
        values[i] = kryo.readObjectOrNull(input, types[i], s[i]);
      } else {
        values[i] = kryo.readClassAndObject(input);
      }
    }
    try {
      Object record = constructor.invokeExact(values);
      return (Record) record;
    } catch (RuntimeException e) {
      throw new KryoException("The constructor of " + type.getName() + " refused the values: "
          + e.getMessage(), e);
    } catch (Throwable t) {
      throw new KryoException("Cannot construct " + type.getName() + ": " + t, t);
    } finally {
      Arrays.fill(values, null); // holds on to nothing of the value read
      spare = values;
    }
  }
}
