package io.minirpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter whose value picks the server when the client balances with {@code
 * minirpc.loadBalancer=consistent-hash}: calls with equal keys go to the same server while it is
 * up and not overloaded, so its caches stay warm. The key is the parameter's {@code toString()}
 * ({@code null} hashes like an empty string). Without {@code @HashKey}, the call's metadata entry
 * {@code hash-key} is the key, and a call with neither is balanced as with {@code least-pending}.
 *
 * <pre>{@code
 * public interface Carts {
 *   Cart get(@HashKey String userId);
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface HashKey {}
