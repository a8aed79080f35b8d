/**
 * minirpc in Spring Boot: {@link io.minirpc.spring.boot.RpcService} beans are served, {@link
 * io.minirpc.spring.boot.RpcReference} fields are injected with proxies, {@code minirpc.*}
 * properties configure both, and the server lives and drains with the application context.
 */
package io.minirpc.spring.boot;
