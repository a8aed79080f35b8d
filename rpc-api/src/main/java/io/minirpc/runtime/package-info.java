/**
 * What the public API and the runtime share: the call context of the current thread. The runtime
 * ({@code io.minirpc:rpc-core}) writes it: the server makes each call current on the thread that
 * runs it, and a client reads the deadline and metadata scopes opened around a call. Applications
 * read it through {@link io.minirpc.RpcContext}, {@link io.minirpc.CallDeadline} and {@link
 * io.minirpc.CallMetadata}, not through this package, whose names may change in any release.
 *
 * <p>It also holds what an optional module needs to add a service that describes the server:
 * {@link io.minirpc.runtime.ServerFeature}, found through {@code ServiceLoader}, and the {@link
 * io.minirpc.runtime.ServiceCatalog} the runtime gives it (the listing in {@code rpc-listing} is
 * one).
 */
package io.minirpc.runtime;
