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
 * io.minirpc.RpcException}; codecs plug in through {@code io.minirpc.codec}. Packages under {@code
 * io.minirpc.internal} are not API.
 *
 * <p>The whole package is in {@code io.minirpc:rpc-api}, which needs nothing but the JDK to hold
 * a service interface (Netty only for {@code tls(SslContext)}). The runtime that makes calls is
 * {@code io.minirpc:rpc-core}: {@link io.minirpc.RpcClient#builder()} and {@link
 * io.minirpc.RpcServer#builder()} find it with {@link java.util.ServiceLoader}, the way gRPC's
 * channel builders find their transport. Every package lives in exactly one jar, so minirpc works
 * on the module path as well as on the class path.
 */
package io.minirpc;
