package io.minirpc.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Arrays of objects, each element with its class id: the other side's version of the element
 * class may be final where this one is not, and Kryo's own array serializer writes no id for a
 * final one.
 */
final class EvolvingArray extends Serializer<Object[]> {
  private final Class<?> component;

  EvolvingArray(Class<?> type) {
    super(true, true);
    this.component = type.getComponentType();
  }

  @Override
  public void write(Kryo kryo, Output output, Object[] array) {
    if (array == null) {
      output.writeVarInt(Kryo.NULL, true);
      return;
    }
    output.writeVarInt(array.length + 1, true);
    for (Object e : array) {
      kryo.writeClassAndObject(output, e);
    }
  }

  @Override
  public Object[] read(Kryo kryo, Input input, Class<? extends Object[]> type) {
    int n = input.readVarInt(true);
    if (n == Kryo.NULL) {
      return null;
    }
    BoundedInput in = (BoundedInput) input;
    in.need(n - 1L, 1, "an array");
    Object[] array = (Object[]) java.lang.reflect.Array.newInstance(component, n - 1);
    for (int i = 0; i < array.length; i++) {
      in.tick();
      Object e = kryo.readClassAndObject(input);
      if (e != null && !component.isInstance(e)) {
        throw new KryoException("an array of " + component.getName() + " holds a "
            + e.getClass().getName());
      }
      array[i] = e;
    }
    return array;
  }
}
