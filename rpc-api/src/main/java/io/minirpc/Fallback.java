package io.minirpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the enum constant that a reader takes for a constant it does not know: one that a newer
 * version of the enum added on the other side.
 *
 * <pre>{@code
 * enum Status {
 *   ACTIVE,
 *   SUSPENDED,
 *   @Fallback UNKNOWN
 * }
 * }</pre>
 *
 * <p>Without it, a value holding an unknown constant is refused when it arrives, and the call fails
 * with a {@code CODEC} error naming the constant. Both codecs honour it when client and server
 * have different versions of the enum. At most one constant of an enum may carry it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Fallback {}
