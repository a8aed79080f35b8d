package io.minirpc.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.stereotype.Component;

/**
 * Serves a bean with minirpc: the server the starter runs registers it under each interface in
 * {@link #value()}, or, when that is empty, under every interface its class implements outside
 * {@code java.*} and {@code org.springframework.*}.
 *
 * <pre>{@code
 * @RpcService
 * class CalculatorImpl implements Calculator { ... }
 * }</pre>
 *
 * <p>It is a {@link Component}, so component scanning finds the class; on a {@code @Bean} method
 * it marks that bean. The server starts once the application context is refreshed, and drains
 * when the context closes.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface RpcService {
  /**
   * The interfaces to serve the bean under; empty (the default) for all it implements.
   *
   * @return the interfaces
   */
  Class<?>[] value() default {};
}
