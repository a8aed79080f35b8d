/**
 * Micrometer meters for minirpc clients and servers: {@link
 * io.minirpc.micrometer.MicrometerMetrics}, an {@link io.minirpc.metrics.RpcObserver} given to
 * the builders' {@code observer}.
 */
package io.minirpc.micrometer;
