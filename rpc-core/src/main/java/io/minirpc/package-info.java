/**
 * minirpc: plain Java interfaces called across the network.
 *
 * <p>A server registers implementations of interfaces; a client gets a proxy of the same interface
 * and calls it like a local object.
 *
 * <pre>{@code
 * public interface Calculator {
 *   int add(int a, int b);
 *   CompletableFuture<Long> factorial(int n);
 * }
 *
 * RpcServer server = RpcServer.builder()
 *     .port(0)
 *     .register(Calculator.class, new CalculatorImpl())
 *     .build()
 *     .start();
 *
 * try (RpcClient client = RpcClient.builder()
 *     .address("127.0.0.1", server.port())
 *     .codec("json")
 *     .build()) {
 *   Calculator calc = client.proxy(Calculator.class);
 *   int three = calc.add(1, 2);
 * }
 * }</pre>
 *
 * <p>The public API is {@link io.minirpc.RpcServer}, {@link io.minirpc.RpcClient} and {@link
 * io.minirpc.RpcException}; codecs plug in through {@link io.minirpc.codec}. Packages under {@code
 * io.minirpc.internal} are not API.
 *
 * <p>This package is split between two jars: {@code RpcException} and the annotations a service
 * interface uses ({@code Timeout}, {@code RateLimit}, {@code WaitForReady}) are in {@code
 * io.minirpc:rpc-api}, which has no dependencies, so that a module holding only interfaces does
 * not pull in Netty; everything else is in {@code io.minirpc:rpc-core}, which depends on rpc-api.
 * Both belong on the class path: a package cannot be split between two named modules.
 */
package io.minirpc;
