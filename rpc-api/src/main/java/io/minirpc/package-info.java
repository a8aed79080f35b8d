/**
 * What the module holding a service's interfaces needs from minirpc, without the transport:
 * {@link io.minirpc.Timeout}, {@link io.minirpc.RateLimit}, {@link io.minirpc.WaitForReady} and
 * {@link io.minirpc.RpcException}.
 *
 * <pre>{@code
 * public interface Search {
 *   @Timeout(millis = 200)
 *   List<Hit> query(String text);
 * }
 * }</pre>
 *
 * <p>The package {@code io.minirpc} is split between two jars: {@code io.minirpc:rpc-api} holds
 * these types and {@code io.minirpc:rpc-core} (which depends on it) holds the client, the server
 * and the rest of the API. Both work on the class path; as the same package cannot be in two named
 * modules, they are not usable as modules on the module path.
 */
package io.minirpc;
