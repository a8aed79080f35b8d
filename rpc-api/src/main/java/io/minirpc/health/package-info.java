/**
 * Health checking: the {@link io.minirpc.health.Health} service every server serves, its {@link
 * io.minirpc.health.HealthStatus}, and the {@link io.minirpc.health.ServerHealth} an application
 * sets it with ({@code RpcServer.health()}). A client calls it through {@code
 * client.proxy(Health.class)}; {@code minirpc health HOST:PORT} calls it from a shell.
 */
package io.minirpc.health;
