package io.minirpc.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.HashMap;
import java.util.Map;

/** Enum constants by name; an unknown one is refused, naming it, or read as the fallback. */
@SuppressWarnings({"rawtypes", "unchecked"})
final class EnumByName extends Serializer<Enum> {
  private final Class<?> type;
  private final Map<String, Enum> constants = new HashMap<>();
  private final Enum fallback;

  EnumByName(Class<?> type) {
    super(false, true);
    this.type = type;
    Enum marked = null;
    for (Object c : type.getEnumConstants()) {
      Enum e = (Enum) c;
      constants.put(e.name(), e);
      try {
        if (type.getField(e.name()).isAnnotationPresent(io.minirpc.Fallback.class)) {
          marked = e;
        }
      } catch (NoSuchFieldException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    this.fallback = marked;
  }

  @Override
  public void write(Kryo kryo, Output output, Enum object) {
    output.writeString(object.name());
  }

  @Override
  public Enum read(Kryo kryo, Input input, Class<? extends Enum> ignored) {
    String name = input.readString();
    Enum e = name == null ? null : constants.get(name);
    if (e != null) {
      return e;
    }
    if (fallback != null) {
      return fallback;
    }
    throw new KryoException("the payload holds the constant " + quote(name) + " of "
        + type.getName() + ", which this side's version of it does not have (it has: "
        + String.join(", ", constants.keySet()) + "). Deploy the version with that constant,"
        + " or mark one constant @io.minirpc.Fallback to take in its place");
  }

  /** A name from the network, quoted and cut short, with anything unprintable escaped. */
  private static String quote(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < name.length() && i < 64; i++) {
      char c = name.charAt(i);
      b.append(c >= 0x20 && c < 0x7F && c != '\'' ? String.valueOf(c)
          : String.format("\\u%04x", (int) c));
    }
    return b.append(name.length() > 64 ? "'..." : "'").toString();
  }
}
