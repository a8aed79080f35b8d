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
}
