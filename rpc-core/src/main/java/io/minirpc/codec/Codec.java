package io.minirpc.codec;

import java.lang.reflect.Type;

/**
 * Turns values of declared types into bytes and back.
 *
 * <p>The core calls {@link #writer} and {@link #reader} once per parameter and return type of each
 * service method, when a service is registered or a proxy created, and caches the result; the per
 * call work is only {@link ValueWriter#write} and {@link ValueReader#read}. Both methods must be
 * thread-safe, and so must the writers and readers they return.
 *
 * <p>A codec should reject a type it cannot handle faithfully by throwing {@link
 * IllegalArgumentException} from these methods, with a message that says why: the error then
 * surfaces when the service is registered, not on the first call.
 */
public interface Codec {

  /**
   * Returns a writer for values of the declared type {@code type}: a {@link Class}, or a {@link
   * java.lang.reflect.ParameterizedType} such as {@code Map<String, List<User>>}, or a {@link
   * java.lang.reflect.GenericArrayType}. Type variables and wildcards never reach a codec.
   *
   * @throws IllegalArgumentException if this codec cannot write values of that type
   */
  ValueWriter writer(Type type);

  /**
   * Returns a reader that decodes values of the declared type {@code type} and nothing else: the
   * reader may construct only {@code type}, the types it reaches through its fields, elements and
   * type arguments, standard JDK value and collection classes, and classes allowed in {@link
   * CodecContext#allowedClasses()}.
   *
   * @throws IllegalArgumentException if this codec cannot read values of that type
   */
  ValueReader reader(Type type);

  /**
   * This codec in its evolving layout, or {@code null} if it has none (the default).
   *
   * <p>The core uses the evolving layout for the calls of a method whose application classes
   * differ between client and server in the ways {@code docs/evolution.md} allows: a field added
   * or removed, an enum constant added, a number widened. Its writers write every object field by
   * name, so that a reader with another version of the class skips a field it does not have and
   * gives one the writer did not send its default: {@code null}, zero, {@code false}, {@code
   * Optional.empty()}, an empty collection or array, or, for a class with a no-argument
   * constructor, the value that constructor leaves. It writes enum constants by name; a reader
   * that does not know a constant refuses it, naming it, unless the enum marks one constant
   * {@code @io.minirpc.Fallback}. Its readers read numbers written as narrower ones ({@code int}
   * as {@code long}, {@code float} as {@code double}).
   *
   * <p>Calls between sides whose classes are equal keep this codec's own layout. A codec without
   * an evolving layout can only call methods whose classes are equal on both sides: the
   * handshake refuses the others, naming the difference.
   */
  default Codec evolving() {
    return null;
  }
}
