package io.minirpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Calls to this method (or every method of this interface) wait for a connection within their
 * deadline instead of failing at once with {@link RpcException.Code#UNAVAILABLE} when the server
 * cannot be reached; the per-method form of the client setting {@code minirpc.waitForReady}.
 * {@code @WaitForReady(false)} on a method turns it off where the interface turns it on.
 *
 * <pre>{@code
 * @WaitForReady
 * public interface Orders {
 *   void place(Order order);
 *   @WaitForReady(false)
 *   Status status(String id);   // fails at once while there is no connection
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface WaitForReady {
  /**
   * Whether calls wait for a connection.
   *
   * @return {@code true} (the default) to wait within the deadline, {@code false} to fail at once
   */
  boolean value() default true;
}
