package io.minirpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how many calls per second a server accepts, for one method (on the method) or for a
 * whole service (on the interface, shared by all its methods). Calls over the limit fail at once
 * with {@link RpcException.Code#RESOURCE_EXHAUSTED}, without running.
 *
 * <pre>{@code
 * @RateLimit(permitsPerSecond = 1000)
 * public interface Search {
 *   @RateLimit(permitsPerSecond = 50, burst = 10)
 *   List<Hit> expensiveQuery(String q);
 *   List<Hit> cheapQuery(String q);
 * }
 * }</pre>
 *
 * <p>A server's configuration overrides the annotation: {@code
 * minirpc.server.rateLimit.com.example.Search=2000} for the service, {@code
 * minirpc.server.rateLimit.com.example.Search#expensiveQuery=20} for a method (all overloads of
 * that name), or {@code RpcServer.Builder.rateLimit(...)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RateLimit {
  /**
   * Calls accepted per second, on average. Must be positive.
   *
   * @return the steady rate, in calls per second
   */
  double permitsPerSecond();

  /**
   * How many calls may arrive at once after a quiet period, beyond the steady rate. 0 (the
   * default) means one twentieth of a second's worth, at least 1.
   *
   * @return the burst, in calls, or 0 for the default
   */
  int burst() default 0;
}
