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
 */
package io.minirpc;
