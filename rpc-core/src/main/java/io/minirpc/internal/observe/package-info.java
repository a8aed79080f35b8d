/**
 * What feeds an {@link io.minirpc.metrics.RpcObserver}: the interceptor that measures calls and
 * the handler that counts connections and bytes. Not API.
 */
package io.minirpc.internal.observe;
