package io.minirpc.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a proxy of the field's interface from the starter's {@code RpcClient}, which calls the
 * server at {@code minirpc.address}.
 *
 * <pre>{@code
 * @Component
 * class Billing {
 *   @RpcReference Calculator calculator;   // calls the remote Calculator
 * }
 * }</pre>
 *
 * <p>On a constructor (or {@code @Bean} or {@code @Autowired} method) parameter, it injects the
 * proxy there:
 *
 * <pre>{@code
 * @Component
 * class Invoices {
 *   private final Calculator calculator;
 *
 *   Invoices(@RpcReference Calculator calculator) {
 *     this.calculator = calculator;
 *   }
 * }
 * }</pre>
 *
 * <p>The proxy is resolved by this annotation, not by type among the application's beans, so a
 * bean of the same interface (a local {@link RpcService}) does not make the injection ambiguous.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcReference {}
