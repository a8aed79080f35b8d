package io.minirpc.internal.registry;

import io.minirpc.codec.ValueReader;
import io.minirpc.codec.ValueWriter;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of the exceptions a method declares: for each declared exception class, its own
 * instance fields (those of its application superclasses too, never {@link Throwable}'s), each
 * with a codec's writer and reader, or the reason the codec cannot carry it. Worked out once per
 * method and codec; how a declared exception's fields travel in the body of an ERROR frame.
 */
public final class ExceptionFields {
  /** No declared exception carries a field: the common case. */
  private static final ExceptionFields NONE = new ExceptionFields(Map.of());

  /** One field, and how the codec writes and reads it; or, in {@code refusal}, why it cannot. */
  public record Slot(Field field, ValueWriter writer, ValueReader reader, String refusal) {}

  private final Map<Class<?>, Map<String, Slot>> byClass;

  private ExceptionFields(Map<Class<?>, Map<String, Slot>> byClass) {
    this.byClass = byClass;
  }

  /** The fields of {@code d}'s declared exceptions, with {@code codec}'s writers and readers. */
  public static ExceptionFields of(MethodDescriptor d, Codecs.Entry codec) {
    Map<Class<?>, Map<String, Slot>> byClass = new LinkedHashMap<>();
    for (Class<?> declared : d.method().getExceptionTypes()) {
      Map<String, Slot> fields = new LinkedHashMap<>();
      for (Field f : Fingerprints.instanceFields(declared)) {
        String slot = "field " + f.getName() + " of " + declared.getName();
        try {
          f.setAccessible(true);
          fields.put(f.getName(), new Slot(f, codec.writer(f.getGenericType(), d, slot),
              codec.reader(f.getGenericType(), d, slot), null));
        } catch (RuntimeException e) { // the codec refused the type, or the field is closed
          fields.put(f.getName(), new Slot(f, null, null, e.getMessage()));
        }
      }
      if (!fields.isEmpty()) {
        byClass.put(declared, Collections.unmodifiableMap(fields)); // by name: the wire order
      }
    }
    return byClass.isEmpty() ? NONE : new ExceptionFields(Map.copyOf(byClass));
  }

  /**
   * The fields carried for an exception of class {@code thrown}: those of the most specific
   * declared class it is an instance of, by name; empty if none.
   */
  public Map<String, Slot> of(Class<?> thrown) {
    Class<?> best = null;
    for (Class<?> declared : byClass.keySet()) {
      if (declared.isAssignableFrom(thrown) && (best == null || best.isAssignableFrom(declared))) {
        best = declared;
      }
    }
    return best == null ? Map.of() : byClass.get(best);
  }
}
