package io.minirpc.codec.kryo;

import com.esotericsoftware.kryo.ClassResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.IdentityMap;
import com.esotericsoftware.kryo.util.IntMap;
import com.esotericsoftware.kryo.util.Util;
import java.util.Set;

/**
 * The class resolver of one pooled Kryo instance. It never reads a class name from the wire (a
 * name reference is refused unread, so a payload cannot make the process load or even look up a
 * class), it takes its registrations from the codec's shared {@link KryoRegistrations}, and it
 * confines each value to the classes its declared type reaches.
 */
final class ScopedClassResolver implements ClassResolver {
  /** Kryo's marker for "a class name follows" (its NAME constant, -1, written plus two). */
  private static final int NAME_REFERENCE = 1;

  private final KryoRegistrations shared;
  /** Whether user classes get their serializers of the {@link EvolvingLayout}. */
  private final boolean evolving;
  private final IdentityMap<Class<?>, Registration> byClass = new IdentityMap<>();
  private final IntMap<Registration> byId = new IntMap<>();
  private Kryo kryo;

  /** The user classes the value being written or read may hold, and its declared type's name. */
  private Set<Class<?>> scope = Set.of();
  private String scopeName = "";

  ScopedClassResolver(KryoRegistrations shared, boolean evolving) {
    this.shared = shared;
    this.evolving = evolving;
  }

  private Serializer<?> serializer(KryoRegistrations.Entry e) {
    return evolving && e.id() >= KryoRegistrations.USER_ID_BASE
        ? EvolvingLayout.serializer(kryo, e.type()) : e.serializerFor(kryo);
  }

  void scope(Set<Class<?>> scope, String scopeName) {
    this.scope = scope;
    this.scopeName = scopeName;
  }

  @Override
  public void setKryo(Kryo kryo) {
    this.kryo = kryo;
  }

  @Override
  public Registration register(Registration registration) {
    Class<?> type = registration.getType();
    byClass.put(type, registration);
    if (type.isPrimitive()) {
      byClass.put(Util.getWrapperClass(type), registration);
    }
    byId.put(registration.getId(), registration);
    return registration;
  }

  @Override
  public Registration unregister(int classId) {
    Registration r = byId.remove(classId);
    if (r != null) {
      byClass.remove(r.getType());
    }
    return r;
  }

  @Override
  @SuppressWarnings("rawtypes") // Kryo's ClassResolver declares a raw Class.
  public Registration registerImplicit(Class type) {
    // Registration is required: Kryo never asks, and nothing is ever registered implicitly.
    throw new IllegalArgumentException(type.getName() + " is not registered");
  }

  @Override
  @SuppressWarnings("rawtypes") // Kryo's ClassResolver declares a raw Class.
  public Registration getRegistration(Class type) {
    Registration r = byClass.get(type);
    if (r == null) {
      KryoRegistrations.Entry e = shared.entry(type);
      if (e != null) {
        r = register(new Registration(type, serializer(e), e.id()));
      }
    }
    return r;
  }

  @Override
  public Registration getRegistration(int classId) {
    Registration r = byId.get(classId);
    if (r == null) {
      KryoRegistrations.Entry e = shared.entry(classId);
      if (e != null) {
        r = register(new Registration(e.type(), serializer(e), e.id()));
      }
    }
    return r;
  }

  @Override
  @SuppressWarnings("rawtypes") // Kryo's ClassResolver declares a raw Class.
  public Registration writeClass(Output output, Class type) {
    if (type == null) {
      output.writeByte(Kryo.NULL);
      return null;
    }
    Registration r;
    try {
      r = kryo.getRegistration(type);
    } catch (IllegalArgumentException notRegistered) {
      r = null;
    }
    if (r == null || !permits(r)) {
      throw new KryoException(
          "a "
              + type.getName()
              + " cannot be sent where "
              + scopeName
              + " is declared: the Kryo codec only sends classes the method signature reaches,"
              + " standard JDK types and classes listed in minirpc.codec.allow");
    }
    output.writeVarInt(r.getId() + 2, true);
    return r;
  }

  @Override
  public Registration readClass(Input input) {
    int wire = input.readVarInt(true);
    if (wire == Kryo.NULL) {
      return null;
    }
    Registration r = wire == NAME_REFERENCE ? null : getRegistration(wire - 2);
    if (r == null || !permits(r)) {
      // The same words for a name, an unknown id and a refused one: the reply reveals nothing.
      throw new KryoException(
          "the payload names a class that is not allowed where " + scopeName + " is declared");
    }
    return r;
  }

  private boolean permits(Registration r) {
    return r.getId() < KryoRegistrations.USER_ID_BASE || scope.contains(r.getType());
  }

  @Override
  public void reset() {}
}
