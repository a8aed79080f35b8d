package io.minirpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Calls to this method (or to every method of this interface) wait for a connection within their
 * deadline instead of failing at once with {@code UNAVAILABLE} when the server cannot be reached;
 * the per-method form of the client setting {@code minirpc.waitForReady}.
 *
 * <pre>{@code
 * public interface Ledger {
 *   @WaitForReady
 *   void append(Entry entry);   // rides out a server restart, up to its timeout
 * }
 * }</pre>
 *
 * <p>{@code @WaitForReady(false)} on a method turns it off where the interface turns it on.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface WaitForReady {
  /** Whether calls wait for a connection; {@code true} unless turned off for one method. */
  boolean value() default true;
}
