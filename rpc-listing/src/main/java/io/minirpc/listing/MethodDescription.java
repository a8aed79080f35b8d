package io.minirpc.listing;

import java.util.List;

/**
 * One remote method as {@link ServiceListing#describe} tells it.
 *
 * @param key the method as requests name it: its name and erased parameter types, {@code
 *     add(int,int)}
 * @param signature its result type (a future's unwrapped), name and generic parameter types:
 *     {@code java.util.List<com.example.User> find(java.lang.String)}
 * @param parameters its parameters, in order
 * @param resultType the result's generic Java type ({@code void} for none)
 * @param resultSchema the result as a JSON Schema document (draft 2020-12), as the JSON codec
 *     writes it; for a method that streams (its result type is {@code
 *     java.util.concurrent.Flow$Publisher<T>}), the schema of one item
 * @param async whether the method returns a {@code CompletableFuture} or {@code CompletionStage}
 * @param digest the method's fingerprint, as the server's handshake gives it: equal on both sides
 *     when they encode its values alike
 */
public record MethodDescription(String key, String signature, List<ParameterDescription> parameters,
    String resultType, String resultSchema, boolean async, long digest) {}
