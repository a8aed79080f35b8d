/**
 * What the public API and the runtime share: the call context of the current thread. The runtime
 * ({@code io.minirpc:rpc-core}) writes it: the server makes each call current on the thread that
 * runs it, and a client reads the deadline and metadata scopes opened around a call. Applications
 * read it through {@link io.minirpc.RpcContext}, {@link io.minirpc.CallDeadline} and {@link
 * io.minirpc.CallMetadata}, not through this package, whose names may change in any release.
 */
package io.minirpc.runtime;
