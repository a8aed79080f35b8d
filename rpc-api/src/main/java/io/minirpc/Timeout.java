package io.minirpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The timeout of one interface method, overriding the client's default ({@code minirpc.timeout})
 * for calls to it.
 *
 * <pre>{@code
 * public interface Search {
 *   @Timeout(millis = 200)
 *   List<Hit> query(String text);
 * }
 * }</pre>
 *
 * <p>A call made from inside a server call still ends no later than the deadline it inherits.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Timeout {
  /**
   * The timeout in milliseconds; must be positive.
   *
   * @return the timeout of each call to the method, in milliseconds
   */
  long millis();
}
