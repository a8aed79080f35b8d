/**
 * What a client or a server tells about its work, for metrics: an {@link
 * io.minirpc.metrics.RpcObserver} given to {@code RpcServer.Builder.observer} or {@code
 * RpcClient.Builder.observer} sees every method's calls (through a {@link
 * io.minirpc.metrics.CallObserver}), the connections, the bytes, and the requests a server refuses
 * before they run ({@link io.minirpc.metrics.Refusal}). It has no dependency: {@code
 * io.minirpc:rpc-micrometer} implements it with Micrometer, and {@code
 * io.minirpc.interceptors.MetricsInterceptor} with counters of its own.
 *
 * <pre>{@code
 * RpcObserver connections = new RpcObserver() {
 *   final LongAdder open = new LongAdder();
 *   public void connectionOpened() { open.increment(); }
 *   public void connectionClosed() { open.decrement(); }
 * };
 * RpcServer server = RpcServer.builder().observer(connections)...;
 * }</pre>
 *
 * <p>A client or server without an observer does no work for one.
 */
package io.minirpc.metrics;
